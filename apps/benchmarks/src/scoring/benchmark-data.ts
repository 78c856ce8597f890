import { loadFashionMnist, loadMnist, rotate, sliceImageSet, type ImageSet } from '@cristal/datasets';

/** The rotations every leaderboard reports (Ovadia et al.'s protocol goes to 180 in 15-degree steps). */
export const LEADERBOARD_ROTATIONS: readonly number[] = [0, 15, 30, 45, 60, 75, 90];

/**
 * The images every model is scored on, identical for all of them: the MNIST test set (10,000), the
 * same rotated, and the Fashion-MNIST test set as the out-of-distribution set. Inputs are pixels / 255
 * as float32, the shared signature's range, computed once and shared.
 */
export interface BenchmarkData {
  test: ScoringSet;
  /** In the order of `rotations`; rotation 0 is the test set itself. */
  rotated: ScoringSet[];
  rotations: readonly number[];
  ood: ScoringSet;
}

/** One image set as the runtime eats it. */
export interface ScoringSet {
  name: string;
  count: number;
  /** [count, 784] row-major, in [0, 1]. */
  pixels: Float32Array;
  labels: Uint8Array;
}

export function scoringSet(set: ImageSet, count = set.count): ScoringSet {
  if (!Number.isInteger(count) || count < 1 || count > set.count) throw new Error(`scoringSet: ${set.name} has ${set.count} images; cannot take ${count}.`);
  const pixels = new Float32Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = set.images[i] / 255;
  return { name: count === set.count ? set.name : `${set.name}[:${count}]`, count, pixels, labels: set.labels.subarray(0, count) };
}

/**
 * Loads the shared data. `limit` keeps the first N images of every set (tests); the leaderboard
 * always uses all 10,000 so that its numbers compare with the projects' own.
 */
export function benchmarkData(options: { rotations?: readonly number[]; limit?: number } = {}): BenchmarkData {
  const rotations = options.rotations ?? LEADERBOARD_ROTATIONS;
  if (rotations.length === 0 || rotations[0] !== 0) throw new Error(`benchmarkData: rotations must start at 0 (the unrotated test set), got [${rotations.join(', ')}].`);
  for (const r of rotations) if (!Number.isFinite(r)) throw new Error(`benchmarkData: rotation ${r} is not a finite number of degrees.`);
  const full = loadMnist().test;
  const limit = Math.min(options.limit ?? full.count, full.count);
  const base = limit === full.count ? full : sliceImageSet(full, 0, limit, `${full.name}[:${limit}]`);
  const test = scoringSet(base);
  const rotated = rotations.map((degrees) => (degrees === 0 ? test : scoringSet(rotate(base, degrees))));
  const fashion = loadFashionMnist().test;
  return { test, rotated, rotations, ood: scoringSet(fashion, Math.min(limit, fashion.count)) };
}
