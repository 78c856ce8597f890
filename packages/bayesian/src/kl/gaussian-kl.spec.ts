import { tf, RandomStream } from '@cristal/tensor';
import { klGaussian, klGaussianScalar } from './gaussian-kl';

const { log, sqrt, PI } = Math;

describe('closed-form Gaussian KL', () => {
  it('equals hand-computed values', () => {
    // log(1/2) + (2^2 + 1^2) / 2 - 1/2 = 2 - log 2
    expect(klGaussianScalar({ mean: 1, std: 2 }, { mean: 0, std: 1 })).toBeCloseTo(2 - Math.LN2, 14);
    // the other direction: log 2 + (1 + 1) / 8 - 1/2
    expect(klGaussianScalar({ mean: 0, std: 1 }, { mean: 1, std: 2 })).toBeCloseTo(Math.LN2 - 0.25, 14);
    // equal scales: (dm)^2 / (2 s^2)
    expect(klGaussianScalar({ mean: 0.5, std: 0.1 }, { mean: 0.2, std: 0.1 })).toBeCloseTo(4.5, 12);
  });

  it('is 0 from a distribution to itself and positive otherwise', () => {
    expect(klGaussianScalar({ mean: -0.7, std: 0.013 }, { mean: -0.7, std: 0.013 })).toBe(0);
    expect(klGaussianScalar({ mean: -0.7, std: 0.013 }, { mean: -0.7, std: 0.014 })).toBeGreaterThan(0);
  });

  it('the tensor form sums the scalar form over the elements, with broadcast prior parameters', () => {
    const qm = [0.1, -0.3, 2];
    const qs = [0.5, 1.5, 0.01];
    const expected = qm.reduce((s, m, i) => s + klGaussianScalar({ mean: m, std: qs[i] }, { mean: 0.2, std: 0.8 }), 0);
    const kl = tf.tidy(() => klGaussian({ mean: tf.tensor1d(qm), std: tf.tensor1d(qs) }, { mean: 0.2, std: 0.8 }).dataSync()[0]);
    expect(kl).toBeCloseTo(expected, 3);
    const perWeightPrior = tf.tidy(() =>
      klGaussian({ mean: tf.tensor1d(qm), std: tf.tensor1d(qs) }, { mean: tf.tensor1d([0.2, 0.2, 0.2]), std: tf.tensor1d([0.8, 0.8, 0.8]) }).dataSync()[0],
    );
    expect(perWeightPrior).toBeCloseTo(kl, 5);
  });

  it.each([
    [{ mean: 1, std: 2 }, { mean: 0, std: 1 }],
    [{ mean: 0.05, std: 0.0067 }, { mean: 0, std: 1 }],
    [{ mean: -0.4, std: 0.9 }, { mean: 0.3, std: 0.5 }],
  ])('equals the Monte-Carlo estimate E_q[log q(w) - log p(w)] within 4 standard errors (%o to %o)', (q, p) => {
    const M = 40000;
    const eps = new RandomStream(5, 'kl-mc').fillNormal(new Float64Array(M));
    const logN = (w: number, m: number, s: number) => -0.5 * ((w - m) / s) ** 2 - log(s) - 0.5 * log(2 * PI);
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < M; i++) {
      const w = q.mean + q.std * eps[i];
      const r = logN(w, q.mean, q.std) - logN(w, p.mean, p.std);
      sum += r;
      sumSq += r * r;
    }
    const mean = sum / M;
    const se = sqrt((sumSq / M - mean * mean) / (M - 1));
    const closed = klGaussianScalar(q, p);
    expect(Math.abs(mean - closed)).toBeLessThan(4 * se);
    expect(se).toBeLessThan(0.02 * Math.max(closed, 1)); // the test has power: the error bar is small
  });
});
