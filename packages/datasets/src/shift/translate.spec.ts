import { imageAt } from '../image-set/image-set';
import { sameBytes, syntheticImageSet } from '../testing/fixtures.test-helpers';
import { translate } from './translate';

describe('translate', () => {
  const set = syntheticImageSet(5);

  it('moves pixel (r, c) to (r + dy, c + dx) and fills with zeros', () => {
    for (const [dx, dy] of [
      [3, 0],
      [0, -2],
      [-5, 7],
      [27, 27],
    ]) {
      const shifted = translate(set, dx, dy);
      for (let n = 0; n < set.count; n++) {
        const input = imageAt(set, n);
        const output = imageAt(shifted, n);
        for (let r = 0; r < 28; r++) {
          for (let c = 0; c < 28; c++) {
            const sr = r - dy;
            const sc = c - dx;
            const expected = sr >= 0 && sr < 28 && sc >= 0 && sc < 28 ? input[sr * 28 + sc] : 0;
            if (output[r * 28 + c] !== expected) throw new Error(`(${dx}, ${dy}) image ${n} differs at (${r}, ${c})`);
          }
        }
      }
    }
  });

  it('by (0, 0) is the identity; by the full width or more is all zeros', () => {
    expect(sameBytes(translate(set, 0, 0).images, set.images)).toBe(true);
    expect(translate(set, 28, 0).images.every((v) => v === 0)).toBe(true);
    expect(translate(set, 0, -40).images.every((v) => v === 0)).toBe(true);
  });

  it('positive dx is to the right, positive dy is down', () => {
    const dot = syntheticImageSet(1);
    dot.images.fill(0);
    dot.images[10 * 28 + 10] = 255;
    expect(translate(dot, 2, 0).images.indexOf(255)).toBe(10 * 28 + 12);
    expect(translate(dot, 0, 2).images.indexOf(255)).toBe(12 * 28 + 10);
  });

  it('rejects fractional shifts', () => {
    expect(() => translate(set, 0.5, 0)).toThrow('translate: dx and dy must be whole pixels, got (0.5, 0).');
  });
});
