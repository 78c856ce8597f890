import { tf, assertNoTensorLeak, liveTensors, RandomStreams, type Tensor, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { pcArchitecture } from '../pc/architecture';
import { disposeRelaxation, relax } from '../pc/inference';
import { disposePcParams, type PcParams } from '../pc/params';
import { resolvePcOptions, type PcOptionsInput } from '../pc/pc-options';
import { randomRefCase, t2, toParams } from '../pc/pc.test-helpers';
import { disposeLangevinRelaxation, langevinNoiseScale, langevinRelax, LANGEVIN_NOISE_STREAM, type LangevinOptions } from './langevin-inference';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

function meanAndVariance(xs: ArrayLike<number>): { mean: number; variance: number } {
  let mean = 0;
  for (let i = 0; i < xs.length; i++) mean += xs[i];
  mean /= xs.length;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i] - mean) ** 2;
  return { mean, variance: ss / (xs.length - 1) };
}

function covariance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = meanAndVariance(a).mean;
  const mb = meanAndVariance(b).mean;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - ma) * (b[i] - mb);
  return s / (a.length - 1);
}

/** |actual - expected| <= 5 standard errors, with the numbers in the failure message. */
function expectWithinSigmas(label: string, actual: number, expected: number, standardError: number, sigmas = 5): void {
  const z = (actual - expected) / standardError;
  if (!(Math.abs(z) <= sigmas)) throw new Error(`${label}: ${actual} vs ${expected} is ${z.toFixed(2)} standard errors (${standardError}) away, more than ${sigmas}.`);
}

/**
 * Variance of the average of S consecutive states of a stationary AR(1) chain with variance v and
 * lag-1 correlation rho: Var = (v / S^2) (S + 2 sum_{k=1}^{S-1} (S - k) rho^k).
 */
function ar1AverageVariance(v: number, rho: number, S: number): number {
  let s = S;
  for (let k = 1; k < S; k++) s += 2 * (S - k) * rho ** k;
  return (v * s) / (S * S);
}

describe('temperature 0 is relax', () => {
  it.each([
    ['clamped output', {}],
    ['nudged output (gamma 0.3)', { target: { kind: 'nudged', precision: 0.3 } }],
    ['clamped output, precisions [1, 0.5, 2]', { precisions: [1, 0.5, 2] }],
    ['categorical output (softmax cross-entropy)', { output: 'categorical' }],
  ] as [string, PcOptionsInput][])('%s: same value nodes and energies, bit for bit; sampleMean = mean of relax over the window', (_name, extra) => {
    const sizes = [4, 5, 3, 2];
    const architecture = pcArchitecture(sizes, 'tanh');
    const { net, x0, y } = randomRefCase(sizes, 'tanh', 6, 21, 2);
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const T = 25;
    const options = resolvePcOptions(architecture, { stepSize: 0.15, inferenceSteps: T, ...extra });
    const langevin = langevinRelax(params, architecture, x, target, options, { temperature: 0, burnIn: 5, samples: 10, seed: 3 }, { recordEnergy: true });
    const deterministic = relax(params, architecture, x, target, options, { recordEnergy: true });
    langevin.valueNodes.forEach((node, l) => expect(values(node)).toEqual(values(deterministic.valueNodes[l])));
    expect(langevin.energies).toEqual(deterministic.energies);
    expect(langevin.energies).toHaveLength(T + 1);
    expect(langevin.valueNodes[0]).toBe(x);
    // the window is the states after steps 16..25: average relax run for 16..25 steps (float64 here)
    const window = Array.from({ length: 10 }, (_, i) => relax(params, architecture, x, target, resolvePcOptions(architecture, { stepSize: 0.15, inferenceSteps: T - 9 + i, ...extra })));
    let maxAbs = 0;
    langevin.sampleMean.forEach((mean, l) => {
      const expected = values(mean).map((_, j) => window.reduce((s, r) => s + r.valueNodes[l].dataSync()[j], 0) / window.length);
      values(mean).forEach((v, j) => (maxAbs = Math.max(maxAbs, Math.abs(v - expected[j]))));
    });
    expect(maxAbs).toBeLessThan(2e-6);
    expect(langevin.sampleMean[0]).toBe(x);
    if (!('precision' in options.target)) expect(langevin.sampleMean[3]).toBe(target);
    window.forEach(disposeRelaxation);
    disposeRelaxation(deterministic);
    disposeLangevinRelaxation(langevin);
    tf.dispose([x, target]);
    disposePcParams(params);
  });
});

