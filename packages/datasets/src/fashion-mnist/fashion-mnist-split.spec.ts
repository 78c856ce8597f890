import { RandomStream } from '@cristal/tensor';
import { classCounts, type ImageSet } from '../image-set/image-set';
import { sameBytes } from '../testing/fixtures.test-helpers';
import { FASHION_MNIST_IMAGES_PER_CLASS } from './fashion-mnist-json';
import { splitFashionMnist, validateFashionMnistSplit } from './fashion-mnist-split';

/** Classes whose images encode (class, k) in their first three pixels, so provenance is visible. */
function labelledClasses(): Uint8Array[] {
  return Array.from({ length: 10 }, (_, label) => {
    const images = new Uint8Array(FASHION_MNIST_IMAGES_PER_CLASS * 784);
    for (let k = 0; k < FASHION_MNIST_IMAGES_PER_CLASS; k++) {
      images[k * 784] = label;
      images[k * 784 + 1] = k & 255;
      images[k * 784 + 2] = k >> 8;
    }
    return images;
  });
}

function provenance(set: ImageSet, i: number): number {
  const p = i * 784;
  return set.images[p] * FASHION_MNIST_IMAGES_PER_CLASS + set.images[p + 1] + 256 * set.images[p + 2];
}

describe('splitFashionMnist', () => {
  const classes = labelledClasses();
  const split = splitFashionMnist(classes);

  it('gives 60,000 / 10,000 images with exactly 6,000 / 1,000 per class', () => {
    expect([split.train.count, split.test.count]).toEqual([60000, 10000]);
    expect(classCounts(split.train)).toEqual(new Array(10).fill(6000));
    expect(classCounts(split.test)).toEqual(new Array(10).fill(1000));
    expect(() => validateFashionMnistSplit(split, 'split')).not.toThrow();
  });

  it('uses every source image exactly once across train and test (disjoint, complete)', () => {
    const all = [...split.trainSource, ...split.testSource].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 70000 }, (_, i) => i));
  });

  it('places the source image and its label at each position', () => {
    for (const [set, sources] of [
      [split.train, split.trainSource],
      [split.test, split.testSource],
    ] as const) {
      for (let i = 0; i < set.count; i++) {
        if (provenance(set, i) !== sources[i] || set.labels[i] !== Math.floor(sources[i] / 7000)) throw new Error(`${set.name}[${i}] misplaced`);
      }
    }
  });

  it('is deterministic, and depends on the stream', () => {
    const again = splitFashionMnist(classes);
    expect(sameBytes(again.trainSource, split.trainSource)).toBe(true);
    expect(sameBytes(again.test.images, split.test.images)).toBe(true);
    const other = splitFashionMnist(classes, new RandomStream(1, 'other'));
    expect(sameBytes(other.testSource, split.testSource)).toBe(false);
  });

  it('mixes classes in order: the first 100 test images are not all one class', () => {
    expect(new Set(split.test.labels.subarray(0, 100)).size).toBeGreaterThan(5);
  });

  it('validation rejects a split whose sources repeat or disagree with the labels', () => {
    const broken = { ...split, testSource: split.testSource.slice() };
    broken.testSource[5] = broken.trainSource[0];
    expect(() => validateFashionMnistSplit(broken, 'cache')).toThrow(/^cache: fashion-mnist-test source index \d+ at position 5 is out of range, repeated, or disagrees/);
  });

  it('refuses classes of the wrong size', () => {
    const short = classes.slice();
    short[3] = new Uint8Array(784 * 6999);
    expect(() => splitFashionMnist(short)).toThrow('splitFashionMnist: class 3 has 6999 images, expected 7000.');
  });
});
