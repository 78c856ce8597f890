import { tf, type Tensor } from '@cristal/tensor';
import { assertBipolar } from './bipolar';

/**
 * Hebbian storage of bipolar patterns [N, d] (Hopfield 1982): W = (1/d) sum_mu x^mu x^mu^T with a
 * zero diagonal. Without the zero diagonal every neuron would feel a self-coupling N/d that pins it
 * to its current value, and the single-neuron energy argument (dE = -ds_i h_i) would no longer hold.
 */
export function hebbianWeights(patterns: Tensor): Tensor {
  if (patterns.rank !== 2 || patterns.shape[0] === 0 || patterns.shape[1] === 0) {
    throw new Error(`hebbianWeights: patterns must be a non-empty [N, d] matrix (one pattern per row), got shape [${patterns.shape.join(', ')}].`);
  }
  assertBipolar(patterns, 'hebbianWeights: patterns');
  const d = patterns.shape[1] as number;
  return tf.tidy(() => {
    const outer = tf.div(tf.matMul(patterns, patterns, true, false), d);
    return tf.mul(outer, tf.sub(1, tf.eye(d)));
  });
}