describe('the noise', () => {
  it('one step is relax\'s step plus sqrt(2 eta tau) xi, xi from RandomStreams(seed).stream("langevin"), free layers in order', () => {
    const sizes = [3, 4, 2];
    const architecture = pcArchitecture(sizes, 'tanh');
    const { net, x0, y } = randomRefCase(sizes, 'tanh', 5, 4, 2);
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    // nudged, so both the hidden layer and the output are free and get noise
    const options = resolvePcOptions(architecture, { stepSize: 0.2, inferenceSteps: 1, target: { kind: 'nudged', precision: 0.5 } });
    const tau = 0.7;
    const r = langevinRelax(params, architecture, x, target, options, { temperature: tau, burnIn: 0, samples: 1, seed: 9 }, { recordEnergy: true });
    const step = relax(params, architecture, x, target, options, { recordEnergy: true });
    const stream = new RandomStreams(9).stream(LANGEVIN_NOISE_STREAM);
    const scale = langevinNoiseScale(0.2, tau);
    expect(scale).toBeCloseTo(Math.sqrt(0.28), 12);
    let maxAbs = 0;
    for (const l of [1, 2]) {
      const xi = stream.fillNormal(new Float64Array(5 * sizes[l]));
      const expected = values(step.valueNodes[l]).map((v, j) => v + scale * xi[j]);
      values(r.valueNodes[l]).forEach((v, j) => (maxAbs = Math.max(maxAbs, Math.abs(v - expected[j]))));
      // samples = 1: the mean is the final state
      expect(values(r.sampleMean[l])).toEqual(values(r.valueNodes[l]));
    }
    expect(maxAbs).toBeLessThan(1e-6);
    expect(values(r.valueNodes[0])).toEqual(x0.flat().map(Math.fround));
    // the energy before the first step is the deterministic start's
    expect((r.energies as number[])[0]).toBe((step.energies as number[])[0]);
    disposeRelaxation(step);
    disposeLangevinRelaxation(r);
    tf.dispose([x, target]);
    disposePcParams(params);
  });
});

/**
 * The exact check. 1-D linear-Gaussian model, sizes [1, 1, 1], linear: x_1 ~ N(mu_1, 1/pi_1) with
 * mu_1 = w_1 x_0 + b_1, y ~ N(w_2 x_1 + b_2, 1/pi_2), x_0 and y clamped. The posterior of x_1 is
 * Gaussian with precision P = pi_1 + pi_2 w_2^2 and mean m = (pi_1 mu_1 + pi_2 w_2 (y - b_2)) / P.
 *
 * The chain is linear: with d = x - m, dF/dx = P d, so one Euler-Maruyama step is
 *   d' = (1 - eta P) d + sqrt(2 eta tau) xi.
 * Its mean is exactly m (no discretisation bias) and its stationary variance v solves
 *   v = (1 - eta P)^2 v + 2 eta tau  =>  v = 2 eta tau / (1 - (1 - eta P)^2) = tau / (P (1 - eta P / 2)),
 * tau / P (the posterior at tau = 1) only as eta -> 0. Consecutive states have correlation
 * rho = 1 - eta P, which sets the variance of a chain's sample mean (ar1AverageVariance).
 * B independent chains are B identical rows of the batch (each row draws its own noise).
 * Monte-Carlo tolerances, 5 standard errors: mean sqrt(v / B), variance v sqrt(2 / (B - 1)).
 */
