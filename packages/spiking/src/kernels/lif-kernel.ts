import * as fs from 'node:fs';
import * as path from 'node:path';
import { acquireBuffer } from './buffer-pool';
import { NATIVE_THREADS } from './native-threads';

/**
 * The fused LIF scan on plain float buffers, as in native/lif_scan.h:
 *   u_t = beta v_{t-1} + I_t,  s_t = H(u_t - theta),  v_t = reset(u_t, s_t)
 * Buffers are [T, M] row-major with M = batch x neurons; beta and theta have length 1 or N and
 * broadcast by m % N. Two implementations: the native addon (built by the root postinstall), and a
 * line-by-line JavaScript port used when the addon is absent or CRISTAL_SPIKING_KERNEL=js.
 */

export type ResetMode = 'subtract' | 'zero' | 'none';
export const RESET_IDS: Record<ResetMode, number> = { subtract: 0, zero: 1, none: 2 };

export interface ScanShape {
  T: number;
  M: number;
  N: number;
  /** Current per step [T, M], or one [M] applied at every step. */
  inputPerStep: boolean;
}

export interface ScanForwardOut {
  spikes: Float32Array;
  u: Float32Array;
  v: Float32Array | null;
  vT: Float32Array;
}

export interface ScanGradients {
  gI: Float32Array;
  gV0: Float32Array;
  gBeta: Float64Array;
  gTheta: Float64Array;
}

export interface LifKernel {
  name: 'native' | 'js';
  forward(shape: ScanShape, current: Float32Array, v0: Float32Array, beta: Float32Array, theta: Float32Array, reset: number, wantMembrane: boolean): ScanForwardOut;
  backward(
    shape: ScanShape,
    p: { beta: Float32Array; theta: Float32Array; reset: number; surrogate: number; slope: number; detachReset: boolean },
    saved: { v0: Float32Array; spikes: Float32Array; u: Float32Array },
    grads: { gS: Float32Array | null; gV: Float32Array | null; gVT: Float32Array | null },
  ): ScanGradients;
}

interface NativeBinding {
  lifForward(...args: unknown[]): void;
  lifBackward(...args: unknown[]): void;
}

function nativeKernel(binding: NativeBinding): LifKernel {
  return {
    name: 'native',
    forward(sh, current, v0, beta, theta, reset, wantMembrane) {
      const TM = sh.T * sh.M;
      const spikes = new Float32Array(TM);
      const u = acquireBuffer(TM); // fully overwritten by the kernel
      const v = wantMembrane ? new Float32Array(TM) : null;
      const vT = new Float32Array(sh.M);
      binding.lifForward(sh.T, sh.M, sh.N, sh.inputPerStep, current, v0, beta, theta, reset, spikes, u, v, vT, NATIVE_THREADS);
      return { spikes, u, v, vT };
    },
    backward(sh, p, saved, g) {
      const gI = new Float32Array(sh.inputPerStep ? sh.T * sh.M : sh.M);
      const gV0 = new Float32Array(sh.M);
      const gBeta = new Float64Array(p.beta.length);
      const gTheta = new Float64Array(p.theta.length);
      binding.lifBackward(
        sh.T, sh.M, sh.N, sh.inputPerStep, p.beta, p.theta, p.reset, p.surrogate, p.slope, p.detachReset,
        saved.v0, saved.spikes, saved.u, g.gS, g.gV, g.gVT, gI, gV0, gBeta, gTheta, NATIVE_THREADS,
      );
      return { gI, gV0, gBeta, gTheta };
    },
  };
}

/** Surrogate derivatives by id (SURROGATE_IDS), as in native/lif_math.h: used by the JavaScript kernels. */
export const SURROGATE_FUNCTIONS: ((slope: number, x: number) => number)[] = [
  (a: number, x: number) => (0.5 * a) / (1 + ((Math.PI / 2) * a * x) ** 2),
  (a: number, x: number) => 1 / (1 + a * Math.abs(x)) ** 2,
  (a: number, x: number) => {
    const s = 1 / (1 + Math.exp(-a * x));
    return a * s * (1 - s);
  },
  (a: number, x: number) => Math.max(0, a * (1 - a * Math.abs(x))),
  () => 1,
];

