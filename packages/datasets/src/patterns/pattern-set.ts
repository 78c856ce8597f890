/**
 * Bipolar patterns for associative memories: `count` patterns of `dimension` entries, +1 or -1
 * (0 where a corruption masked an entry), pattern after pattern in one Int8Array.
 */
export interface PatternSet {
  readonly data: Int8Array;
  readonly count: number;
  readonly dimension: number;
  /** [dimension] for vectors, [height, width] for images (row-major); block masks use it. */
  readonly shape: readonly [number] | readonly [number, number];
  /** Class of each pattern, when it came from a labelled image set. */
  readonly labels?: Uint8Array;
}

export function createPatternSet(data: Int8Array, count: number, shape: PatternSet['shape'], labels?: Uint8Array): PatternSet {
  const dimension = shape.reduce((n, d) => n * d, 1);
  if (!shape.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`Pattern shape [${shape.join(', ')}] must be positive integers.`);
  if (data.length !== count * dimension) {
    throw new Error(`Pattern set: ${count} patterns of shape [${shape.join(', ')}] need ${count * dimension} entries, got ${data.length}.`);
  }
  if (labels && labels.length !== count) throw new Error(`Pattern set: ${count} patterns but ${labels.length} labels.`);
  return labels ? { data, count, dimension, shape, labels } : { data, count, dimension, shape };
}

/** Pattern `index` as a view. */
export function patternAt(set: PatternSet, index: number): Int8Array {
  if (!Number.isInteger(index) || index < 0 || index >= set.count) {
    throw new Error(`patternAt: expected an integer index in 0..${set.count - 1}, got ${index}.`);
  }
  return set.data.subarray(index * set.dimension, (index + 1) * set.dimension);
}

/** The same entries as float32, row-major [count, dimension], e.g. for tf.tensor2d. */
export function patternsToFloat32(set: PatternSet): Float32Array {
  return Float32Array.from(set.data);
}

/** (1/d) a . b: 1 for equal bipolar patterns, -1 for opposite, about 0 for independent ones. */
export function overlap(a: Int8Array, b: Int8Array): number {
  if (a.length !== b.length) throw new Error(`overlap: patterns of different lengths ${a.length} and ${b.length}.`);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot / a.length;
}

/** The mean of overlap(x_i, x_j) over all pairs i < j. */
export function meanPairwiseOverlap(set: PatternSet): number {
  if (set.count < 2) throw new Error(`meanPairwiseOverlap: needs at least 2 patterns, got ${set.count}.`);
  let sum = 0;
  for (let i = 0; i < set.count; i++) {
    for (let j = i + 1; j < set.count; j++) sum += overlap(patternAt(set, i), patternAt(set, j));
  }
  return sum / ((set.count * (set.count - 1)) / 2);
}