describe('exact posterior of a linear-Gaussian chain (B parallel chains)', () => {
  const B = 4000;
  const architecture = pcArchitecture([1, 1, 1], 'linear');
  const model = { w1: 0.8, b1: 0.3, x0: 1.2, w2: 1.5, b2: -0.4, y: 2 };
  let params: PcParams;
  let x: Tensor2D;
  let target: Tensor2D;
  beforeAll(() => {
    params = {
      weights: [tf.tensor2d([[model.w1]]) as Tensor2D, tf.tensor2d([[model.w2]]) as Tensor2D],
      biases: [tf.tensor1d([model.b1]) as Tensor1D, tf.tensor1d([model.b2]) as Tensor1D],
    };
    x = tf.fill([B, 1], model.x0) as Tensor2D;
    target = tf.fill([B, 1], model.y) as Tensor2D;
  });
  afterAll(() => {
    tf.dispose([x, target]);
    disposePcParams(params);
  });
  // float32 versions of the parameters, as the network sees them
  const f = Math.fround;
  const mu1 = f(model.w1) * f(model.x0) + f(model.b1);

  function run(precisions: [number, number], etaP: number, tau: number, seed: number) {
    const P = precisions[0] + precisions[1] * f(model.w2) ** 2;
    const eta = etaP / P;
    const rho = 1 - eta * P;
    // burn-in: the chains start at mu_1, |mu_1 - m| < 0.2; the bias of the mean decays as rho^t
    // (here to < 2e-7, against a standard error > 5e-3) and the variance deficit as rho^2t (< 1e-12)
    const burnIn = Math.ceil(Math.log(1e-6) / Math.log(rho));
    const samples = 50;
    const options = resolvePcOptions(architecture, { stepSize: eta, inferenceSteps: burnIn + samples, precisions });
    const r = langevinRelax(params, architecture, x, target, options, { temperature: tau, burnIn, samples, seed });
    const final = r.valueNodes[1].dataSync();
    const means = r.sampleMean[1].dataSync();
    const out = {
      P,
      m: (precisions[0] * mu1 + precisions[1] * f(model.w2) * (f(model.y) - f(model.b2))) / P,
      v: tau / (P * (1 - (eta * P) / 2)),
      final: meanAndVariance(final),
      window: meanAndVariance(means),
      rho,
      samples,
      outputUntouched: values(r.valueNodes[2]).every((v) => v === f(model.y)),
    };
    disposeLangevinRelaxation(r);
    return out;
  }

  it.each([
    ['pi [2, 0.5], eta P = 0.05 (small step)', [2, 0.5], 0.05],
    ['pi [2, 0.5], eta P = 0.5 (the discretisation shows)', [2, 0.5], 0.5],
    ['pi [4, 0.25], eta P = 0.2', [4, 0.25], 0.2],
  ] as [string, [number, number], number][])('%s: final-state mean and variance, and the chains\' sample means', (name, precisions, etaP) => {
    const s = run(precisions, etaP, 1, 17);
    const { m, v } = s;
    expectWithinSigmas(`${name} mean`, s.final.mean, m, Math.sqrt(v / B));
    expectWithinSigmas(`${name} variance`, s.final.variance, v, v * Math.sqrt(2 / (B - 1)));
    // sampleMean: each chain's average over the window, mean m, variance from the AR(1) autocorrelation
    const vBar = ar1AverageVariance(v, s.rho, s.samples);
    expectWithinSigmas(`${name} sampleMean mean`, s.window.mean, m, Math.sqrt(vBar / B));
    expectWithinSigmas(`${name} sampleMean variance`, s.window.variance, vBar, vBar * Math.sqrt(2 / (B - 1)));
    expect(s.outputUntouched).toBe(true);
    if (etaP === 0.5) {
      // the continuous-time value 1/P is 25% lower: more than 10 standard errors below v, so a chain
      // that passed the 5-sigma check above is at least 5 standard errors from it (the test sees the discretisation)
      expect((v - 1 / s.P) / (v * Math.sqrt(2 / (B - 1)))).toBeGreaterThan(10);
    }
    console.log(
      `${name}: P = ${s.P}, mean ${s.final.mean.toFixed(5)} vs ${m.toFixed(5)}, variance ${s.final.variance.toFixed(5)} vs ${v.toFixed(5)} ` +
        `(continuous 1/P = ${(1 / s.P).toFixed(5)}); sampleMean variance ${s.window.variance.toFixed(5)} vs ${vBar.toFixed(5)}`,
    );
  });

  it.each([0.25, 2])('temperature %p multiplies the variance by tau and leaves the mean', (tau) => {
    const cold = run([2, 0.5], 0.5, 1, 5);
    const s = run([2, 0.5], 0.5, tau, 5);
    expectWithinSigmas(`tau ${tau} mean`, s.final.mean, s.m, Math.sqrt(s.v / B));
    expectWithinSigmas(`tau ${tau} variance`, s.final.variance, tau * cold.v, s.v * Math.sqrt(2 / (B - 1)));
    // same seed, same xi: the deviations are exactly sqrt(tau) times those at tau = 1 (up to float32 rounding)
    expect(s.final.variance / cold.final.variance).toBeCloseTo(tau, 4);
  });

  /**
   * Nudged output: x_1 and x_2 are both free, F = pi_1/2 (x_1 - mu_1)^2 + pi_2/2 (x_2 - w_2 x_1 - b_2)^2
   * + gamma/2 (y - x_2)^2 = 1/2 x^T A x - c^T x + const with
   *   A = [[pi_1 + pi_2 w_2^2, -pi_2 w_2], [-pi_2 w_2, pi_2 + gamma]],  c = [pi_1 mu_1 - pi_2 w_2 b_2, pi_2 b_2 + gamma y].
   * Mean A^{-1} c. With M = I - eta A the step is d' = M d + sqrt(2 eta tau) xi, so the stationary
   * covariance solves S = M S M + 2 eta tau I; A is symmetric, S = tau (A - eta A^2 / 2)^{-1} solves it
   * (and is the only solution, the eigenvalues of M being inside the unit circle).
   * Standard error of a sample covariance of Gaussians: sqrt((S_11 S_22 + S_12^2) / (B - 1)).
   */
  it('nudged output: the joint posterior of (x_1, x_2), mean and full covariance', () => {
    const [pi1, pi2, gamma, eta, tau] = [2, 0.5, 1, 0.1, 1];
    const w2 = f(model.w2);
    const A = [
      [pi1 + pi2 * w2 * w2, -pi2 * w2],
      [-pi2 * w2, pi2 + gamma],
    ];
    const c = [pi1 * mu1 - pi2 * w2 * f(model.b2), pi2 * f(model.b2) + gamma * f(model.y)];
    const inv = (a: number[][]) => {
      const det = a[0][0] * a[1][1] - a[0][1] * a[1][0];
      return [
        [a[1][1] / det, -a[0][1] / det],
        [-a[1][0] / det, a[0][0] / det],
      ];
    };
    const Ainv = inv(A);
    const mean = [Ainv[0][0] * c[0] + Ainv[0][1] * c[1], Ainv[1][0] * c[0] + Ainv[1][1] * c[1]];
    const A2 = [
      [A[0][0] ** 2 + A[0][1] ** 2, A[0][0] * A[0][1] + A[0][1] * A[1][1]],
      [A[0][0] * A[0][1] + A[0][1] * A[1][1], A[0][1] ** 2 + A[1][1] ** 2],
    ];
    const S = inv(A.map((row, i) => row.map((a, j) => a - (eta * A2[i][j]) / 2))).map((row) => row.map((s) => tau * s));
    const options = resolvePcOptions(architecture, { stepSize: eta, inferenceSteps: 160, precisions: [pi1, pi2], target: { kind: 'nudged', precision: gamma } });
    // burn-in 150: the slowest mode contracts by 1 - eta * 1.207 = 0.879 a step, 0.879^150 < 5e-9
    const r = langevinRelax(params, architecture, x, target, options, { temperature: tau, burnIn: 150, samples: 10, seed: 11 });
    const x1 = r.valueNodes[1].dataSync();
    const x2 = r.valueNodes[2].dataSync();
    const [s1, s2] = [meanAndVariance(x1), meanAndVariance(x2)];
    expectWithinSigmas('nudged E[x_1]', s1.mean, mean[0], Math.sqrt(S[0][0] / B));
    expectWithinSigmas('nudged E[x_2]', s2.mean, mean[1], Math.sqrt(S[1][1] / B));
    expectWithinSigmas('nudged Var[x_1]', s1.variance, S[0][0], S[0][0] * Math.sqrt(2 / (B - 1)));
    expectWithinSigmas('nudged Var[x_2]', s2.variance, S[1][1], S[1][1] * Math.sqrt(2 / (B - 1)));
    expectWithinSigmas('nudged Cov[x_1, x_2]', covariance(x1, x2), S[0][1], Math.sqrt((S[0][0] * S[1][1] + S[0][1] ** 2) / (B - 1)));
    // the output moved: it is a free, sampled node (sampleMean is its own tensor, not the target)
    expect(r.sampleMean[2]).not.toBe(target);
    console.log(
      `nudged: mean (${s1.mean.toFixed(4)}, ${s2.mean.toFixed(4)}) vs (${mean[0].toFixed(4)}, ${mean[1].toFixed(4)}); ` +
        `cov [[${s1.variance.toFixed(4)}, ${covariance(x1, x2).toFixed(4)}], [., ${s2.variance.toFixed(4)}]] vs [[${S[0][0].toFixed(4)}, ${S[0][1].toFixed(4)}], [., ${S[1][1].toFixed(4)}]]`,
    );
    disposeLangevinRelaxation(r);
  });
});

