import { tf } from '@cristal/tensor';
import { createImageSet } from '@cristal/datasets';
import { assertPixels, imageSetPixels } from './pixels';

describe('imageSetPixels', () => {
  const images = Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 256);
  const set = createImageSet('tiny', images, Uint8Array.from([7, 1, 4]));

  it('gives bytes / 255 as float32 [count, 784] and the labels of the chosen images', () => {
    const { pixels, labels } = imageSetPixels(set, 1, 2);
    expect(pixels.shape).toEqual([2, 784]);
    expect(pixels.dtype).toBe('float32');
    const values = pixels.dataSync();
    for (let i = 0; i < values.length; i++) expect(values[i]).toBe(Math.fround(((784 + i) % 256) / 255));
    expect(Array.from(labels)).toEqual([1, 4]);
    pixels.dispose();
  });

  it('says which images are missing, and what input shape the classifiers take', () => {
    expect(() => imageSetPixels(set, 2, 2)).toThrow("imageSetPixels: images 2..3 are not all in 'tiny' (3 images).");
    const x = tf.zeros([4, 28, 28]);
    expect(() => assertPixels(x, 'M')).toThrow('M: pixels must be [batch, 784] (flattened 28x28 images in [0, 1]), got [4, 28, 28].');
    x.dispose();
  });
});
