import { tf, softmax, RandomStream, type Tensor } from '@cristal/tensor';
import type { Sequential } from '../models/sequential';
import { pointDenseLogits, type PointDenseLayer } from './point-dense-layers';

/**
 * The posterior-mean network's probabilities [B, 10] through the model's own deterministic pass
 * (`mode: 'mean'`: every layer at its posterior means, dropout off), independent of the exporter's
 * reading of the layers.
 */
export function posteriorMeanProbabilities(model: Sequential, x: Tensor): Tensor {
  // the mean pass draws no noise; the stream only satisfies the signature
  const unused = new RandomStream(0, 'posterior-mean');
  return tf.tidy(() => softmax(model.call(x, unused, { mode: 'mean', kl: false }).output));
}

/** The ensemble's predictive [B, 10] = (1/K) sum_k softmax(f(x; W_k)), one member at a time in TF.js. */
export function ensembleProbabilities(members: readonly (readonly PointDenseLayer[])[], x: Tensor): Tensor {
  if (members.length === 0) throw new Error('ensembleProbabilities: no ensemble members.');
  return tf.tidy(() => tf.mean(tf.stack(members.map((layers) => softmax(pointDenseLogits(layers, x)))), 0));
}