/**
 * A nonlinear check, exact up to a fine grid: 1-D tanh model, sizes [1, 1, 1], x_0 and y clamped,
 *   F(x) = pi_1/2 (x - mu_1)^2 + pi_2/2 (y - w_2 tanh(x) - b_2)^2,
 * with a prior (mu_1 = 1) and a likelihood (tanh(x) near -1/2) that disagree, so the posterior is
 * skewed and far from its Laplace approximation. The Euler-Maruyama chain has the transition density
 * K(x' | x) = N(x'; x - eta F'(x), 2 eta tau); the law of x_T is obtained by starting from the
 * deterministic first step and applying K on a grid T - 1 times (Chapman-Kolmogorov, trapezoid rule).
 * The B chains' final states must match that law's mean and variance within 5 Monte-Carlo standard
 * errors; the continuous posterior (quadrature of exp(-F)) and the Laplace approximation are logged,
 * and the Laplace moments are asserted to be far outside the tolerance (the check sees the nonlinearity).
 */
describe('exact law of the chain on a nonlinear (tanh) model', () => {
  it('B chains match the grid-propagated law of x_T; the Laplace approximation does not', () => {
    const B = 4000;
    const [w1, b1, x0, w2, b2, y, pi1, pi2, eta, T] = [1, 0, 1, 2, 0, -1, 1, 2, 0.05, 400];
    const mu1 = w1 * x0 + b1;
    const dF = (x: number) => pi1 * (x - mu1) - pi2 * w2 * (1 - Math.tanh(x) ** 2) * (y - w2 * Math.tanh(x) - b2);
    const F = (x: number) => (pi1 / 2) * (x - mu1) ** 2 + (pi2 / 2) * (y - w2 * Math.tanh(x) - b2) ** 2;
    // F rises by > 17 from its minimum at both ends of the grid; h = 0.02 is 1/16 of the kernel's sd
    const [lo, hi, n] = [-5.5, 5.5, 551];
    const h = (hi - lo) / (n - 1);
    const grid = Array.from({ length: n }, (_, i) => lo + i * h);
    const s2 = 2 * eta;
    const gauss = (x: number, m: number) => Math.exp(-((x - m) ** 2) / (2 * s2)) / Math.sqrt(2 * Math.PI * s2);
    // the first step leaves the deterministic start x̄_1 = mu_1
    let density: number[] = grid.map((x) => gauss(x, mu1 - eta * dF(mu1)));
    // p_t(x_j) = integral K(x_j | x) p_{t-1}(x) dx = sum_i c_i h p_{t-1}(x_i) K(x_j | x_i), c_i the trapezoid
    // weights: a [1, n] x [n, n] product per step (TF.js float32 for speed; the kernel is built here in float64)
    const kernel: number[][] = grid.map((x) => grid.map((xj) => h * gauss(xj, x - eta * dF(x))));
    const trapezoid = grid.map((_, i) => (i === 0 || i === n - 1 ? 0.5 : 1));
    const propagated = tf.tidy(() => {
      const K = tf.tensor2d(kernel);
      const c = tf.tensor2d([trapezoid]);
      let p = tf.tensor2d([Array.from(density)]);
      for (let t = 1; t < T; t++) p = tf.matMul(tf.mul(p, c), K);
      return p;
    });
    density = Array.from(propagated.dataSync());
    propagated.dispose();
    const moments = (weights: number[]) => {
      let [z, m1, m2] = [0, 0, 0];
      weights.forEach((w, i) => {
        const c = i === 0 || i === n - 1 ? 0.5 : 1;
        z += c * w;
        m1 += c * w * grid[i];
        m2 += c * w * grid[i] ** 2;
      });
      return { mass: z * h, mean: m1 / z, variance: m2 / z - (m1 / z) ** 2 };
    };
    const law = moments(density);
    const posterior = moments(grid.map((x) => Math.exp(-F(x))));
    // MAP: the grid's lowest F, refined by Newton steps
    let map = grid.reduce((best, x) => (F(x) < F(best) ? x : best), grid[0]);
    for (let k = 0; k < 20; k++) map -= dF(map) / ((dF(map + 1e-5) - dF(map - 1e-5)) / 2e-5);
    const laplaceVariance = 1 / ((dF(map + 1e-5) - dF(map - 1e-5)) / 2e-5);
    expect(law.mass).toBeCloseTo(1, 4); // nothing lost off the grid

    const architecture = pcArchitecture([1, 1, 1], 'tanh');
    const params: PcParams = { weights: [tf.tensor2d([[w1]]) as Tensor2D, tf.tensor2d([[w2]]) as Tensor2D], biases: [tf.tensor1d([b1]) as Tensor1D, tf.tensor1d([b2]) as Tensor1D] };
    const [x, target] = [tf.fill([B, 1], x0) as Tensor2D, tf.fill([B, 1], y) as Tensor2D];
    const options = resolvePcOptions(architecture, { stepSize: eta, inferenceSteps: T, precisions: [pi1, pi2] });
    const r = langevinRelax(params, architecture, x, target, options, { temperature: 1, burnIn: 0, samples: 1, seed: 8 });
    const chains = meanAndVariance(r.valueNodes[1].dataSync());
    const seMean = Math.sqrt(law.variance / B);
    const seVariance = law.variance * Math.sqrt(2 / (B - 1));
    expectWithinSigmas('tanh chain mean', chains.mean, law.mean, seMean);
    expectWithinSigmas('tanh chain variance', chains.variance, law.variance, seVariance);
    expect(Math.abs(map - law.mean) / seMean).toBeGreaterThan(10);
    expect(Math.abs(laplaceVariance - law.variance) / seVariance).toBeGreaterThan(10);
    console.log(
      `tanh: chains mean ${chains.mean.toFixed(4)} var ${chains.variance.toFixed(4)}; law of x_T (eta ${eta}) mean ${law.mean.toFixed(4)} var ${law.variance.toFixed(4)}; ` +
        `posterior (eta -> 0) mean ${posterior.mean.toFixed(4)} var ${posterior.variance.toFixed(4)}; Laplace mean ${map.toFixed(4)} var ${laplaceVariance.toFixed(4)}; ` +
        `standard errors ${seMean.toFixed(4)}, ${seVariance.toFixed(4)}`,
    );
    disposeLangevinRelaxation(r);
    tf.dispose([x, target]);
    disposePcParams(params);
  });
});

