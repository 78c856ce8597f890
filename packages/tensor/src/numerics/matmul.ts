import type { Tensor } from '@tensorflow/tfjs-node';
import { tf } from '../backend/backend';

/**
 * [..., K] x [K, M] -> [..., M]: folds the leading dimensions into one so that a time- or
 * sample-batched input meets a shared weight matrix in a single 2-D matmul (one kernel call,
 * instead of a broadcast batched matmul that copies the weights per batch).
 */
export function matmulLeading(x: Tensor, w: Tensor): Tensor {
  if (w.rank !== 2) throw new Error(`matmulLeading: weights must be rank 2, got shape [${w.shape.join(', ')}].`);
  const k = x.shape[x.rank - 1];
  if (k !== w.shape[0]) {
    throw new Error(`matmulLeading: input's last dimension ${k} does not match the weights' first dimension ${w.shape[0]}.`);
  }
  return tf.tidy(() => {
    const lead = x.shape.slice(0, -1);
    const flat = tf.reshape(x, [-1, k]);
    return tf.reshape(tf.matMul(flat, w), [...lead, w.shape[1] as number]);
  });
}

/**
 * Batched matmul [B, N, K] x [B, K, M] -> [B, N, M], or with a shared right-hand side [K, M]
 * (then through matmulLeading). Shapes are checked with messages naming the mismatch.
 */
export function batchMatMul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  if (a.rank !== 3) throw new Error(`batchMatMul: left operand must be rank 3 [B, N, K], got [${a.shape.join(', ')}].`);
  if (b.rank === 2 && !transposeA) {
    return transposeB ? tf.tidy(() => matmulLeading(a, tf.transpose(b))) : matmulLeading(a, b);
  }
  if (b.rank !== 3 || b.shape[0] !== a.shape[0]) {
    throw new Error(`batchMatMul: right operand must be [K, M] or [${a.shape[0]}, K, M], got [${b.shape.join(', ')}].`);
  }
  return tf.matMul(a, b, transposeA, transposeB);
}
