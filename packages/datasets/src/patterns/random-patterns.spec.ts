import { RandomStream } from '@cristal/tensor';
import { sameBytes } from '../testing/fixtures.test-helpers';
import { meanPairwiseOverlap, overlap, patternAt, patternsToFloat32 } from './pattern-set';
import { randomPatterns } from './random-patterns';

/**
 * Standard deviation of the mean pairwise overlap of N patterns of dimension d with correlation c
 * (see randomPatterns): writing x_ik = p_k s_ik with E[s] = sqrt(c), the mean over pairs is
 * c + (2 sqrt(c) / (N d)) sum_ik e_ik + (pair terms), e = s - sqrt(c), giving variance
 * 4 c (1 - c) / (N d) + (1 - c)^2 / (d N (N - 1) / 2).
 */
function meanOverlapStd(n: number, d: number, c: number): number {
  return Math.sqrt((4 * c * (1 - c)) / (n * d) + (1 - c) ** 2 / ((d * n * (n - 1)) / 2));
}

describe('randomPatterns', () => {
  it('has entries +1 or -1 only, row-major [count, dimension]', () => {
    const set = randomPatterns({ count: 7, dimension: 50 }, new RandomStream(1, 'p'));
    expect([set.count, set.dimension, set.data.length]).toEqual([7, 50, 350]);
    expect(set.data.every((v) => v === 1 || v === -1)).toBe(true);
    expect(set.shape).toEqual([50]);
    expect(Array.from(patternsToFloat32(set).subarray(50, 100))).toEqual(Array.from(patternAt(set, 1)));
  });

  it.each([0, 0.1, 0.3, 0.6, 0.9])('has mean pairwise overlap equal to the requested correlation %p within 5 standard errors', (c) => {
    const n = 60;
    const d = 1000;
    const set = randomPatterns({ count: n, dimension: d, correlation: c }, new RandomStream(42, `overlap-${c}`));
    expect(Math.abs(meanPairwiseOverlap(set) - c)).toBeLessThan(5 * meanOverlapStd(n, d, c));
  });

  it('balances +1 and -1 (each entry is a fair coin marginally)', () => {
    const set = randomPatterns({ count: 40, dimension: 500, correlation: 0.5 }, new RandomStream(5, 'balance'));
    const mean = set.data.reduce((s, v) => s + v, 0) / set.data.length;
    // mean = (1/d) sum_k p_k * (mean over patterns of s_k): variance c / d from the shared parent
    // plus (1 - c) / (N d) from the copies.
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(0.5 / 500 + 0.5 / (40 * 500)));
  });

  it('gives the same patterns for the same seed and others for another seed', () => {
    const make = (seed: number) => randomPatterns({ count: 10, dimension: 100, correlation: 0.2 }, new RandomStream(seed, 'patterns'));
    expect(sameBytes(make(3).data, make(3).data)).toBe(true);
    expect(sameBytes(make(3).data, make(4).data)).toBe(false);
  });

  it('accepts an image shape and validates its arguments', () => {
    expect(randomPatterns({ count: 2, dimension: 12, shape: [3, 4] }, new RandomStream(1, 'p')).shape).toEqual([3, 4]);
    expect(() => randomPatterns({ count: 2, dimension: 12, shape: [3, 5] }, new RandomStream(1, 'p'))).toThrow(
      'randomPatterns: shape [3, 5] has 15 entries, but dimension is 12.',
    );
    expect(() => randomPatterns({ count: 2, dimension: 10, correlation: 1 }, new RandomStream(1, 'p'))).toThrow(
      'randomPatterns: correlation must be in [0, 1), got 1.',
    );
    expect(() => randomPatterns({ count: 0, dimension: 10 }, new RandomStream(1, 'p'))).toThrow('randomPatterns: count must be a positive integer, got 0.');
  });

  it('overlap is 1 for a pattern with itself and -1 with its negation', () => {
    const set = randomPatterns({ count: 1, dimension: 64 }, new RandomStream(9, 'o'));
    const x = patternAt(set, 0);
    expect(overlap(x, x)).toBe(1);
    expect(overlap(x, x.map((v) => -v))).toBe(-1);
  });
});