describe('determinism', () => {
  it('the same seed gives the same numbers bit for bit; another seed differs', () => {
    const sizes = [4, 5, 3, 2];
    const architecture = pcArchitecture(sizes, 'tanh');
    const { net, x0, y } = randomRefCase(sizes, 'tanh', 6, 2, 2);
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const options = resolvePcOptions(architecture, { inferenceSteps: 30, target: { kind: 'nudged', precision: 0.2 } });
    const settings: LangevinOptions = { temperature: 1, burnIn: 10, samples: 20, seed: 42 };
    const read = (seed: number) => {
      const r = langevinRelax(params, architecture, x, target, options, { ...settings, seed }, { recordEnergy: true });
      const out = { nodes: r.valueNodes.map(values), means: r.sampleMean.map(values), energies: r.energies };
      disposeLangevinRelaxation(r);
      return out;
    };
    const [a, b, c] = [read(42), read(42), read(43)];
    expect(b).toEqual(a);
    const maxDiff = Math.max(...a.nodes.slice(1).flatMap((layer, l) => layer.map((v, j) => Math.abs(v - c.nodes[l + 1][j]))));
    expect(maxDiff).toBeGreaterThan(0.1);
    expect(c.energies).not.toEqual(a.energies);
    tf.dispose([x, target]);
    disposePcParams(params);
  });
});

