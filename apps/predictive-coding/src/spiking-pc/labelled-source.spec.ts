import { createImageSet } from '@cristal/datasets';
import { arraySource, imageSetSource } from './labelled-source';

describe('labelled sources', () => {
  it('an image set gives pixels / 255 and its labels', () => {
    const images = new Uint8Array(2 * 784);
    images[0] = 255;
    images[784 + 5] = 51;
    const source = imageSetSource(createImageSet('two', images, Uint8Array.from([3, 7])));
    expect([source.size, source.features, source.classes]).toEqual([2, 784, 10]);
    const { features, labels } = source.rows(1, 1);
    expect(features[5]).toBeCloseTo(0.2, 7);
    expect(features.reduce((a, b) => a + b, 0)).toBeCloseTo(0.2, 7);
    expect(Array.from(labels)).toEqual([7]);
    expect(source.rows(0, 2).features[0]).toBe(1);
    expect(() => source.rows(1, 2)).toThrow(/rows\(1, 2\) is outside the 2 samples/);
  });

  it('plain arrays are checked', () => {
    const source = arraySource('xy', Float32Array.from([1, 2, 3, 4]), [0, 1], 2, 2);
    expect(Array.from(source.rows(1, 1).features)).toEqual([3, 4]);
    expect(() => arraySource('bad', new Float32Array(3), [0, 1], 2, 2)).toThrow(/2 labels need 4 features/);
    expect(() => arraySource('bad', new Float32Array(4), [0, 2], 2, 2)).toThrow(/label 2 at index 1 is not a class in 0..1/);
  });
});
