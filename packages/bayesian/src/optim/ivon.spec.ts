import { assertNoTensorLeak, RandomStream, tf, type Scalar, type Variable } from '@cristal/tensor';
import { diagonalGaussianKl } from '../info-geometry/diagonal-gaussian-kl';
import { Ivon, type IvonOptions } from './ivon';

/** Solves the symmetric positive-definite system A x = b (small, float64) by Cholesky. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = i === j ? Math.sqrt(s) : s / l[j][j];
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) z[i] = (b[i] - l[i].slice(0, i).reduce((acc, v, k) => acc + v * z[k], 0)) / l[i][i];
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

let problems = 0;

/**
 * Bayesian linear regression y = X w + noise, noise N(0, sn^2), prior w ~ N(0, sp^2 I). The exact
 * posterior is N(mu, Lambda^-1) with Lambda = X^T X / sn^2 + I / sp^2 and mu = Lambda^-1 X^T y / sn^2.
 *
 * The mean-field optimum: for a Gaussian target, the ELBO of q = N(m, diag(s^2)) is, up to constants,
 *   -1/2 (m - mu)^T Lambda (m - mu) - 1/2 sum_i Lambda_ii s_i^2 + sum_i ln s_i,
 * maximised at m = mu and s_i^2 = 1 / Lambda_ii (not the exact marginal (Lambda^-1)_ii, which is
 * larger when the features are correlated: mean-field VI underestimates variances).
 *
 * IVON with lbar = mean squared error / (2 sn^2), ess = N and delta = 1 / (N sp^2) targets exactly
 * this: its fixed point has E[grad lbar(m + s eps)] + delta m = 0, i.e. Lambda m = X^T y / sn^2, and
 * h = E[h_hat] = diag Hessian of lbar = diag(X^T X) / (N sn^2) (exact for a quadratic, by Stein's
 * lemma), so s^2 = 1 / (N (h + delta)) = 1 / Lambda_ii.
 */
function regression(seed: number) {
  const s = new RandomStream(seed, 'blr');
  const [n, d, sn, sp] = [200, 3, 0.5, 1];
  const trueW = [1, -0.5, 0.3];
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const [z1, z2, z3] = [s.normal(), s.normal(), s.normal()];
    // correlation 0.8 between the first two features
    const row = [z1, 0.8 * z1 + 0.6 * z2, 2 * z3].map(Math.fround);
    xs.push(row);
    ys.push(Math.fround(row.reduce((acc, v, j) => acc + v * trueW[j], 0) + sn * s.normal()));
  }
  const precision = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => xs.reduce((acc, r) => acc + (r[a] * r[b]) / sn ** 2, a === b ? 1 / sp ** 2 : 0)));
  const xty = Array.from({ length: d }, (_, a) => xs.reduce((acc, r, i) => acc + (r[a] * ys[i]) / sn ** 2, 0));
  const mu = solve(precision, xty);
  const exactMarginalVariance = Array.from({ length: d }, (_, j) => solve(precision, Array.from({ length: d }, (_, k) => (k === j ? 1 : 0)))[j]);
  const x = tf.tensor2d(xs);
  const y = tf.tensor2d(ys, [n, 1]);
  const w = tf.variable(tf.zeros([d, 1]), true, `blr-w-${++problems}`);
  const loss = () => tf.tidy(() => tf.div(tf.mean(tf.square(tf.sub(y, tf.matMul(x, w)))), 2 * sn ** 2)) as Scalar;
  // Hessian of lbar: X^T X / (N sn^2)
  const hessian = precision.map((row, a) => row.map((v, b) => (v - (a === b ? 1 / sp ** 2 : 0)) / n));
  return { n, d, sn, sp, x, y, w, loss, mu, precision, hessian, exactMarginalVariance, dispose: () => tf.dispose([x, y, w]) };
}

function quadratic(name: string, a: number, c: number, start: number) {
  const theta = tf.variable(tf.tensor1d([start]), true, name);
  return { theta, loss: () => tf.tidy(() => tf.mul(0.5 * a, tf.square(tf.sub(theta, c))).sum()) as Scalar };
}