describe('memory', () => {
  it('langevinRelax and disposeLangevinRelaxation leave no tensors behind, in every mode', () => {
    const deep = { architecture: pcArchitecture([4, 5, 3, 2], 'tanh'), case: randomRefCase([4, 5, 3, 2], 'tanh', 4, 1) };
    // L = 1: nothing free when clamped, only the output when nudged
    const shallow = { architecture: pcArchitecture([4, 2], 'tanh'), case: randomRefCase([4, 2], 'tanh', 4, 1) };
    const deepParams = toParams(deep.case.net);
    const shallowParams = toParams(shallow.case.net);
    const [x, target] = [t2(deep.case.x0), t2(deep.case.y)];
    const nudged: PcOptionsInput = { target: { kind: 'nudged', precision: 0.1 } };
    const modes: [typeof deep, PcParams, PcOptionsInput, number][] = [
      [deep, deepParams, {}, 1],
      [deep, deepParams, {}, 0],
      [deep, deepParams, nudged, 0.5],
      [shallow, shallowParams, {}, 1],
      [shallow, shallowParams, nudged, 1],
    ];
    const before = liveTensors();
    assertNoTensorLeak(
      (i) => {
        const [net, params, extra, temperature] = modes[i % modes.length];
        const options = resolvePcOptions(net.architecture, { inferenceSteps: 6, ...extra });
        const r = langevinRelax(params, net.architecture, x, target, options, { temperature, burnIn: 2, samples: 3, seed: i }, { recordEnergy: i % 2 === 0 });
        disposeLangevinRelaxation(r);
      },
      { iterations: 10, label: 'langevinRelax' },
    );
    expect(liveTensors()).toBe(before);
    tf.dispose([x, target]);
    disposePcParams(deepParams);
    disposePcParams(shallowParams);
  });
});

