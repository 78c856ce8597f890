import {
  activate,
  Activation,
  Dense,
  DenseFlipout,
  DenseLocalReparam,
  DenseReparam,
  Flatten,
  McDropout,
  type ActivationKind,
  type DenseLayer,
  type Layer,
  type VariationalLayer,
} from '@cristal/bayesian';
import type { Tensor } from '@cristal/tensor';

/** A model's deterministic pass through the posterior means as a chain of dense layers. */
export interface MeanDenseChain {
  /** For `denseFisherDiagonal`: kernels and biases are the model's own variables (mu for variational layers), not copies. */
  layers: DenseLayer[];
  /** The variational layer behind each chain entry, by chain name (point `Dense` layers have none). */
  variational: Map<string, VariationalLayer>;
}

/**
 * The model as `denseFisherDiagonal` needs it, or why it cannot be written so. Accepted: the three
 * dense variational layers (at their means) and `Dense`, `Activation` after a dense layer (attached
 * to it), `McDropout` (identity in the mean pass) and `Flatten` (a no-op on [batch, features]).
 * Chain entries are named by position (`"3"`), so layer names need not be unique here.
 */
export function meanDenseChain(layers: readonly Layer[]): MeanDenseChain | { reason: string } {
  const chain: { name: string; kernel: Tensor; bias?: Tensor; activations: ActivationKind[] }[] = [];
  const variational = new Map<string, VariationalLayer>();
  for (let index = 0; index < layers.length; index++) {
    const layer = layers[index];
    const name = String(index);
    if (layer instanceof DenseReparam || layer instanceof DenseLocalReparam || layer instanceof DenseFlipout) {
      chain.push({ name, kernel: layer.weight.mu, bias: layer.bias?.mu, activations: [layer.activation] });
      variational.set(name, layer);
    } else if (layer instanceof Dense) {
      chain.push({ name, kernel: layer.kernel, bias: layer.bias ?? undefined, activations: [] });
    } else if (layer instanceof Activation) {
      if (chain.length === 0) return { reason: `layer ${index} '${layer.name}' (Activation) comes before any dense layer` };
      chain[chain.length - 1].activations.push(layer.kind);
    } else if (!(layer instanceof McDropout || layer instanceof Flatten)) {
      return { reason: `layer ${index} '${layer.name}' (${layer.constructor.name}) is not a dense map on [batch, features]` };
    }
  }
  if (variational.size === 0) return { reason: 'the model has no dense variational layer' };
  return {
    layers: chain.map(({ name, kernel, bias, activations }) => ({
      name,
      kernel,
      bias,
      activation: (z: Tensor) => activations.reduce((h, kind) => activate(kind, h), z),
    })),
    variational,
  };
}
