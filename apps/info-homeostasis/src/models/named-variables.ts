import type { Sequential } from '@cristal/bayesian';
import type { Variable } from '@cristal/tensor';

/**
 * The model's variables keyed by layer and position (`dense1/0`, `dense1/1`, ...): stable names for
 * checkpoints and optimiser state, unlike TF.js's process-wide automatic names.
 */
export function namedVariables(model: Sequential): Record<string, Variable> {
  const named: Record<string, Variable> = {};
  model.layers.forEach((layer, l) => layer.variables().forEach((v, i) => (named[`${l}:${layer.name}/${i}`] = v)));
  return named;
}
