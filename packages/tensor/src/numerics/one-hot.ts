import type { Tensor } from '@tensorflow/tfjs-node';
import { tf } from '../backend/backend';

/**
 * One-hot float32 [N, depth] from integer labels. Unlike tf.oneHot, a label outside [0, depth) or
 * a non-integer is an error (tf.oneHot silently yields an all-zero row).
 */
export function oneHot(labels: ArrayLike<number> | Tensor, depth: number, name = 'labels'): Tensor {
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`oneHot depth must be a positive integer, got ${depth}.`);
  const values = isTensor(labels) ? labels.dataSync() : labels;
  if (isTensor(labels) && labels.rank !== 1) throw new Error(`${name}: expected a rank-1 tensor, got shape [${labels.shape.join(', ')}].`);
  const ints = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isInteger(v) || v < 0 || v >= depth) {
      throw new Error(`${name}[${i}] = ${v} is not a class index in [0, ${depth - 1}].`);
    }
    ints[i] = v;
  }
  return tf.tidy(() => tf.oneHot(tf.tensor1d(ints, 'int32'), depth).toFloat());
}

function isTensor(x: unknown): x is Tensor {
  return x instanceof tf.Tensor;
}
