import { loadAddon, nativeAddon, NATIVE_THREADS as threads, type NativeBinding } from './addon';

/**
 * The fused mean-field Gaussian pass on plain float buffers, as in native/mean_field.cc:
 *   sigma_i = softplus(rho_i)   (exp argument clamped at -87, so sigma >= e^-87 stays a normal float)
 *   KL = sum_i log(s_p / sigma_i) + (sigma_i^2 + (mu_i - m_p)^2) / (2 s_p^2) - 1/2
 * forward writes `mean` (a copy of mu, see mean-field-gaussian.ts for why) and `scale` (sigma or
 * sigma^2) and returns KL; backward writes the gradients of mu and rho given those of mean, scale and KL.
 * Two implementations: the native addon (built by the root postinstall) and a JavaScript one in double
 * precision, used when the addon is absent or CRISTAL_BAYESIAN_KERNEL=js. They agree to float rounding
 * (the native one uses single-precision polynomial exp and log), not bit for bit.
 */
export interface MeanFieldBuffers {
  mu: Float32Array;
  rho: Float32Array;
  /** One value, or one per parameter. */
  priorMean: Float32Array;
  priorStd: number;
  /** The scale buffer holds sigma^2 when true, sigma when false. */
  variance: boolean;
}

export interface MeanFieldKernel {
  name: 'native' | 'js';
  forward(a: MeanFieldBuffers, mean: Float32Array, scale: Float32Array): number;
  backward(a: MeanFieldBuffers, gMean: Float32Array, gScale: Float32Array, gKl: number, gMu: Float32Array, gRho: Float32Array): void;
}

function nativeKernel(binding: NativeBinding): MeanFieldKernel {
  return {
    name: 'native',
    forward: (a, mean, scale) => binding.meanFieldForward(a.mu, a.rho, a.priorMean, a.priorStd, a.variance, mean, scale, threads),
    backward: (a, gMean, gScale, gKl, gMu, gRho) =>
      binding.meanFieldBackward(a.mu, a.rho, a.priorMean, a.priorStd, a.variance, gMean, gScale, gKl, gMu, gRho, threads),
  };
}

const EXP_FLOOR = -87;
// Module-level copies: under Jest (a vm context) every `Math.x` in a hot loop is a slow global lookup.
const { abs, exp, log, log1p, max } = Math;

function checkLengths(a: MeanFieldBuffers, ...others: Float32Array[]): void {
  const n = a.mu.length;
  if (a.rho.length !== n || others.some((o) => o.length !== n)) throw new Error('meanField kernel: mu, rho and every output must have the same length.');
  if (a.priorMean.length !== 1 && a.priorMean.length !== n) throw new Error('meanField kernel: the prior mean must have 1 value or one per parameter.');
  if (!(a.priorStd > 0)) throw new Error(`meanField kernel: the prior standard deviation must be positive, got ${a.priorStd}.`);
}

export const jsMeanFieldKernel: MeanFieldKernel = {
  name: 'js',
  forward(a, mean, scale) {
    checkLengths(a, mean, scale);
    const { mu, rho, priorMean } = a;
    const scalarMean = priorMean.length === 1;
    const logPriorStd = log(a.priorStd);
    const halfInvPriorVar = 0.5 / (a.priorStd * a.priorStd);
    let kl = 0;
    for (let i = 0; i < mu.length; i++) {
      const r = rho[i];
      const sigma = max(r, 0) + log1p(exp(max(-abs(r), EXP_FLOOR)));
      const d = mu[i] - priorMean[scalarMean ? 0 : i];
      kl += logPriorStd - log(sigma) + (sigma * sigma + d * d) * halfInvPriorVar - 0.5;
      scale[i] = a.variance ? sigma * sigma : sigma;
      mean[i] = mu[i];
    }
    return kl;
  },
  backward(a, gMean, gScale, gKl, gMu, gRho) {
    checkLengths(a, gMean, gScale, gMu, gRho);
    const { mu, rho, priorMean } = a;
    const scalarMean = priorMean.length === 1;
    const invPriorVar = 1 / (a.priorStd * a.priorStd);
    for (let i = 0; i < mu.length; i++) {
      const r = rho[i];
      const t = exp(max(-abs(r), EXP_FLOOR));
      const sigma = max(r, 0) + log1p(t);
      const sigmoid = (r >= 0 ? 1 : t) / (1 + t);
      const d = mu[i] - priorMean[scalarMean ? 0 : i];
      const dSigma = gScale[i] * (a.variance ? 2 * sigma : 1) + gKl * (sigma * invPriorVar - 1 / sigma);
      gRho[i] = dSigma * sigmoid;
      gMu[i] = gMean[i] + gKl * d * invPriorVar;
    }
  },
};

/** The native kernel, or null with the reason when the addon cannot be loaded. */
export function nativeMeanFieldKernel(): { kernel: MeanFieldKernel | null; error: string | null } {
  const { addon, error } = loadAddon();
  return { kernel: addon ? nativeKernel(addon) : null, error };
}

let selected: MeanFieldKernel | null = null;

/** The kernel in use: native unless CRISTAL_BAYESIAN_KERNEL=js or the addon is not built. */
export function meanFieldKernel(): MeanFieldKernel {
  if (selected) return selected;
  const addon = nativeAddon();
  return (selected = addon ? nativeKernel(addon) : jsMeanFieldKernel);
}
