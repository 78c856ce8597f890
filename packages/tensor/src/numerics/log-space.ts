import type { Tensor } from '@tensorflow/tfjs-node';
import { tf } from '../backend/backend';

/**
 * log(sum(exp(x))) along `axis`, computed as m + log(sum(exp(x - m))) with m the maximum, so large
 * logits do not overflow. A slice that is entirely -Infinity gives -Infinity (not NaN).
 */
export function logSumExp(x: Tensor, axis = -1, keepDims = false): Tensor {
  return tf.tidy(() => {
    const m = tf.max(x, axis, true);
    const safeM = tf.where(tf.isFinite(m), m, tf.zerosLike(m));
    const lse = tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, safeM)), axis, true)), safeM);
    return keepDims ? lse : tf.squeeze(lse, [axis < 0 ? x.rank + axis : axis]);
  });
}

/** log softmax along `axis`: x - logSumExp(x). Stable for any finite logits. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return tf.tidy(() => tf.sub(x, logSumExp(x, axis, true)));
}

/** softmax along `axis` through the log domain. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return tf.tidy(() => tf.exp(logSoftmax(x, axis)));
}

/** Clamps probabilities into [eps, 1 - eps] so that their logs are finite. */
export function clampProbabilities(p: Tensor, eps = 1e-7): Tensor {
  if (!(eps > 0 && eps < 0.5)) throw new Error(`eps must be in (0, 0.5), got ${eps}.`);
  return tf.clipByValue(p, eps, 1 - eps);
}
