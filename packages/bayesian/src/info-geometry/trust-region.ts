import { tf, type NamedTensorMap } from '@cristal/tensor';
import { assertComparable, type DiagonalGaussian } from './diagonal-gaussian';

/**
 * The K-FAC trust-region factor (Ba, Grosse and Martens 2017, "Distributed second-order
 * optimization using Kronecker-factored approximations", `kl_clip`): a step whose quadratic KL is
 * `kl` is multiplied by nu = min(1, sqrt(maxKl / kl)). The quadratic KL scales with nu^2, so the
 * scaled step's KL is exactly maxKl when it was larger and unchanged otherwise.
 */
export function trustRegionScale(kl: number, maxKl: number): number {
  assertMaxKl(maxKl);
  if (!(kl >= 0)) throw new Error(`trustRegionScale: the KL of a step must be >= 0, got ${kl}.`);
  return kl <= maxKl ? 1 : Math.sqrt(maxKl / kl);
}

export interface FisherTrustRegionResult {
  /** The scaled step, new tensors the caller disposes (keys as the input step). */
  step: NamedTensorMap;
  scale: number;
  /** 0.5 sum F delta^2 of the proposed step, before scaling. */
  klBefore: number;
  /** The same after scaling: min(klBefore, maxKl). */
  kl: number;
}

/**
 * Caps a proposed parameter step `delta` (any optimiser's, keyed by variable name) in the diagonal
 * Fisher metric: KL(p_theta || p_theta+delta) ~ 0.5 sum_j F_jj delta_j^2 (second order; Amari 1998)
 * must not exceed `maxKl`. `fisher` holds the diagonal Fisher per variable, e.g. from
 * `fisherDiagonal` or `denseFisherDiagonal` (per-example mean, so maxKl is a KL per example).
 */
export function fisherTrustRegion(step: NamedTensorMap, fisher: NamedTensorMap, maxKl: number): FisherTrustRegionResult {
  assertMaxKl(maxKl);
  const names = Object.keys(step);
  for (const name of names) {
    const f = fisher[name];
    if (!f) throw new Error(`fisherTrustRegion: no Fisher diagonal for "${name}".`);
    if (f.size !== step[name].size) throw new Error(`fisherTrustRegion: "${name}" has ${step[name].size} step values and ${f.size} Fisher values.`);
  }
  const klBefore =
    names.length === 0 ? 0 : tf.tidy(() => tf.mul(0.5, tf.addN(names.map((n) => tf.sum(tf.mul(fisher[n].reshape(step[n].shape), tf.square(step[n])))))).dataSync()[0]);
  const scale = trustRegionScale(klBefore, maxKl);
  const scaled: NamedTensorMap = {};
  for (const name of names) scaled[name] = tf.mul(step[name], scale);
  return { step: scaled, scale, klBefore, kl: klBefore * scale * scale };
}

/**
 * The point a fraction `scale` along a mean-field step, in the coordinates natural-gradient VI
 * updates (IVON, VOGN): the mean and the precision move linearly,
 *   m(nu) = m0 + nu (m1 - m0),   1 / s(nu)^2 = 1 / s0^2 + nu (1 / s1^2 - 1 / s0^2),
 * so every point between two valid posteriors is a valid posterior.
 */
export function interpolateGaussian(current: DiagonalGaussian, proposed: DiagonalGaussian, scale: number): { mean: Float64Array; std: Float64Array } {
  assertComparable(current, proposed, 'interpolateGaussian');
  const n = current.mean.length;
  const mean = new Float64Array(n);
  const std = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p0 = 1 / (current.std[i] * current.std[i]);
    const p1 = 1 / (proposed.std[i] * proposed.std[i]);
    mean[i] = current.mean[i] + scale * (proposed.mean[i] - current.mean[i]);
    std[i] = 1 / Math.sqrt(p0 + scale * (p1 - p0));
  }
  return { mean, std };
}

