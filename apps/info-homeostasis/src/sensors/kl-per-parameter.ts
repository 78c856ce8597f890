import { isVariational, type Layer, type VariationalLayer } from '@cristal/bayesian';
import type { RandomStream } from '@cristal/tensor';
import { assertUniqueLayerNames } from './layer-names';

/**
 * KL(q || p) of a layer's weights and biases in nats, divided by its parameter count (a parameter is
 * one weight or bias, so a layer of `in x out` weights with bias has `(in + 1) out`). Per parameter,
 * layers of very different sizes (784 x 400 against 400 x 10) become comparable and one set point
 * can serve all of them. Uses the layer's own `kl()`: closed form for a Gaussian prior; for a prior
 * without one (scale mixture) a Monte-Carlo estimate drawn from `rng`, which can then be negative.
 */
export function klPerParameter(layer: VariationalLayer, rng?: RandomStream): number {
  const kl = layer.kl(rng);
  // read before disposing: the kernel may hand the buffer back to a pool afterwards
  const nats = kl.dataSync()[0];
  kl.dispose();
  return nats / layer.parameterCount;
}

/** `klPerParameter` of every variational layer among `layers`, keyed by layer name. */
export function klPerParameterByLayer(layers: readonly Layer[], rng?: RandomStream): Record<string, number> {
  const variational = layers.filter(isVariational);
  assertUniqueLayerNames(variational, 'klPerParameterByLayer');
  const result: Record<string, number> = {};
  for (const layer of variational) result[layer.name] = klPerParameter(layer, rng);
  return result;
}
