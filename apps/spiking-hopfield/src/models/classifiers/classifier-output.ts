import type { Tensor } from '@cristal/tensor';

// a type alias so that tf.tidy accepts it
/** What a trainable Hopfield classifier returns for pixels [B, 784]. */
export type ClassifierOutput = {
  /** [B, 10] */
  logits: Tensor;
  /** softmax(logits) [B, 10] */
  probabilities: Tensor;
  /** The Hopfield attention [B, N] (over patches or prototypes). */
  attention: Tensor;
};