describe('Ivon', () => {
  it('takes the first step of Algorithm 1 exactly (1-D quadratic, noise replayed from the same stream)', () => {
    const [a, c, m0, ess, delta, h0, lr, beta1, beta2] = [3, 0.5, 2, 10, 0.1, 1, 0.05, 0.9, 0.99];
    const { theta, loss } = quadratic('first-step', a, c, m0);
    const ivon = new Ivon([theta], { learningRate: lr, ess, weightDecay: delta, hessInit: h0, beta1, beta2, random: new RandomStream(41, 'ivon') });
    const eps = new RandomStream(41, 'ivon').fillNormal(new Float64Array(1))[0];
    const sigma0 = 1 / Math.sqrt(ess * (h0 + delta));
    const sample = Math.fround(m0 + sigma0 * eps);
    const g = a * (sample - c);
    const hHat = (g * eps) / sigma0;
    const h1 = beta2 * h0 + (1 - beta2) * hHat + (0.5 * (1 - beta2) ** 2 * (h0 - hHat) ** 2) / (h0 + delta);
    const momentum = (1 - beta1) * g;
    const m1 = m0 - lr * (h0 + delta) * ((momentum / (1 - beta1) + delta * m0) / (h1 + delta));
    const loss0 = ivon.step(loss);
    expect(loss0).toBeCloseTo(0.5 * a * (sample - c) ** 2, 5);
    const q = ivon.posterior()[theta.name];
    expect(q.mean[0]).toBeCloseTo(m1, 5);
    expect(q.std[0]).toBeCloseTo(1 / Math.sqrt(ess * (h1 + delta)), 6);
    expect(theta.dataSync()[0]).toBeCloseTo(m1, 5); // the variable holds the mean between steps
    expect(ivon.stepCount).toBe(1);
    theta.dispose();
  });

  it('converges to the mean-field optimum of Bayesian linear regression: mean mu, variances 1 / Lambda_ii', () => {
    const p = regression(42);
    const delta = 1 / (p.n * p.sp ** 2);
    const [beta2, mcSamples, steps, effectiveRate] = [0.999, 2, 5000, 0.02];
    const ivon = new Ivon([p.w], {
      learningRate: effectiveRate / (1 + delta), // rescaled by h0 + delta = 1 + delta
      ess: p.n,
      weightDecay: delta,
      beta2,
      mcSamples,
      random: new RandomStream(43, 'ivon'),
    });
    for (let t = 0; t < steps; t++) ivon.step(p.loss);
    const q = ivon.posterior()[p.w.name];
    for (let j = 0; j < p.d; j++) {
      const target = 1 / p.precision[j][j];
      const sigma = Math.sqrt(target);
      // Mean: fluctuates around mu with sd ~ sigma sqrt(rate / (2 mcSamples)) ~ 0.07 sigma; allow 0.3 sigma.
      expect(Math.abs(q.mean[j] - p.mu[j])).toBeLessThan(0.3 * sigma);
      // Curvature: an EMA of h_hat, whose per-draw variance at m = mu is (delta mu_j / s_j)^2 + 2 H_jj^2
      // + sum_{k != j} H_jk^2 s_k^2 / s_j^2; stationary sd of h is sqrt((1 - b2) / (1 + b2) var / S).
      const hTrue = p.hessian[j][j];
      const drawVariance =
        (delta * p.mu[j] * Math.sqrt(p.n * (hTrue + delta))) ** 2 +
        2 * hTrue ** 2 +
        p.hessian[j].reduce((acc, hjk, k) => (k === j ? acc : acc + (hjk ** 2 * (p.hessian[k][k] + delta)) / (hTrue + delta)), 0);
      const hSd = Math.sqrt(((1 - beta2) / (1 + beta2)) * (drawVariance / mcSamples));
      // s^2 = 1 / (N (h + delta)), so the variance's relative error is (hTrue - h) / (h + delta).
      expect(Math.abs(q.std[j] ** 2 / target - 1)).toBeLessThan((5 * hSd) / (hTrue + delta - 5 * hSd));
    }
    // The correlated coordinates are far from the exact marginals: this is the mean-field answer.
    for (const j of [0, 1]) expect(p.exactMarginalVariance[j] / q.std[j] ** 2).toBeGreaterThan(2);
    p.dispose();
  });

  it('keeps the number of tensors flat over many steps and sampled evaluations', () => {
    const p = regression(50);
    const ivon = new Ivon([p.w], { learningRate: 0.01, ess: p.n, mcSamples: 2, random: new RandomStream(51, 'ivon'), trustRegion: { maxKl: 1e-3 } });
    assertNoTensorLeak(() => ivon.step(p.loss), { iterations: 100, label: 'Ivon.step' });
    assertNoTensorLeak(() => ivon.withSampledWeights(() => p.loss().dispose()), { iterations: 20, label: 'Ivon.withSampledWeights' });
    p.dispose();
  });

  it('reproduces the same trajectory from the same seed, and another from another seed', () => {
    const run = (seed: number) => {
      const p = regression(60);
      const ivon = new Ivon([p.w], { learningRate: 0.05, ess: p.n, mcSamples: 2, random: new RandomStream(seed, 'ivon') });
      const losses = Array.from({ length: 30 }, () => ivon.step(p.loss));
      const q = ivon.posterior()[p.w.name];
      p.dispose();
      return { losses, mean: Array.from(q.mean), std: Array.from(q.std) };
    };
    const first = run(61);
    expect(run(61)).toEqual(first);
    expect(run(62).mean).not.toEqual(first.mean);
  });

  it('resumes exactly from getState / setState', () => {
    const options = (seed: number): IvonOptions => ({ learningRate: 0.05, ess: 200, mcSamples: 2, random: new RandomStream(seed, 'ivon'), trustRegion: { maxKl: 0.05 } });
    const p = regression(70);
    const ivon = new Ivon([p.w], options(71));
    for (let t = 0; t < 10; t++) ivon.step(p.loss);
    const state = ivon.getState();
    for (let t = 0; t < 10; t++) ivon.step(p.loss);
    const expected = ivon.getState();

    const other = regression(70);
    const resumed = new Ivon([other.w], options(71));
    expect(() => resumed.setState({ ...state, params: {} })).toThrow(`no buffers for variable "${other.w.name}"`);
    resumed.setState({ ...state, params: { [other.w.name]: state.params[p.w.name] } });
    expect(Array.from(other.w.dataSync())).toEqual(Array.from(Float32Array.from(state.params[p.w.name].mean)));
    for (let t = 0; t < 10; t++) resumed.step(other.loss);
    const got = resumed.getState();
    expect(got.step).toBe(20);
    expect(got.params[other.w.name]).toEqual(expected.params[p.w.name]);
    expect(got.random.words).toEqual(expected.random.words);
    p.dispose();
    other.dispose();
  });

  it('takes an outside assignment of a variable as the new mean', () => {
    const { theta, loss } = quadratic('assigned', 1, 0, 1);
    const ivon = new Ivon([theta], { learningRate: 0.1, ess: 100, random: new RandomStream(80, 'ivon') });
    ivon.step(loss);
    theta.assign(tf.tensor1d([5]));
    expect(ivon.posterior()[theta.name].mean[0]).toBe(5);
    theta.dispose();
  });

  it('caps KL(q_t+1 || q_t) between successive posteriors with the posterior trust region', () => {
    const p = regression(90);
    const maxKl = 0.02;
    const ivon = new Ivon([p.w], { learningRate: 0.5, ess: p.n, beta2: 0.9, random: new RandomStream(91, 'ivon'), trustRegion: { maxKl } });
    let binding = 0;
    for (let t = 0; t < 40; t++) {
      const before = ivon.posterior()[p.w.name];
      const info = ivon.stepWithInfo(p.loss);
      const after = ivon.posterior()[p.w.name];
      const kl = diagonalGaussianKl(after, before);
      expect(kl).toBeLessThanOrEqual(maxKl * (1 + 1e-9));
      expect(info.kl / kl).toBeCloseTo(1, 8);
      if (info.scale < 1) {
        binding++;
        expect(kl / maxKl).toBeGreaterThan(1 - 1e-8);
      }
    }
    // A long learning rate from far away: the cap must have bound at the start.
    expect(binding).toBeGreaterThan(0);
    p.dispose();
  });

  it('caps 0.5 sum (h + delta) dm^2 with the Fisher trust region, and leaves small steps alone', () => {
    const p = regression(100);
    const delta = 1e-4;
    const run = (maxKl: number) => {
      p.w.assign(tf.zeros([p.d, 1]));
      const ivon = new Ivon([p.w], { learningRate: 0.5, ess: p.n, weightDecay: delta, random: new RandomStream(101, 'ivon'), trustRegion: { maxKl, metric: 'fisher' } });
      const before = ivon.posterior()[p.w.name];
      const info = ivon.stepWithInfo(p.loss);
      const after = ivon.posterior()[p.w.name];
      // h + delta = 1 / (ess s^2); the mean step is weighed with the updated curvature
      const kl = after.mean.reduce((acc, m, i) => acc + (0.5 * (m - before.mean[i]) ** 2) / (p.n * after.std[i] ** 2), 0);
      return { info, kl, after };
    };
    const free = run(1e6);
    expect(free.info.scale).toBe(1);
    const capped = run(free.kl / 4);
    expect(capped.info.scale).toBeCloseTo(0.5, 12);
    expect(capped.kl / (free.kl / 4)).toBeCloseTo(1, 9);
    // only the mean step is scaled
    expect(Array.from(capped.after.std)).toEqual(Array.from(free.after.std));
    p.dispose();
  });

  it('evaluates at posterior samples m + sigma eps and restores the means', () => {
    const n = 4000;
    const w = tf.variable(tf.fill([n], 0.5), true, 'sampled-weights');
    const ivon = new Ivon([w], { learningRate: 0.1, ess: 50, hessInit: 3, weightDecay: 1, random: new RandomStream(110, 'ivon') });
    const sigma = 1 / Math.sqrt(50 * (3 + 1));
    const z = ivon.withSampledWeights(() => Array.from(w.dataSync(), (v) => (v - 0.5) / sigma));
    const mean = z.reduce((a, b) => a + b, 0) / n;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Array.from(w.dataSync()).every((v) => v === 0.5)).toBe(true);
    expect(() => ivon.withSampledWeights(() => {
      throw new Error('inside');
    })).toThrow('inside');
    expect(Array.from(w.dataSync()).every((v) => v === 0.5)).toBe(true);
    w.dispose();
  });

  it('treats a variable the loss does not use as flat: only the prior moves it', () => {
    const { theta, loss } = quadratic('used', 1, 0, 1);
    const idle = tf.variable(tf.tensor1d([2]), true, 'idle');
    const ivon = new Ivon([theta, idle], { learningRate: 0.1, ess: 10, weightDecay: 0.5, beta1: 0, random: new RandomStream(120, 'ivon') });
    ivon.step(loss);
    // g = 0, h_hat = 0: h = b2 h0 + 0.5 (1 - b2)^2 h0^2 / (h0 + delta); m = 2 - lr (h0 + delta) (delta 2) / (h + delta)
    const b2 = 0.99999;
    const h = b2 + (0.5 * (1 - b2) ** 2) / 1.5;
    expect(ivon.posterior()[idle.name].mean[0]).toBeCloseTo(2 - (0.1 * 1.5 * 1) / (h + 0.5), 6);
    tf.dispose([theta, idle]);
  });

  it('rejects invalid options and variables', () => {
    const v = tf.variable(tf.zeros([2]), true, 'opt-check');
    const random = new RandomStream(130, 'ivon');
    const make = (o: Partial<IvonOptions>, vars: Variable[] = [v]) => () => new Ivon(vars, { learningRate: 0.1, ess: 10, random, ...o });
    expect(make({ learningRate: 0 })).toThrow('learningRate must be positive');
    expect(make({ ess: -1 })).toThrow('ess must be positive');
    expect(make({ weightDecay: 0 })).toThrow('weightDecay (the prior precision per example) must be positive');
    expect(make({ beta2: 1 })).toThrow('beta1 and beta2 must be in [0, 1)');
    expect(make({ mcSamples: 1.5 })).toThrow('mcSamples must be a positive integer');
    expect(make({ hessInit: 0 })).toThrow('hessInit must be positive');
    expect(make({ clipRadius: 0 })).toThrow('clipRadius must be positive');
    expect(make({ trustRegion: { maxKl: 0 } })).toThrow('trustRegion.maxKl must be positive');
    expect(make({}, [v, v])).toThrow('listed twice');
    const frozen = tf.variable(tf.zeros([1]), false, 'frozen');
    expect(make({}, [frozen])).toThrow('not trainable');
    tf.dispose([v, frozen]);
  });
});
