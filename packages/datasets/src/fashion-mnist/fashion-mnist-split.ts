import { RandomStream } from '@cristal/tensor';
import { classCounts, createImageSet, IMAGE_PIXELS, NUM_CLASSES, type ImageSet } from '../image-set/image-set';
import { FASHION_MNIST_IMAGES_PER_CLASS } from './fashion-mnist-json';

/**
 * Seed and stream of the split. Changing either changes every image's side of the split, so they are
 * part of the cache directory's version (`...-split-v1`). 20170825 is the Fashion-MNIST release date.
 */
export const FASHION_MNIST_SPLIT_SEED = 20170825;
export const FASHION_MNIST_SPLIT_STREAM = 'fashion-mnist/split-v1';
/** Per class, as in the original Fashion-MNIST split: 60,000 / 10,000 in total, balanced. */
export const FASHION_MNIST_TRAIN_PER_CLASS = 6000;
export const FASHION_MNIST_TEST_PER_CLASS = 1000;

export interface FashionMnistSplit {
  train: ImageSet;
  test: ImageSet;
  /**
   * For each image, where it came from: `label * 7000 + k`, k being its position among the 7,000
   * images of its class file (skipped empty rows not counted). Train and test sources are disjoint.
   */
  trainSource: Int32Array;
  testSource: Int32Array;
}

/** The stream that defines the split; a fresh one each time, so the split never depends on history. */
export function fashionMnistSplitStream(): RandomStream {
  return new RandomStream(FASHION_MNIST_SPLIT_SEED, FASHION_MNIST_SPLIT_STREAM);
}

/**
 * Deterministic stratified split of the package's 70,000 images (its original train/test split is
 * lost). For each class c, `stream.fork('class-c').permutation(7000)` sends its first 6,000 entries
 * to train and the last 1,000 to test. Each side is then put in the order of
 * `stream.fork('train-order' | 'test-order').permutation(n)`, so that taking the first k images of
 * either set gives a class mix, not one class.
 */
export function splitFashionMnist(classes: readonly Uint8Array[], stream: RandomStream = fashionMnistSplitStream()): FashionMnistSplit {
  if (classes.length !== NUM_CLASSES) throw new Error(`splitFashionMnist: expected ${NUM_CLASSES} classes of images, got ${classes.length}.`);
  classes.forEach((images, label) => {
    if (images.length !== FASHION_MNIST_IMAGES_PER_CLASS * IMAGE_PIXELS) {
      throw new Error(`splitFashionMnist: class ${label} has ${images.length / IMAGE_PIXELS} images, expected ${FASHION_MNIST_IMAGES_PER_CLASS}.`);
    }
  });
  const trainPool: number[] = [];
  const testPool: number[] = [];
  for (let label = 0; label < NUM_CLASSES; label++) {
    const order = stream.fork(`class-${label}`).permutation(FASHION_MNIST_IMAGES_PER_CLASS);
    order.forEach((k, i) => (i < FASHION_MNIST_TRAIN_PER_CLASS ? trainPool : testPool).push(label * FASHION_MNIST_IMAGES_PER_CLASS + k));
  }
  const trainSource = reorder(trainPool, stream.fork('train-order'));
  const testSource = reorder(testPool, stream.fork('test-order'));
  return {
    train: gather(classes, trainSource, 'fashion-mnist-train'),
    test: gather(classes, testSource, 'fashion-mnist-test'),
    trainSource,
    testSource,
  };
}

/**
 * Checks the invariants of a split (sizes, per-class balance, disjoint sources that agree with the
 * labels); used on cache files, where a wrong but well-formed file must not pass.
 */
export function validateFashionMnistSplit(split: FashionMnistSplit, source: string): void {
  const sides = [
    { set: split.train, sources: split.trainSource, perClass: FASHION_MNIST_TRAIN_PER_CLASS },
    { set: split.test, sources: split.testSource, perClass: FASHION_MNIST_TEST_PER_CLASS },
  ];
  const seen = new Uint8Array(NUM_CLASSES * FASHION_MNIST_IMAGES_PER_CLASS);
  for (const { set, sources, perClass } of sides) {
    const expected = perClass * NUM_CLASSES;
    if (set.count !== expected || sources.length !== expected) {
      throw new Error(`${source}: ${set.name} has ${set.count} images and ${sources.length} source indices, expected ${expected} of each.`);
    }
    const counts = classCounts(set);
    if (counts.some((c) => c !== perClass)) {
      throw new Error(`${source}: ${set.name} has class counts [${counts.join(', ')}], expected ${perClass} per class.`);
    }
    sources.forEach((s, i) => {
      if (!(s >= 0 && s < seen.length) || Math.floor(s / FASHION_MNIST_IMAGES_PER_CLASS) !== set.labels[i] || seen[s]) {
        throw new Error(`${source}: ${set.name} source index ${s} at position ${i} is out of range, repeated, or disagrees with label ${set.labels[i]}.`);
      }
      seen[s] = 1;
    });
  }
}

function reorder(pool: number[], stream: RandomStream): Int32Array {
  const order = stream.permutation(pool.length);
  return Int32Array.from(order, (i) => pool[i]);
}

function gather(classes: readonly Uint8Array[], sources: Int32Array, name: string): ImageSet {
  const images = new Uint8Array(sources.length * IMAGE_PIXELS);
  const labels = new Uint8Array(sources.length);
  sources.forEach((s, i) => {
    const label = Math.floor(s / FASHION_MNIST_IMAGES_PER_CLASS);
    const k = s % FASHION_MNIST_IMAGES_PER_CLASS;
    labels[i] = label;
    images.set(classes[label].subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS), i * IMAGE_PIXELS);
  });
  return createImageSet(name, images, labels);
}
