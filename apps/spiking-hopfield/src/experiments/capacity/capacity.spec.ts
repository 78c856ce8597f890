import { RandomStreams, tf } from '@cristal/tensor';
import { corruptPatterns } from './corruption';
import { randomBipolarPatterns } from './pattern-sets';
import { capacityFromCurve, retrievalSuccess } from './retrieval-success';

describe('capacity experiment pieces', () => {
  it('flips exactly round(f d) distinct entries of every query and masks the tail with zeros', () => {
    const rng = new RandomStreams(1);
    const patterns = randomBipolarPatterns(20, 64, rng.data);
    const flipped = corruptPatterns(patterns, { kind: 'flip', fraction: 0.3 }, rng.noise);
    const changed = tf.tidy(() => Array.from(tf.sum(tf.notEqual(flipped, patterns).cast('int32'), 1).dataSync()));
    expect(changed).toEqual(Array(20).fill(19));
    // the flipped entries differ between queries (a fresh subset per row)
    const rows = tf.tidy(() => tf.notEqual(flipped, patterns).cast('int32').arraySync() as number[][]);
    expect(new Set(rows.map((r) => r.join(''))).size).toBeGreaterThan(15);
    const masked = corruptPatterns(patterns, { kind: 'mask', fraction: 0.5 }, rng.noise).arraySync() as number[][];
    const original = patterns.arraySync() as number[][];
    for (let r = 0; r < 20; r++) {
      expect(masked[r].slice(32)).toEqual(Array(32).fill(0));
      expect(masked[r].slice(0, 32)).toEqual(original[r].slice(0, 32));
    }
    tf.dispose([patterns, flipped]);
  });

  it('counts a retrieval as successful only when its own pattern is the closest and overlaps at least 0.95', () => {
    const patterns = tf.tensor2d([
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1],
    ]);
    const retrieved = tf.tensor2d([
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], // pattern 0 exactly
      [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, -3], // 0 scaled, one bit off: m = 0.9
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1], // pattern 1, but target 0
    ]);
    expect(retrievalSuccess(retrieved, patterns, Int32Array.from([0, 0, 0]))).toEqual([true, false, false]);
    expect(retrievalSuccess(retrieved, patterns, Int32Array.from([0, 0, 1]))).toEqual([true, false, true]);
    tf.dispose([patterns, retrieved]);
  });

  it('reads the capacity as the last N before the success rate first drops below 95%', () => {
    const curve = [
      { n: 2, success: 1 },
      { n: 4, success: 0.96 },
      { n: 8, success: 0.9 },
      { n: 16, success: 0.97 },
    ];
    expect(capacityFromCurve(curve)).toBe(4);
    expect(capacityFromCurve([{ n: 2, success: 0.5 }])).toBe(0);
  });
});
