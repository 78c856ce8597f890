import type { RandomStream } from '@cristal/tensor';
import { createPatternSet, type PatternSet } from './pattern-set';

export interface RandomPatternOptions {
  count: number;
  /** Entries per pattern; with `shape`, must equal its product. */
  dimension: number;
  /** Expected pairwise overlap (1/d) x_i . x_j, in [0, 1). Default 0: independent patterns. */
  correlation?: number;
  /** [height, width] to treat patterns as images (for block masks). Default [dimension]. */
  shape?: readonly [number, number];
}

/**
 * Random bipolar patterns with a controlled pairwise correlation c. One shared parent pattern p has
 * independent uniform +-1 entries; each pattern copies each parent entry with probability
 * (1 + sqrt(c)) / 2 and flips it otherwise, independently. Then E[x_ik p_k] = sqrt(c), and since
 * two patterns are independent given p, E[x_ik x_jk] = sqrt(c)^2 = c for i != j: the expected
 * overlap (1/d) x_i . x_j is c, whatever p is. c = 0 gives independent uniform patterns.
 * Draws, in order: d parent entries, then count x d copy decisions from `stream`.
 */
export function randomPatterns(options: RandomPatternOptions, stream: RandomStream): PatternSet {
  const { count, dimension, correlation = 0, shape } = options;
  if (!Number.isInteger(count) || count < 1) throw new Error(`randomPatterns: count must be a positive integer, got ${count}.`);
  if (!Number.isInteger(dimension) || dimension < 1) throw new Error(`randomPatterns: dimension must be a positive integer, got ${dimension}.`);
  if (!(correlation >= 0 && correlation < 1)) throw new Error(`randomPatterns: correlation must be in [0, 1), got ${correlation}.`);
  if (shape && shape[0] * shape[1] !== dimension) {
    throw new Error(`randomPatterns: shape [${shape.join(', ')}] has ${shape[0] * shape[1]} entries, but dimension is ${dimension}.`);
  }
  const parent = new Int8Array(dimension);
  for (let k = 0; k < dimension; k++) parent[k] = stream.uniform() < 0.5 ? 1 : -1;
  const keep = (1 + Math.sqrt(correlation)) / 2;
  const data = new Int8Array(count * dimension);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < dimension; k++) data[i * dimension + k] = stream.uniform() < keep ? parent[k] : -parent[k];
  }
  return createPatternSet(data, count, shape ?? [dimension]);
}
