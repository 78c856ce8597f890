import { tf } from '@cristal/tensor';
import { imagePatches, patchGrid } from './patches';

describe('imagePatches', () => {
  it.each([7, 4, 14])('puts pixel (7r + i, 7c + j) at patch 4r + c, position 7i + j (patch side %i, by formula)', (s) => {
    const pixels = tf.tidy(() => tf.add(tf.range(0, 2 * 784).reshape([2, 784]), 0.5));
    const patches = imagePatches(pixels, s).arraySync() as number[][][];
    const g = 28 / s;
    expect([patches.length, patches[0].length, patches[0][0].length]).toEqual([2, g * g, s * s]);
    for (let b = 0; b < 2; b++) {
      for (let r = 0; r < g; r++) {
        for (let c = 0; c < g; c++) {
          for (let i = 0; i < s; i++) {
            for (let j = 0; j < s; j++) expect(patches[b][r * g + c][i * s + j]).toBe(b * 784 + (r * s + i) * 28 + (c * s + j) + 0.5);
          }
        }
      }
    }
    pixels.dispose();
  });

  it('refuses patch sides that do not divide 28 and inputs that are not [batch, 784]', () => {
    expect(() => patchGrid(5)).toThrow('patchSize must be a divisor of 28 (1, 2, 4, 7, 14 or 28), got 5.');
    const x = tf.zeros([2, 28, 28]);
    expect(() => imagePatches(x)).toThrow('imagePatches: pixels must be [batch, 784], got [2, 28, 28].');
    x.dispose();
  });
});