export interface GaussianTrustRegionResult {
  /** nu in [0, 1]: the fraction of the proposed step to take (see `interpolateGaussian`). */
  scale: number;
  /** KL(q_proposed || q_current) of the whole proposed step. */
  klBefore: number;
  /** KL(q_nu || q_current) of the scaled step: <= maxKl, and within 1e-10 maxKl of it when the cap binds. */
  kl: number;
}

/**
 * Trust region between successive mean-field posteriors: the largest nu in [0, 1] with
 * KL(q_nu || q_current) <= maxKl, q_nu as in `interpolateGaussian`, over all blocks (variables).
 *
 * With P = 1/s^2, dP = P1 - P0, P(nu) = P0 + nu dP and x = P0 / P(nu) - 1,
 *   KL(nu) = sum_i [ 0.5 nu^2 dm_i^2 P0_i + 0.5 (x_i - ln(1 + x_i)) ],
 *   dKL/dnu = nu sum_i [ dm_i^2 P0_i + 0.5 dP_i^2 / P(nu)_i^2 ] >= 0,
 * so KL(nu) increases from 0 and the root of KL(nu) = maxKl is unique: safeguarded Newton on the
 * bracket [0, 1] finds it, aiming at maxKl (1 - 1e-10) so that the answer never exceeds the cap. Unlike the Fisher-metric
 * rule this is the exact KL, and it counts the change of variance too.
 */
export function gaussianTrustRegion(current: DiagonalGaussian[], proposed: DiagonalGaussian[], maxKl: number): GaussianTrustRegionResult {
  assertMaxKl(maxKl);
  if (current.length !== proposed.length) throw new Error(`gaussianTrustRegion: ${current.length} current blocks and ${proposed.length} proposed.`);
  current.forEach((c, b) => assertComparable(c, proposed[b], `gaussianTrustRegion(block ${b})`));
  const n = current.reduce((acc, c) => acc + c.mean.length, 0);
  const p0 = new Float64Array(n);
  const dp = new Float64Array(n);
  let meanTerm = 0; // sum dm^2 P0 / 2: the mean part is meanTerm * nu^2
  let k = 0;
  for (let b = 0; b < current.length; b++) {
    const c = current[b];
    const p = proposed[b];
    for (let i = 0; i < c.mean.length; i++, k++) {
      p0[k] = 1 / (c.std[i] * c.std[i]);
      dp[k] = 1 / (p.std[i] * p.std[i]) - p0[k];
      const dm = p.mean[i] - c.mean[i];
      meanTerm += 0.5 * dm * dm * p0[k];
    }
  }
  const klAt = (nu: number): { kl: number; slope: number } => {
    let kl = meanTerm * nu * nu;
    let slope = 2 * meanTerm * nu;
    for (let i = 0; i < n; i++) {
      const pNu = p0[i] + nu * dp[i];
      const x = -(nu * dp[i]) / pNu;
      kl += 0.5 * (x - Math.log1p(x));
      slope += (0.5 * nu * dp[i] * dp[i]) / (pNu * pNu);
    }
    return { kl, slope };
  };
  const klBefore = klAt(1).kl;
  if (klBefore <= maxKl) return { scale: 1, klBefore, kl: klBefore };
  // Aim just inside the cap, so that a root found from either side never exceeds it.
  const target = maxKl * (1 - 1e-10);
  const tolerance = maxKl * 0.5e-10;
  let lo = 0;
  let klLo = 0;
  let hi = 1;
  // The quadratic model's answer, exact when the variances do not move.
  let nu = Math.sqrt(maxKl / klBefore);
  for (let iteration = 0; iteration < 200; iteration++) {
    const { kl, slope } = klAt(nu);
    if (Math.abs(kl - target) <= tolerance) return { scale: nu, klBefore, kl };
    if (kl < target) {
      lo = nu;
      klLo = kl;
    } else hi = nu;
    const newton = nu - (kl - target) / slope;
    nu = newton > lo && newton < hi ? newton : 0.5 * (lo + hi);
  }
  return { scale: lo, klBefore, kl: klLo };
}

function assertMaxKl(maxKl: number): void {
  if (!(maxKl > 0)) throw new Error(`maxKl must be positive, got ${maxKl}.`);
}
