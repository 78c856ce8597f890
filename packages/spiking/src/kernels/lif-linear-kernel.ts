import { nativeAddon, SURROGATE_FUNCTIONS } from './lif-kernel';
import { NATIVE_THREADS } from './native-threads';

/**
 * A LIF layer fused with its outgoing projection out_t = s_t W (+ an optional bias), as in
 * native/lif_linear.h: the spikes never leave the kernel, the projection is event-driven, and
 * dL/ds = dL/dout W^T is formed inside the backward scan. Native addon, or the JavaScript port below.
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
  /** Nothing is kept for the backward pass: it replays the scan from the same inputs. */
  forward(
    sh: LinearShape,
    current: Float32Array,
    v0: Float32Array,
    beta: Float32Array,
    theta: Float32Array,
    reset: number,
    W: Float32Array,
    /** Added to every output row (the next layer's bias), or null. */
    outBias?: Float32Array | null,
  ): { out: Float32Array; vT: Float32Array; spikeCount: Float64Array };
  /**
   * From the forward pass's inputs (current, v0, W). gBeta and gTheta are zeros when `paramGrads` is
   * false (two passes fewer per row natively). `buffers.gI` receives dL/dI when given (every value
   * is overwritten); `buffers.gV0: null` skips dL/dv0 (returned as null); `buffers.inputBias` asks
   * for dL/dI summed over rows and steps (the gradient of a bias in the current, else null).
   */
  backward(
    sh: LinearShape,
    p: { beta: Float32Array; theta: Float32Array; reset: number; surrogate: number; slope: number; detachReset: boolean; paramGrads?: boolean },
    saved: { current: Float32Array; v0: Float32Array; W: Float32Array },
    gOut: Float32Array,
    gVT: Float32Array | null,
    buffers?: { gI?: Float32Array; gV0?: null; inputBias?: boolean },
  ): { gI: Float32Array; gV0: Float32Array | null; gW: Float64Array; gBeta: Float64Array; gTheta: Float64Array; gInputBias: Float64Array | null };
}

const resetV = (reset: number, u: number, s: number, th: number) => (reset === 0 ? Math.fround(u - th * s) : reset === 1 ? u * (1 - s) : u);

/** The pre-reset membrane u [T, B, N] of a forward pass (the scan both JavaScript passes run). */
function jsScan(sh: LinearShape, current: Float32Array, v0: Float32Array, beta: Float32Array, theta: Float32Array, reset: number) {
  const { T, B, N } = sh;
  const u = new Float32Array(T * B * N);
  const v = Float32Array.from(v0);
  for (let t = 0; t < T; t++) {
    for (let m = 0; m < B * N; m++) {
      const n = m % N;
      const th = theta[theta.length === 1 ? 0 : n];
      const um = Math.fround(Math.fround(beta[beta.length === 1 ? 0 : n] * v[m]) + current[sh.inputPerStep ? t * B * N + m : m]);
      v[m] = resetV(reset, um, um > th ? 1 : 0, th);
      u[t * B * N + m] = um;
    }
  }
  return { u, vT: v };
}

export const jsLifLinearKernel: LifLinearKernel = {
  name: 'js',
  forward(sh, current, v0, beta, theta, reset, W, outBias = null) {
    const { T, B, N, K } = sh;
    const { u, vT } = jsScan(sh, current, v0, beta, theta, reset);
    const out = new Float32Array(T * B * K);
    const spikeCount = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        if (outBias) out.set(outBias, (t * B + b) * K);
        for (let n = 0; n < N; n++) {
          if (u[(t * B + b) * N + n] > theta[theta.length === 1 ? 0 : n]) {
            spikeCount[t]++;
            for (let k = 0; k < K; k++) out[(t * B + b) * K + k] += W[n * K + k];
          }
        }
      }
    }
    return { out, vT, spikeCount };
  },
  backward(sh, p, saved, gOut, gVT, buffers) {
    const { T, B, N, K } = sh;
    const sg = SURROGATE_FUNCTIONS[p.surrogate];
    const { u } = jsScan(sh, saved.current, saved.v0, p.beta, p.theta, p.reset);
    const gI = buffers?.gI?.fill(0) ?? new Float32Array(sh.inputPerStep ? T * B * N : B * N);
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
          const um = u[t * B * N + m];
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
            const up = u[(t - 1) * B * N + m];
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
    let gInputBias: Float64Array | null = null;
    if (buffers?.inputBias) {
      gInputBias = new Float64Array(N);
      for (let r = 0; r < gI.length / N; r++) for (let n = 0; n < N; n++) gInputBias[n] += gI[r * N + n];
    }
    return { gI, gV0: buffers?.gV0 === null ? null : a, gW, gBeta, gTheta, gInputBias };
  },
};

interface LinearBinding {
  lifLinearForward(...args: unknown[]): void;
  lifLinearBackward(...args: unknown[]): void;
}

function nativeLinear(binding: LinearBinding): LifLinearKernel {
  return {
    name: 'native',
    forward(sh, current, v0, beta, theta, reset, W, outBias = null) {
      const out = new Float32Array(sh.T * sh.B * sh.K);
      const vT = new Float32Array(sh.B * sh.N);
      const spikeCount = new Float64Array(sh.T);
      binding.lifLinearForward(sh.T, sh.B, sh.N, sh.K, sh.inputPerStep, current, v0, beta, theta, reset, W, outBias, out, vT, spikeCount, NATIVE_THREADS);
      return { out, vT, spikeCount };
    },
    backward(sh, p, saved, gOut, gVT, buffers) {
      const gI = buffers?.gI ?? new Float32Array(sh.inputPerStep ? sh.T * sh.B * sh.N : sh.B * sh.N);
      const gV0 = buffers?.gV0 === null ? null : new Float32Array(sh.B * sh.N);
      const gW = new Float64Array(sh.N * sh.K);
      const gBeta = new Float64Array(p.beta.length);
      const gTheta = new Float64Array(p.theta.length);
      const gInputBias = buffers?.inputBias ? new Float64Array(sh.N) : null;
      const paramGrads = p.paramGrads ?? true;
      binding.lifLinearBackward(
        sh.T, sh.B, sh.N, sh.K, sh.inputPerStep, p.beta, p.theta, p.reset, p.surrogate, p.slope, p.detachReset,
        saved.v0, saved.W, saved.current, gOut, gVT, gI, gV0, gW, paramGrads ? gBeta : null, paramGrads ? gTheta : null, gInputBias, NATIVE_THREADS,
      );
      return { gI, gV0, gW, gBeta, gTheta, gInputBias };
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
