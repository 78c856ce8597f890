import { RandomStream } from '@cristal/tensor';
import { sameBytes } from '../testing/fixtures.test-helpers';
import { bottomHalf, flipBits, maskRandom, maskRegion } from './corrupt';
import { overlap, patternAt } from './pattern-set';
import { randomPatterns } from './random-patterns';

describe('pattern corruption', () => {
  const patterns = randomPatterns({ count: 20, dimension: 784, shape: [28, 28] }, new RandomStream(11, 'clean'));
  const original = patterns.data.slice();

  it.each([0, 0.05, 0.1, 0.25, 1 / 3, 0.5, 1])('flipBits(%p) flips exactly round(f d) entries of every pattern', (f) => {
    const flipped = flipBits(patterns, f, new RandomStream(1, 'flip'));
    const k = Math.round(f * 784);
    for (let n = 0; n < patterns.count; n++) {
      const a = patternAt(patterns, n);
      const b = patternAt(flipped, n);
      let changed = 0;
      for (let i = 0; i < 784; i++) if (a[i] !== b[i]) changed++;
      expect(changed).toBe(k);
      // Each flip turns a +1 product into -1: the overlap with the clean pattern is exactly 1 - 2k/d.
      expect(overlap(a, b)).toBeCloseTo(1 - (2 * k) / 784, 12);
    }
    expect(sameBytes(patterns.data, original)).toBe(true);
  });

  it('flips different positions in different patterns, reproducibly from the seed', () => {
    const a = flipBits(patterns, 0.1, new RandomStream(2, 'flip'));
    const b = flipBits(patterns, 0.1, new RandomStream(2, 'flip'));
    expect(sameBytes(a.data, b.data)).toBe(true);
    const changedIn = (n: number) => {
      const positions: number[] = [];
      patternAt(a, n).forEach((v, i) => v !== patternAt(patterns, n)[i] && positions.push(i));
      return positions.join(',');
    };
    expect(changedIn(0)).not.toBe(changedIn(1));
  });

  it('maskRandom zeroes exactly round(f d) entries per pattern and leaves the rest', () => {
    const masked = maskRandom(patterns, 0.3, new RandomStream(3, 'mask'));
    for (let n = 0; n < patterns.count; n++) {
      const a = patternAt(patterns, n);
      const b = patternAt(masked, n);
      expect(b.filter((v) => v === 0).length).toBe(Math.round(0.3 * 784));
      b.forEach((v, i) => {
        if (v !== 0 && v !== a[i]) throw new Error(`entry ${i} of pattern ${n} changed`);
      });
    }
  });

  it('maskRegion with bottomHalf zeroes rows 14..27 of a 28x28 pattern and keeps rows 0..13', () => {
    const masked = maskRegion(patterns, bottomHalf(patterns.shape));
    for (let n = 0; n < patterns.count; n++) {
      const a = patternAt(patterns, n);
      const b = patternAt(masked, n);
      expect(sameBytes(b.subarray(0, 14 * 28), a.subarray(0, 14 * 28))).toBe(true);
      expect(b.subarray(14 * 28).every((v) => v === 0)).toBe(true);
    }
  });

  it('maskRegion masks a rectangle or, for 1-D patterns, a slice', () => {
    const rect = patternAt(maskRegion(patterns, { top: 2, left: 3, height: 2, width: 4 }), 0);
    const zeros: number[] = [];
    rect.forEach((v, i) => v === 0 && zeros.push(i));
    expect(zeros).toEqual([59, 60, 61, 62, 87, 88, 89, 90]);

    const vectors = randomPatterns({ count: 3, dimension: 10 }, new RandomStream(4, 'v'));
    expect(bottomHalf(vectors.shape)).toEqual({ start: 5, length: 5 });
    const sliced = maskRegion(vectors, { start: 2, length: 3 });
    expect(Array.from(patternAt(sliced, 1)).map((v) => (v === 0 ? 0 : 1))).toEqual([1, 1, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('rejects regions that do not fit the pattern shape, and fractions outside [0, 1]', () => {
    expect(() => maskRegion(patterns, { top: 20, left: 0, height: 10, width: 28 })).toThrow(
      'maskRegion: rectangle {top: 20, left: 0, height: 10, width: 28} must be non-negative integers inside 28x28.',
    );
    expect(() => maskRegion(patterns, { start: 0, length: 3 })).toThrow('maskRegion: a slice region needs 1-D patterns, these have shape [28, 28]');
    expect(() => flipBits(patterns, 1.5, new RandomStream(1, 'x'))).toThrow('flipBits: fraction must be in [0, 1], got 1.5.');
  });
});
