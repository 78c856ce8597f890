import { tf, RandomStream } from '@cristal/tensor';
import { rateEncode } from './rate';

describe('rate encoder', () => {
  const T = 4000;

  it('fires each input with probability = intensity per step: counts within 4 sigma of Binomial(T, p)', () => {
    const p = [0, 0.05, 0.3, 0.5, 0.9, 1];
    const spikes = rateEncode(tf.tensor2d([p]), T, new RandomStream(1, 'rate'));
    expect(spikes.shape).toEqual([T, 1, p.length]);
    const counts = tf.tidy(() => Array.from(tf.sum(spikes, 0).dataSync()));
    p.forEach((pi, i) => expect(Math.abs(counts[i] - T * pi)).toBeLessThanOrEqual(4 * Math.sqrt(T * pi * (1 - pi))));
    expect(counts[0]).toBe(0);
    expect(counts[5]).toBe(T);
    const values = new Set(spikes.dataSync());
    expect([...values].sort()).toEqual([0, 1]);
    spikes.dispose();
  });

  it('draws independent steps: the lag-1 autocorrelation of a p = 0.5 train is within 4 / sqrt(T) of 0', () => {
    const x = tf.tensor2d([[0.5]]);
    const s = rateEncode(x, T, new RandomStream(2, 'rate'));
    const train = Array.from(s.dataSync());
    const mean = train.reduce((a, b) => a + b, 0) / T;
    let num = 0;
    let den = 0;
    for (let t = 0; t < T; t++) {
      den += (train[t] - mean) ** 2;
      if (t + 1 < T) num += (train[t] - mean) * (train[t + 1] - mean);
    }
    expect(Math.abs(num / den)).toBeLessThan(4 / Math.sqrt(T));
    tf.dispose([x, s]);
  });

  it('scales the probability by the gain, capped at 1', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[0.2, 0.3]]);
      const counts = tf.sum(rateEncode(x, T, new RandomStream(3, 'rate'), { gain: 2 }), 0).dataSync();
      expect(Math.abs(counts[0] - 0.4 * T)).toBeLessThanOrEqual(4 * Math.sqrt(T * 0.4 * 0.6));
      expect(Math.abs(counts[1] - 0.6 * T)).toBeLessThanOrEqual(4 * Math.sqrt(T * 0.6 * 0.4));
      expect(tf.sum(rateEncode(x, 50, new RandomStream(3, 'rate'), { gain: 10 })).dataSync()[0]).toBe(100);
    });
  });

  it('is reproducible from the seed and changes with it', () => {
    tf.tidy(() => {
      const x = tf.fill([4, 8], 0.5);
      const a = rateEncode(x, 20, new RandomStream(7, 'rate')).dataSync();
      const b = rateEncode(x, 20, new RandomStream(7, 'rate')).dataSync();
      const c = rateEncode(x, 20, new RandomStream(8, 'rate')).dataSync();
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(Array.from(a)).not.toEqual(Array.from(c));
    });
  });

  it('rejects intensities outside [0, 1] and bad steps', () => {
    tf.tidy(() => {
      const s = new RandomStream(0, 'rate');
      expect(() => rateEncode(tf.tensor1d([0.2, 1.5]), 10, s)).toThrow('intensities must be in [0, 1], got 1.5 at index 1.');
      expect(() => rateEncode(tf.tensor1d([0.2]), 0, s)).toThrow('steps must be a positive integer, got 0.');
      expect(() => rateEncode(tf.tensor1d([0.2]), 5, s, { gain: -1 })).toThrow('gain must be a non-negative number');
    });
  });
});