describe('bad input', () => {
  const architecture = pcArchitecture([3, 4, 2], 'tanh');
  const good: LangevinOptions = { temperature: 1, burnIn: 5, samples: 5, seed: 0 };
  it.each([
    ['negative temperature', { temperature: -0.1 }, {}, /temperature must be a finite number >= 0.*got -0.1/],
    ['NaN temperature', { temperature: NaN }, {}, /temperature must be a finite number >= 0.*got NaN/],
    ['infinite temperature', { temperature: Infinity }, {}, /temperature must be a finite number >= 0/],
    ['samples 0', { samples: 0 }, {}, /samples must be an integer >= 1.*got 0/],
    ['fractional samples', { samples: 2.5 }, {}, /samples must be an integer >= 1.*got 2.5/],
    ['negative burn-in', { burnIn: -1 }, {}, /burnIn must be a non-negative integer.*got -1/],
    ['negative seed', { seed: -3 }, {}, /seed must be a non-negative integer, got -3/],
    ['fractional seed', { seed: 0.5 }, {}, /seed must be a non-negative integer, got 0.5/],
    ['burnIn + samples > T', { burnIn: 15, samples: 10 }, {}, /T = inferenceSteps = 20 steps, fewer than burnIn \+ samples = 15 \+ 10 = 25: raise inferenceSteps to at least 25/],
    ['momentum', {}, { momentum: 0.5 }, /momentum must be 0, got 0.5/],
    ['fixed predictions', {}, { predictions: 'fixed' }, /needs predictions: 'recomputed'/],
  ] as [string, Partial<LangevinOptions>, PcOptionsInput, RegExp][])('%s', (_name, langevin, pc, message) => {
    const { net, x0, y } = randomRefCase([3, 4, 2], 'tanh', 2, 1);
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const before = liveTensors();
    expect(() => langevinRelax(params, architecture, x, target, resolvePcOptions(architecture, { inferenceSteps: 20, ...pc }), { ...good, ...langevin })).toThrow(message);
    expect(liveTensors()).toBe(before);
    tf.dispose([x, target]);
    disposePcParams(params);
  });

  it('missing settings and a wrong target shape', () => {
    const { net } = randomRefCase([3, 4, 2], 'tanh', 1, 1);
    const params = toParams(net);
    const x = tf.zeros([2, 3]) as Tensor2D;
    const wrong = tf.zeros([2, 5]) as Tensor2D;
    const right = tf.zeros([2, 2]) as Tensor2D;
    const options = resolvePcOptions(architecture);
    expect(() => langevinRelax(params, architecture, x, right, options, undefined as unknown as LangevinOptions)).toThrow(/needs settings \{ temperature, burnIn, samples, seed \}/);
    expect(() => langevinRelax(params, architecture, x, wrong, options, good)).toThrow(/target must have shape \[2, 2\].*got \[2, 5\]/);
    tf.dispose([x, wrong, right]);
    disposePcParams(params);
  });
});
