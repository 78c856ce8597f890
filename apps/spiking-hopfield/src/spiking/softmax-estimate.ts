import { tf, type Tensor, type Tensor1D, type Tensor2D } from '@cristal/tensor';

export interface SoftmaxEstimate {
  /** c / sum_i c_i [B, N]; an all-zero row when the memory stayed silent (no estimate). */
  probabilities: Tensor2D;
  /** sum_i c_i [B]: the error of the estimate shrinks like 1 / sqrt(total). */
  total: Tensor1D;
}

/** Normalised spike counts [B, N]: the spiking estimate of softmax(beta X xi). */
export function softmaxFromCounts(counts: Tensor): SoftmaxEstimate {
  if (counts.rank !== 2) throw new Error(`counts must be [B, N], got [${counts.shape.join(', ')}].`);
  return tf.tidy(() => {
    const total = tf.sum(counts, 1, true);
    const probabilities = tf.div(counts, tf.maximum(total, 1)) as Tensor2D;
    return { probabilities, total: tf.reshape(total, [-1]) as Tensor1D };
  });
}