/** The JavaScript port of native/lif_scan.cc, statement for statement. */
export const jsKernel: LifKernel = {
  name: 'js',
  forward(sh, current, v0, beta, theta, reset, wantMembrane) {
    const { T, M, N } = sh;
    const spikes = new Float32Array(T * M);
    const u = acquireBuffer(T * M);
    const v = wantMembrane ? new Float32Array(T * M) : null;
    const vT = new Float32Array(M);
    for (let m = 0; m < M; m++) {
      const n = m % N;
      const b = beta[beta.length === 1 ? 0 : n];
      const th = theta[theta.length === 1 ? 0 : n];
      let vm = v0[m];
      for (let t = 0; t < T; t++) {
        const i = t * M + m;
        const um = Math.fround(Math.fround(b * vm) + current[sh.inputPerStep ? i : m]);
        const s = um > th ? 1 : 0;
        vm = reset === 0 ? Math.fround(um - th * s) : reset === 1 ? um * (1 - s) : um;
        spikes[i] = s;
        u[i] = um;
        if (v) v[i] = vm;
      }
      vT[m] = vm;
    }
    return { spikes, u, v, vT };
  },
  backward(sh, p, saved, g) {
    const { T, M, N } = sh;
    const sg = SURROGATE_FUNCTIONS[p.surrogate];
    const gI = new Float32Array(sh.inputPerStep ? T * M : M);
    const gV0 = new Float32Array(M);
    const gBeta = new Float64Array(p.beta.length);
    const gTheta = new Float64Array(p.theta.length);
    for (let m = 0; m < M; m++) {
      const n = m % N;
      const bi = p.beta.length === 1 ? 0 : n;
      const ti = p.theta.length === 1 ? 0 : n;
      const b = p.beta[bi];
      const th = p.theta[ti];
      let a = g.gVT ? g.gVT[m] : 0;
      let gISum = 0;
      for (let t = T - 1; t >= 0; t--) {
        const i = t * M + m;
        if (g.gV) a += g.gV[i];
        const um = saved.u[i];
        const s = saved.spikes[i];
        const d = sg(p.slope, um - th);
        const gs = g.gS ? g.gS[i] : 0;
        const dvdu = p.reset === 1 ? 1 - s : 1;
        const dvds = p.reset === 0 ? -th : p.reset === 1 ? -um : 0;
        const dvdth = p.reset === 0 ? -s : 0;
        const gSpike = gs + (p.detachReset ? 0 : a * dvds);
        const gu = a * dvdu + gSpike * d;
        gTheta[ti] += -gSpike * d + a * dvdth;
        let vprev: number;
        if (t === 0) vprev = saved.v0[m];
        else {
          const up = saved.u[i - M];
          const sp = saved.spikes[i - M];
          vprev = p.reset === 0 ? up - th * sp : p.reset === 1 ? up * (1 - sp) : up;
        }
        gBeta[bi] += gu * vprev;
        if (sh.inputPerStep) gI[i] = gu;
        else gISum += gu;
        a = b * gu;
      }
      if (!sh.inputPerStep) gI[m] = gISum;
      gV0[m] = a;
    }
    return { gI, gV0, gBeta, gTheta };
  },
};

function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('@cristal/spiking: cannot find the package root.');
    dir = up;
  }
  return dir;
}

let selected: LifKernel | null = null;
let addonLoad: { addon: NativeBinding | null; error: string | null } | null = null;

function loadAddon(): { addon: NativeBinding | null; error: string | null } {
  if (!addonLoad) {
    const file = path.join(packageRoot(), 'native', 'build', 'Release', 'cristal_spiking.node');
    try {
      addonLoad = { addon: require(file) as NativeBinding, error: null };
    } catch (error) {
      addonLoad = { addon: null, error: (error as Error).message.split('\n')[0] };
    }
  }
  return addonLoad;
}

/** The loaded native addon (all fused kernels), or null when it is not built. */
export function nativeAddon(): NativeBinding | null {
  return loadAddon().addon;
}

/** The native kernel, or null with the reason when the addon cannot be loaded. */
export function nativeLifKernel(): { kernel: LifKernel | null; error: string | null } {
  const { addon, error } = loadAddon();
  return { kernel: addon ? nativeKernel(addon) : null, error };
}

/** The kernel in use: native unless CRISTAL_SPIKING_KERNEL=js or the addon is not built. */
export function lifKernel(): LifKernel {
  if (selected) return selected;
  const wanted = process.env.CRISTAL_SPIKING_KERNEL ?? 'native';
  if (wanted !== 'native' && wanted !== 'js') throw new Error(`CRISTAL_SPIKING_KERNEL=${wanted}: use "native" (default) or "js".`);
  if (wanted === 'js') return (selected = jsKernel);
  const native = nativeLifKernel();
  if (native.kernel) return (selected = native.kernel);
  process.emitWarning(
    `@cristal/spiking: native kernels unavailable (${native.error}); using the JavaScript kernels, which are much slower. ` +
      'Run `npm run build:native` to build them.',
    { code: 'CRISTAL_SPIKING_JS_KERNEL' },
  );
  return (selected = jsKernel);
}
