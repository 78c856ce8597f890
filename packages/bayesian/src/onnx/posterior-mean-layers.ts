import { tf } from '@cristal/tensor';
import type { Sequential } from '../models/sequential';
import { lowerBayesianMlp } from './lowered-mlp';
import type { PointDenseLayer } from './point-dense-layers';

/**
 * The posterior-mean network: every variational layer's weights and biases at their means mu
 * (deterministic `Dense` layers as they are). New tensors, owned by the caller
 * (`disposePointDenseLayers`).
 */
export function posteriorMeanLayers(model: Sequential): PointDenseLayer[] {
  return lowerBayesianMlp(model).layers.map((l) => ({
    name: l.name,
    weight: tf.clone(l.weight.mu),
    bias: l.bias ? tf.clone(l.bias.mu) : null,
    activations: [...l.activations],
  }));
}
