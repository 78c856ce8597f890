import { tf, type Tensor } from '@cristal/tensor';
import type { ExportActivation } from './lowered-mlp';

/**
 * A dense layer with fixed weights, y = act_n(... act_1(x W + b)): one member of an exported
 * network (the posterior mean, or one weight sample of the ensemble). Owns its tensors.
 */
export interface PointDenseLayer {
  name: string;
  /** [in, out], as in `x @ W`. */
  weight: Tensor;
  /** [out], or null for a layer without bias. */
  bias: Tensor | null;
  activations: readonly ExportActivation[];
}

const ACTIVATE: Record<ExportActivation, (x: Tensor) => Tensor> = {
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
};

/** The logits of a chain of point dense layers on x [B, in], with plain TF.js ops: the reference the exported graph is held to. */
export function pointDenseLogits(layers: readonly PointDenseLayer[], x: Tensor): Tensor {
  return tf.tidy(() => {
    let h = x;
    for (const layer of layers) {
      h = tf.matMul(h, layer.weight);
      if (layer.bias) h = tf.add(h, layer.bias);
      for (const a of layer.activations) h = ACTIVATE[a](h);
    }
    return h;
  });
}

/** Frees every tensor of one network or of an ensemble's networks. */
export function disposePointDenseLayers(layers: readonly PointDenseLayer[] | readonly (readonly PointDenseLayer[])[]): void {
  for (const item of layers) {
    for (const layer of Array.isArray(item) ? (item as readonly PointDenseLayer[]) : [item as PointDenseLayer]) {
      tf.dispose(layer.bias ? [layer.weight, layer.bias] : [layer.weight]);
    }
  }
}
