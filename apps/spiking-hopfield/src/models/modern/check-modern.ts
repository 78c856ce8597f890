import type { Tensor } from '@cristal/tensor';

/** Checks stored patterns X [N, d] against states [B, d]; returns d. */
export function checkPatternsAndStates(patterns: Tensor, states: Tensor, fn: string): number {
  if (patterns.rank !== 2 || patterns.shape[0] === 0) {
    throw new Error(`${fn}: stored patterns must be a non-empty [N, d] matrix (one pattern per row), got shape [${patterns.shape.join(', ')}].`);
  }
  const d = patterns.shape[1] as number;
  if (states.rank !== 2 || states.shape[1] !== d) {
    throw new Error(`${fn}: states must be [batch, ${d}] (one query per row, the patterns' dimension), got shape [${states.shape.join(', ')}]. Reshape a single query to [1, ${d}].`);
  }
  return d;
}
