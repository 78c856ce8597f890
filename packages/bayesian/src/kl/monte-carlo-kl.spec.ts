import { tf, RandomStream, type Tensor } from '@cristal/tensor';
import { gaussianPrior } from '../priors/gaussian-prior';
import { scaleMixturePrior } from '../priors/scale-mixture-prior';
import type { Prior } from '../priors/prior';
import { klGaussianScalar } from './gaussian-kl';
import { monteCarloKl, type MonteCarloKlOptions } from './monte-carlo-kl';

const { exp, log, sqrt, PI } = Math;

/** KL(N(m, s^2) || p) by the trapezoid rule over m +- 12 s: the reference for priors without a closed form. */
function klByQuadrature(m: number, s: number, logP: (w: number) => number): number {
  const n = 200000;
  const lo = m - 12 * s;
  const h = (24 * s) / n;
  let total = 0;
  for (let i = 0; i <= n; i++) {
    const w = lo + i * h;
    const logQ = -0.5 * ((w - m) / s) ** 2 - log(s) - 0.5 * log(2 * PI);
    total += (i === 0 || i === n ? 0.5 : 1) * exp(logQ) * (logQ - logP(w));
  }
  return total * h;
}

/** K chunk estimates of the per-weight KL (each the mean over `chunk` independent weights): their mean and standard error. */
function estimate(q: { mean: number; std: number }, prior: Prior, options: MonteCarloKlOptions, seed: number): { mean: number; se: number } {
  const K = 40;
  const chunk = 500;
  const rng = new RandomStream(seed, 'mc-kl');
  const values = tf.tidy(() => {
    const mean = tf.fill([chunk], q.mean);
    const std = tf.fill([chunk], q.std);
    return Array.from({ length: K }, () => monteCarloKl({ mean, std }, prior, rng.normalTensor([chunk]), options).dataSync()[0] / chunk);
  });
  const mean = values.reduce((a, b) => a + b, 0) / K;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (K - 1);
  return { mean, se: sqrt(variance / K) };
}

describe('Monte-Carlo KL', () => {
  const q = { mean: 0.08, std: 0.05 };

  it.each(['sampled', 'analytic'] as const)('matches the closed form for a Gaussian prior within 4 standard errors (%s entropy)', (entropy) => {
    const { mean, se } = estimate(q, gaussianPrior({ std: 0.1 }), { entropy }, 1);
    expect(Math.abs(mean - klGaussianScalar(q, { mean: 0, std: 0.1 }))).toBeLessThan(4 * se);
  });

  it.each(['sampled', 'analytic'] as const)('matches numerical integration for the scale-mixture prior within 4 standard errors (%s entropy)', (entropy) => {
    const prior = scaleMixturePrior({ pi: 0.5, std1: 1, std2: exp(-6) });
    const logN = (w: number, s: number) => -0.5 * (w / s) ** 2 - log(s) - 0.5 * log(2 * PI);
    const logP = (w: number) => {
      const a = log(0.5) + logN(w, 1);
      const b = log(0.5) + logN(w, exp(-6));
      const m = Math.max(a, b);
      return m + log(exp(a - m) + exp(b - m));
    };
    const reference = klByQuadrature(q.mean, q.std, logP);
    const { mean, se } = estimate(q, prior, { entropy }, 2);
    expect(Math.abs(mean - reference)).toBeLessThan(4 * se);
    expect(se).toBeLessThan(0.05 * Math.abs(reference));
  });

  it('the analytic entropy lowers the variance and keeps the mean', () => {
    const prior = scaleMixturePrior({ pi: 0.25, std1: 1, std2: exp(-7) });
    const sampled = estimate(q, prior, { entropy: 'sampled' }, 3);
    const analytic = estimate(q, prior, { entropy: 'analytic' }, 3);
    expect(analytic.se).toBeLessThan(sampled.se);
    expect(Math.abs(analytic.mean - sampled.mean)).toBeLessThan(4 * sqrt(analytic.se ** 2 + sampled.se ** 2));
  });

  it('is differentiable in the mean and the scale through the sample', () => {
    const prior = scaleMixturePrior({ pi: 0.5, std1: 1, std2: exp(-6) });
    tf.tidy(() => {
      const eps = new RandomStream(4, 'g').normalTensor([100]);
      const [gMean, gStd] = tf.grads((m: Tensor, s: Tensor) => monteCarloKl({ mean: m, std: s }, prior, eps))([tf.fill([100], 0.1), tf.fill([100], 0.05)]);
      expect(tf.sum(tf.abs(gMean)).dataSync()[0]).toBeGreaterThan(0);
      expect(tf.sum(tf.abs(gStd)).dataSync()[0]).toBeGreaterThan(0);
    });
  });
});
