import { RandomStream } from '@cristal/tensor';
import type { ImageSet } from '../image-set/image-set';
import { loadMnist, type MnistOptions } from '../mnist/load-mnist';
import { gaussianNoise } from './gaussian-noise';
import { rotate } from './rotate';
import { translate } from './translate';

/** Rotated MNIST of Ovadia et al. (2019): 0 to 180 degrees in steps of 15. */
export const ROTATION_ANGLES: readonly number[] = Array.from({ length: 13 }, (_, i) => 15 * i);

/** Noise strengths (std in pixel units, 0..255) of the noisy test sets; 0 is the clean reference. */
export const NOISE_STDS: readonly number[] = [0, 8, 16, 32, 64, 128];

/** Horizontal shifts (pixels to the right) of the translated test sets: 0 to 14 in steps of 2. */
export const TRANSLATION_PIXELS: readonly number[] = [0, 2, 4, 6, 8, 10, 12, 14];

/** Seed of the noise streams; the stream path carries the strength (see noiseStreamFor). */
export const SHIFTED_MNIST_NOISE_SEED = 2019;

/**
 * The noise of strength `std` comes from its own stream, so one variant does not change when
 * another is generated first, or not at all.
 */
export function noiseStreamFor(std: number): RandomStream {
  return new RandomStream(SHIFTED_MNIST_NOISE_SEED, `shifted-mnist/noise/std-${std}`);
}

/**
 * Shifted variants of one test set, each generated deterministically on first use and then kept in
 * memory (a variant of the MNIST test set is 7.8 MB). The returned sets are shared: do not modify.
 */
export class ShiftedTestSets {
  private readonly variants = new Map<string, ImageSet>();

  constructor(readonly base: ImageSet) {}

  /** The base set rotated by `degrees`, counter-clockwise as displayed (see rotate). */
  rotated(degrees: number): ImageSet {
    return this.variant(`rot:${degrees}`, () => rotate(this.base, degrees));
  }

  /** The base set with Gaussian pixel noise of standard deviation `std` (pixel units), from noiseStreamFor(std). */
  noisy(std: number): ImageSet {
    return this.variant(`noise:${std}`, () => gaussianNoise(this.base, std, noiseStreamFor(std)));
  }

  /** The base set shifted `dx` pixels right and `dy` down, zero fill. */
  translated(dx: number, dy = 0): ImageSet {
    return this.variant(`shift:${dx},${dy}`, () => translate(this.base, dx, dy));
  }

  private variant(key: string, make: () => ImageSet): ImageSet {
    let set = this.variants.get(key);
    if (!set) {
      set = make();
      this.variants.set(key, set);
    }
    return set;
  }
}

const forBase = new WeakMap<ImageSet, ShiftedTestSets>();

/** Shifted variants of the MNIST test set, one shared instance per loaded test set. */
export function shiftedMnistTest(options: MnistOptions = {}): ShiftedTestSets {
  const { test } = loadMnist(options);
  let sets = forBase.get(test);
  if (!sets) {
    sets = new ShiftedTestSets(test);
    forBase.set(test, sets);
  }
  return sets;
}
