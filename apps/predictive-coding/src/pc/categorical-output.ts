import { tf, type Scalar, type Tensor2D } from '@cristal/tensor';
import { sub } from './native-ops';

/**
 * The categorical output (options.output = 'categorical'): the output layer's prediction mu_L are
 * logits and its energy is the softmax cross-entropy against the clamped one-hot target y,
 *   F_L = pi_L sum_batch -log softmax(mu_L)_y,
 * whose negative gradient in mu_L is pi_L (y - softmax(mu_L)). So y - softmax(mu_L) plays the part of
 * the output prediction error eps_L: it is what the layer below receives as feedback and what the
 * local update of W_{L-1} multiplies with the presynaptic activity, exactly as y - mu_L does for the
 * squared-error output.
 */
export function categoricalError(target: Tensor2D, logits: Tensor2D): Tensor2D {
  return tf.tidy(() => sub(target, tf.softmax(logits)));
}

/** sum over the batch of -sum_k y_k log softmax(logits)_k (not yet multiplied by pi_L). */
export function categoricalEnergy(target: Tensor2D, logits: Tensor2D): Scalar {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)))) as Scalar);
}
