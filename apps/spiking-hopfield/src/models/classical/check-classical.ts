import type { Tensor } from '@cristal/tensor';

/** Checks W [d, d] and states [B, d] against each other; returns d. */
export function checkWeightsAndStates(weights: Tensor, states: Tensor, fn: string): number {
  if (weights.rank !== 2 || weights.shape[0] !== weights.shape[1]) {
    throw new Error(`${fn}: weights must be a square [d, d] matrix, got shape [${weights.shape.join(', ')}].`);
  }
  const d = weights.shape[0];
  if (states.rank !== 2 || states.shape[1] !== d) {
    throw new Error(`${fn}: states must be [batch, ${d}] (one state per row, as many neurons as the weights), got shape [${states.shape.join(', ')}]. Reshape a single state to [1, ${d}].`);
  }
  return d;
}
