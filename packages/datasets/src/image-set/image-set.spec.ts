import { syntheticImageSet } from '../testing/fixtures.test-helpers';
import { classCounts, createImageSet, imageAt, sliceImageSet, withImages } from './image-set';

describe('ImageSet helpers', () => {
  const set = syntheticImageSet(25);

  it('counts classes', () => {
    // syntheticImageSet labels image n with n % 10: 25 images give three 0..4 and two 5..9.
    expect(classCounts(set)).toEqual([3, 3, 3, 3, 3, 2, 2, 2, 2, 2]);
  });

  it('slices as views over the same pixels', () => {
    const middle = sliceImageSet(set, 10, 20, 'middle');
    expect(middle.count).toBe(10);
    expect(middle.images.buffer).toBe(set.images.buffer);
    expect(imageAt(middle, 3)).toEqual(imageAt(set, 13));
    expect(middle.labels[3]).toBe(set.labels[13]);
    expect(() => sliceImageSet(set, 5, 26, 'x')).toThrow('sliceImageSet(synthetic, 5, 26): expected integers 0 <= start <= end <= 25.');
  });

  it('rejects pixel counts that do not match the labels, and labels that are not classes', () => {
    expect(() => createImageSet('bad', new Uint8Array(784 * 2 + 1), new Uint8Array(2))).toThrow(
      'Image set bad: 2 labels need 1568 pixels (28x28 each), got 1569.',
    );
    expect(() => createImageSet('bad', new Uint8Array(784), Uint8Array.from([10]))).toThrow('Image set bad: label 10 at index 0 is not a class 0..9.');
  });

  it('withImages copies the labels so the new set does not alias the old one', () => {
    const copy = withImages(set, new Uint8Array(set.images.length), 'zeros');
    expect(copy.labels).toEqual(set.labels);
    expect(copy.labels).not.toBe(set.labels);
    expect(() => imageAt(copy, 25)).toThrow('imageAt(zeros, 25): expected an integer index in 0..24.');
  });
});
