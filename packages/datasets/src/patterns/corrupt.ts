import type { RandomStream } from '@cristal/tensor';
import { createPatternSet, type PatternSet } from './pattern-set';

/** A rectangle of a [height, width] pattern. */
export interface RectangleRegion {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** A contiguous run of entries of a [dimension] pattern. */
export interface SliceRegion {
  start: number;
  length: number;
}

export type PatternRegion = RectangleRegion | SliceRegion;

/**
 * Flips exactly round(fraction x d) entries of each pattern (masked zeros stay zero), at positions
 * chosen uniformly without replacement from `stream`. Returns a new set.
 */
export function flipBits(patterns: PatternSet, fraction: number, stream: RandomStream): PatternSet {
  return corruptPositions(patterns, fraction, stream, 'flipBits', (data, i) => {
    data[i] = -data[i];
  });
}

/** Sets exactly round(fraction x d) entries of each pattern to 0, uniformly chosen from `stream`. Returns a new set. */
export function maskRandom(patterns: PatternSet, fraction: number, stream: RandomStream): PatternSet {
  return corruptPositions(patterns, fraction, stream, 'maskRandom', (data, i) => {
    data[i] = 0;
  });
}

/** Sets every entry inside `region` to 0 in each pattern: a rectangle for 2-D patterns, a slice for 1-D. Returns a new set. */
export function maskRegion(patterns: PatternSet, region: PatternRegion): PatternSet {
  const data = patterns.data.slice();
  const offsets = regionOffsets(patterns.shape, region);
  for (let n = 0; n < patterns.count; n++) {
    const base = n * patterns.dimension;
    for (const offset of offsets) data[base + offset] = 0;
  }
  return createPatternSet(data, patterns.count, patterns.shape, patterns.labels);
}

/** The bottom half (rows floor(h/2)..h-1) of a 2-D pattern, or the second half of a 1-D one. */
export function bottomHalf(shape: PatternSet['shape']): PatternRegion {
  if (shape.length === 2) {
    const [height, width] = shape;
    const top = Math.floor(height / 2);
    return { top, left: 0, height: height - top, width };
  }
  const start = Math.floor(shape[0] / 2);
  return { start, length: shape[0] - start };
}

function corruptPositions(
  patterns: PatternSet,
  fraction: number,
  stream: RandomStream,
  name: string,
  corrupt: (data: Int8Array, index: number) => void,
): PatternSet {
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`${name}: fraction must be in [0, 1], got ${fraction}.`);
  const d = patterns.dimension;
  const k = Math.round(fraction * d);
  const data = patterns.data.slice();
  // Partial Fisher-Yates: the first k entries of `positions` become a uniform k-subset. It is not
  // reset between patterns because any permutation is an equally good starting point.
  const positions = Int32Array.from({ length: d }, (_, i) => i);
  for (let n = 0; n < patterns.count; n++) {
    for (let i = 0; i < k; i++) {
      const j = i + stream.int(d - i);
      const chosen = positions[j];
      positions[j] = positions[i];
      positions[i] = chosen;
      corrupt(data, n * d + chosen);
    }
  }
  return createPatternSet(data, patterns.count, patterns.shape, patterns.labels);
}

function regionOffsets(shape: PatternSet['shape'], region: PatternRegion): number[] {
  const isInt = (v: number) => Number.isInteger(v) && v >= 0;
  if ('start' in region) {
    if (shape.length !== 1) throw new Error(`maskRegion: a slice region needs 1-D patterns, these have shape [${shape.join(', ')}]; use {top, left, height, width}.`);
    const { start, length } = region;
    if (!isInt(start) || !isInt(length) || start + length > shape[0]) {
      throw new Error(`maskRegion: slice {start: ${start}, length: ${length}} must be non-negative integers within 0..${shape[0]}.`);
    }
    return Array.from({ length }, (_, i) => start + i);
  }
  if (shape.length !== 2) throw new Error(`maskRegion: a rectangle region needs 2-D patterns, these have shape [${shape.join(', ')}]; use {start, length}.`);
  const [rows, cols] = shape;
  const { top, left, height, width } = region;
  if (![top, left, height, width].every(isInt) || top + height > rows || left + width > cols) {
    throw new Error(`maskRegion: rectangle {top: ${top}, left: ${left}, height: ${height}, width: ${width}} must be non-negative integers inside ${rows}x${cols}.`);
  }
  const offsets: number[] = [];
  for (let r = top; r < top + height; r++) for (let c = left; c < left + width; c++) offsets.push(r * cols + c);
  return offsets;
}
