import * as os from 'node:os';
import { nativeAddon, SURROGATE_FUNCTIONS } from './lif-kernel';
import { acquireBuffer } from './buffer-pool';

/**
 * A LIF layer fused with its outgoing projection out_t = s_t W, as in native/lif_linear.h: the
 * spikes never leave the kernel, the projection is event-driven, and dL/ds = dL/dout W^T is formed
 * inside the backward scan. Native addon, or the JavaScript port below.
 */
export interface LinearShape {
  T: number;
  B: number;
  N: number;
  K: number;
  inputPerStep: boolean;
}

export interface LifLinearKernel {
  name: 'native' | 'js';
  forward(
    sh: LinearShape,
    current: Float32Array,
    v0: Float32Array,
    beta: Float32Array,
    theta: Float32Array,
    reset: number,
    W: Float32Array,
  ): { out: Float32Array; u: Float32Array; vT: Float32Array; spikeCount: Float64Array };
  backward(
    sh: LinearShape,
    p: { beta: Float32Array; theta: Float32Array; reset: number; surrogate: number; slope: number; detachReset: boolean },
    saved: { v0: Float32Array; W: Float32Array; u: Float32Array },
    gOut: Float32Array,
    gVT: Float32Array | null,
  ): { gI: Float32Array; gV0: Float32Array; gW: Float64Array; gBeta: Float64Array; gTheta: Float64Array };
}

// CRISTAL_NATIVE_THREADS overrides the thread count of the native kernels (default: the cores).
const threads = Math.max(1, Number(process.env.CRISTAL_NATIVE_THREADS) || Math.min(os.cpus().length, 8));


const resetV = (reset: number, u: number, s: number, th: number) => (reset === 0 ? Math.fround(u - th * s) : reset === 1 ? u * (1 - s) : u);

export const jsLifLinearKernel: LifLinearKernel = {
  name: 'js',
  forward(sh, current, v0, beta, theta, reset, W) {
    const { T, B, N, K } = sh;
    const out = new Float32Array(T * B * K);
    const u = acquireBuffer(T * B * N);
    const v = Float32Array.from(v0);
    const spikeCount = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        for (let n = 0; n < N; n++) {
          const m = b * N + n;
          const bt = beta[beta.length === 1 ? 0 : n];
          const th = theta[theta.length === 1 ? 0 : n];
          const um = Math.fround(Math.fround(bt * v[m]) + current[sh.inputPerStep ? t * B * N + m : m]);
          const s = um > th ? 1 : 0;
          v[m] = resetV(reset, um, s, th);
          u[t * B * N + m] = um;
          if (s) {
            spikeCount[t]++;
            for (let k = 0; k < K; k++) out[(t * B + b) * K + k] += W[n * K + k];
          }
        }
      }
    }
    return { out, u, vT: v, spikeCount };
  },
  backward(sh, p, saved, gOut, gVT) {
    const { T, B, N, K } = sh;
    const sg = SURROGATE_FUNCTIONS[p.surrogate];
    const gI = new Float32Array(sh.inputPerStep ? T * B * N : B * N);
    const a = gVT ? Float32Array.from(gVT) : new Float32Array(B * N);
    const gW = new Float64Array(N * K);
    const gBeta = new Float64Array(p.beta.length);
    const gTheta = new Float64Array(p.theta.length);
    for (let t = T - 1; t >= 0; t--) {
      for (let b = 0; b < B; b++) {
        for (let n = 0; n < N; n++) {
          const m = b * N + n;
          const bi = p.beta.length === 1 ? 0 : n;
          const ti = p.theta.length === 1 ? 0 : n;
          const th = p.theta[ti];
          let gs = 0;
          for (let k = 0; k < K; k++) gs += gOut[(t * B + b) * K + k] * saved.W[n * K + k];
          const um = saved.u[t * B * N + m];
          const s = um > th ? 1 : 0;
          const d = sg(p.slope, um - th);
          const dvdu = p.reset === 1 ? 1 - s : 1;
          const dvds = p.reset === 0 ? -th : p.reset === 1 ? -um : 0;
          const dvdth = p.reset === 0 ? -s : 0;
          const gSpike = gs + (p.detachReset ? 0 : a[m] * dvds);
          const gu = a[m] * dvdu + gSpike * d;
          gTheta[ti] += -gSpike * d + a[m] * dvdth;
          let vprev: number;
          if (t === 0) vprev = saved.v0[m];
          else {
            const up = saved.u[(t - 1) * B * N + m];
            vprev = resetV(p.reset, up, up > th ? 1 : 0, th);
          }
          gBeta[bi] += gu * vprev;
          if (sh.inputPerStep) gI[t * B * N + m] = gu;
          else gI[m] += gu;
          a[m] = p.beta[bi] * gu;
          if (s) for (let k = 0; k < K; k++) gW[n * K + k] += gOut[(t * B + b) * K + k];
        }
      }
    }
    return { gI, gV0: a, gW, gBeta, gTheta };
  },
};

interface LinearBinding {
  lifLinearForward(...args: unknown[]): void;
  lifLinearBackward(...args: unknown[]): void;
}

function nativeLinear(binding: LinearBinding): LifLinearKernel {
  return {
    name: 'native',
    forward(sh, current, v0, beta, theta, reset, W) {
      const out = new Float32Array(sh.T * sh.B * sh.K);
      const u = acquireBuffer(sh.T * sh.B * sh.N); // fully overwritten by the kernel
      const vT = new Float32Array(sh.B * sh.N);
      const spikeCount = new Float64Array(sh.T);
      binding.lifLinearForward(sh.T, sh.B, sh.N, sh.K, sh.inputPerStep, current, v0, beta, theta, reset, W, out, u, vT, spikeCount, threads);
      return { out, u, vT, spikeCount };
    },
    backward(sh, p, saved, gOut, gVT) {
      const gI = new Float32Array(sh.inputPerStep ? sh.T * sh.B * sh.N : sh.B * sh.N);
      const gV0 = new Float32Array(sh.B * sh.N);
      const gW = new Float64Array(sh.N * sh.K);
      const gBeta = new Float64Array(p.beta.length);
      const gTheta = new Float64Array(p.theta.length);
      binding.lifLinearBackward(
        sh.T, sh.B, sh.N, sh.K, sh.inputPerStep, p.beta, p.theta, p.reset, p.surrogate, p.slope, p.detachReset,
        saved.v0, saved.W, saved.u, gOut, gVT, gI, gV0, gW, gBeta, gTheta, threads,
      );
      return { gI, gV0, gW, gBeta, gTheta };
    },
  };
}

let selected: LifLinearKernel | null = null;

/** Native unless CRISTAL_SPIKING_KERNEL=js or the addon is missing (then the JS port, as lifKernel). */
export function lifLinearKernel(): LifLinearKernel {
  if (!selected) {
    const addon = process.env.CRISTAL_SPIKING_KERNEL === 'js' ? null : nativeAddon();
    selected = addon ? nativeLinear(addon as unknown as LinearBinding) : jsLifLinearKernel;
  }
  return selected;
}

export function nativeLifLinearKernel(): LifLinearKernel | null {
  const addon = nativeAddon();
  return addon ? nativeLinear(addon as unknown as LinearBinding) : null;
}
