import { IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES, type ImageSet } from '../image-set/image-set';
import { createPatternSet, type PatternSet } from './pattern-set';

export interface BinarizeOptions {
  /** Pixels strictly above it become +1, the others -1. Default 127 (the upper half of 0..255). */
  threshold?: number;
  /** Take the first `count` images of the set. */
  count?: number;
  /** Take the first `perClass` images of each class, grouped by class (all 0s first, then 1s, ...). */
  perClass?: number;
}

/**
 * Binarised images as bipolar patterns of shape [28, 28], with their labels. Selection is
 * deterministic: either the first `count` images, or the first `perClass` of each class in set order.
 */
export function binarizeImages(set: ImageSet, options: BinarizeOptions): PatternSet {
  const { threshold = 127, count, perClass } = options;
  if ((count === undefined) === (perClass === undefined)) {
    throw new Error('binarizeImages: give exactly one of `count` (first N images) or `perClass` (first N of each class).');
  }
  const chosen = count !== undefined ? firstImages(set, count) : firstOfEachClass(set, perClass as number);
  const data = new Int8Array(chosen.length * IMAGE_PIXELS);
  const labels = new Uint8Array(chosen.length);
  chosen.forEach((image, i) => {
    labels[i] = set.labels[image];
    const from = image * IMAGE_PIXELS;
    for (let p = 0; p < IMAGE_PIXELS; p++) data[i * IMAGE_PIXELS + p] = set.images[from + p] > threshold ? 1 : -1;
  });
  return createPatternSet(data, chosen.length, [IMAGE_SIDE, IMAGE_SIDE], labels);
}

function firstImages(set: ImageSet, count: number): number[] {
  if (!Number.isInteger(count) || count < 1 || count > set.count) {
    throw new Error(`binarizeImages: count must be an integer in 1..${set.count} (the size of ${set.name}), got ${count}.`);
  }
  return Array.from({ length: count }, (_, i) => i);
}

function firstOfEachClass(set: ImageSet, perClass: number): number[] {
  if (!Number.isInteger(perClass) || perClass < 1) throw new Error(`binarizeImages: perClass must be a positive integer, got ${perClass}.`);
  const byClass: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  for (let i = 0; i < set.count && byClass.some((list) => list.length < perClass); i++) {
    const list = byClass[set.labels[i]];
    if (list.length < perClass) list.push(i);
  }
  const short = byClass.findIndex((list) => list.length < perClass);
  if (short >= 0) throw new Error(`binarizeImages: ${set.name} has only ${byClass[short].length} images of class ${short}, ${perClass} requested per class.`);
  return byClass.flat();
}
