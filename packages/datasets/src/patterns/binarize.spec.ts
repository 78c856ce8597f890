import { imageAt } from '../image-set/image-set';
import { loadMnist } from '../mnist/load-mnist';
import { binarizeImages } from './binarize';
import { patternAt } from './pattern-set';

describe('binarizeImages', () => {
  const { test } = loadMnist();

  it('maps pixels above the threshold to +1 and the others to -1, for the first N images', () => {
    const patterns = binarizeImages(test, { count: 50 });
    expect([patterns.count, patterns.dimension]).toEqual([50, 784]);
    expect(patterns.shape).toEqual([28, 28]);
    expect(Array.from(patterns.labels ?? [])).toEqual(Array.from(test.labels.subarray(0, 50)));
    for (let n = 0; n < 50; n++) {
      const image = imageAt(test, n);
      patternAt(patterns, n).forEach((v, p) => {
        if (v !== (image[p] > 127 ? 1 : -1)) throw new Error(`image ${n} pixel ${p}`);
      });
    }
  });

  it('respects a custom threshold', () => {
    const image = imageAt(test, 0);
    const pattern = patternAt(binarizeImages(test, { count: 1, threshold: 0 }), 0);
    expect(pattern.filter((v) => v === 1).length).toBe(image.filter((v) => v > 0).length);
  });

  it('takes the first N images of each class, grouped by class', () => {
    const patterns = binarizeImages(test, { perClass: 3 });
    expect(Array.from(patterns.labels ?? [])).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9]);
    // The first 0 of the MNIST test set is image 3 (labels start 7, 2, 1, 0, 4).
    const firstZero = test.labels.indexOf(0);
    expect(firstZero).toBe(3);
    const image = imageAt(test, firstZero);
    expect(Array.from(patternAt(patterns, 0))).toEqual(Array.from(image, (v) => (v > 127 ? 1 : -1)));
  });

  it('rejects ambiguous or impossible selections', () => {
    expect(() => binarizeImages(test, {})).toThrow('binarizeImages: give exactly one of `count` (first N images) or `perClass` (first N of each class).');
    expect(() => binarizeImages(test, { count: 10001 })).toThrow('binarizeImages: count must be an integer in 1..10000 (the size of mnist-test), got 10001.');
    expect(() => binarizeImages(test, { perClass: 900 })).toThrow('binarizeImages: mnist-test has only 892 images of class 5, 900 requested per class.');
  });
});
