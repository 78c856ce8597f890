import { tf, type Tensor2D } from '@cristal/tensor';
import type { PcArchitecture } from '../pc/architecture';
import { predict } from '../pc/feedforward';
import type { PcParams } from '../pc/params';

/**
 * The predictive distribution of K weight samples: p(y | x) = (1/K) sum_k softmax(x̄_L(x; W_k)), each
 * sample through the feedforward sweep. For a categorical output x̄_L are logits; for a squared-error
 * output the softmax only maps the scores to the simplex.
 */
export function bayesianPredictive(samples: readonly PcParams[], architecture: PcArchitecture, input: Tensor2D): Tensor2D {
  if (samples.length === 0) throw new Error('bayesianPredictive: pass at least one weight sample (sampleWeightBeliefs(beliefs, K, seed)).');
  return tf.tidy(() => tf.div(tf.addN(samples.map((s) => tf.softmax(predict(s, architecture, input)))), samples.length) as Tensor2D);
}
