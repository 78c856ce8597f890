import { tf, RandomStream } from '@cristal/tensor';
import { poissonEncode } from './poisson';

describe('Poisson encoder', () => {
  it('spikes: each step fires with probability 1 - exp(-r dt); counts within 4 sigma of the binomial', () => {
    const T = 5000;
    const rates = [0, 20, 100, 400]; // Hz
    const dt = 1e-3; // s
    const s = poissonEncode(tf.tensor2d([rates]), T, new RandomStream(1, 'poisson'), { dt });
    expect(s.shape).toEqual([T, 1, 4]);
    const counts = tf.tidy(() => Array.from(tf.sum(s, 0).dataSync()));
    rates.forEach((r, i) => {
      const p = 1 - Math.exp(-r * dt);
      expect(Math.abs(counts[i] - T * p)).toBeLessThanOrEqual(4 * Math.sqrt(T * p * (1 - p)));
    });
    expect(counts[0]).toBe(0);
    // at 400 Hz, 1 - exp(-0.4) = 0.33 is not r dt = 0.4: 350 spikes apart, 10 sigma, so the naive
    // probability r dt is rejected (the 4-sigma band above leaves at least 218 = 6.3 sigma)
    expect(Math.abs(counts[3] - 0.4 * T)).toBeGreaterThan(5 * Math.sqrt(T * 0.4 * 0.6));
    s.dispose();
  });

  it('counts: Poisson(r dt) per step; mean, variance and P(0) match within their sampling error', () => {
    const n = 5000;
    const lambdas = [2, 45]; // 45 exercises the split into chunks
    const dt = 1e-3;
    const c = poissonEncode(tf.tensor1d(lambdas.map((l) => l / dt)), n, new RandomStream(2, 'poisson'), { dt, output: 'counts' });
    const data = c.dataSync();
    lambdas.forEach((lambda, i) => {
      const xs = Array.from({ length: n }, (_, t) => data[t * 2 + i]);
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
      const mean = xs.reduce((a, b) => a + b, 0) / n;
      const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
      expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / n));
      // Var(sample variance) ~ (mu4 - sigma^4) / n = (lambda + 2 lambda^2) / n for a Poisson
      expect(Math.abs(variance - lambda)).toBeLessThan(5 * Math.sqrt((lambda + 2 * lambda ** 2) / n));
      if (lambda === 2) {
        const p0 = xs.filter((x) => x === 0).length / n;
        expect(Math.abs(p0 - Math.exp(-2))).toBeLessThan(4 * Math.sqrt((Math.exp(-2) * (1 - Math.exp(-2))) / n));
      }
    });
    c.dispose();
  });

  it('rejects negative rates and a bad dt', () => {
    tf.tidy(() => {
      const s = new RandomStream(0, 'poisson');
      expect(() => poissonEncode(tf.tensor1d([5, -1]), 10, s, { dt: 1e-3 })).toThrow('rates must be in [0, Infinity), got -1 at index 1.');
      expect(() => poissonEncode(tf.tensor1d([5]), 10, s, { dt: 0 })).toThrow('dt must be a positive number, got 0.');
    });
  });
});
