import { SURROGATE_IDS, surrogateDerivative, type SurrogateKind } from '../surrogate/surrogates';
import { nativeAddon, type ScanShape } from './lif-kernel';
import { NATIVE_THREADS } from './native-threads';

/**
 * The fused ALIF scan on plain float buffers, as in native/alif_scan.h. Per element, with a_t the
 * adaptation carried into step t:
 *   theta_t = theta0 + b a_t,  u_t = beta v_{t-1} + I_t,  s_t = H(u_t - theta_t),
 *   v_t = reset(u_t, s_t, theta_t),  a_{t+1} = rho a_t + s_t
 * Buffers are [T, M] row-major with M = batch x neurons; each parameter has length 1 or N and
 * broadcasts by m % N. Two implementations: the native addon, and a statement-for-statement
 * JavaScript port used when the addon is absent or CRISTAL_SPIKING_KERNEL=js.
 */

export interface AlifParamBuffers {
  beta: Float32Array;
  theta: Float32Array;
  rho: Float32Array;
  b: Float32Array;
}

export interface AlifForwardOut {
  spikes: Float32Array;
  /** Pre-reset membrane [T, M]. */
  u: Float32Array;
  /** Adaptation used at each step, a_t [T, M] (the backward pass needs it). */
  a: Float32Array;
  /** Post-reset membrane [T, M], when asked for. */
  v: Float32Array | null;
  /** Threshold theta_t [T, M], when asked for. */
  th: Float32Array | null;
  vT: Float32Array;
  /** a_{T+1}: the adaptation to carry into the next window. */
  aT: Float32Array;
}

export interface AlifGradients {
  gI: Float32Array;
  gV0: Float32Array;
  gA0: Float32Array;
  gBeta: Float64Array;
  gTheta: Float64Array;
  gRho: Float64Array;
  gB: Float64Array;
}

export interface AlifBackwardParams extends AlifParamBuffers {
  reset: number;
  surrogate: number;
  slope: number;
  detachReset: boolean;
}

export interface AlifKernel {
  name: 'native' | 'js';
  forward(
    shape: ScanShape,
    current: Float32Array,
    v0: Float32Array,
    a0: Float32Array,
    p: AlifParamBuffers,
    reset: number,
    want: { membrane: boolean; thresholds: boolean },
  ): AlifForwardOut;
  backward(
    shape: ScanShape,
    p: AlifBackwardParams,
    saved: { v0: Float32Array; spikes: Float32Array; u: Float32Array; a: Float32Array },
    grads: { gS: Float32Array | null; gV: Float32Array | null; gTh: Float32Array | null; gVT: Float32Array | null; gAT: Float32Array | null },
  ): AlifGradients;
}

interface AlifBinding {
  alifForward?: (...args: unknown[]) => void;
  alifBackward?: (...args: unknown[]) => void;
}

function nativeKernel(binding: Required<AlifBinding>): AlifKernel {
  return {
    name: 'native',
    forward(sh, current, v0, a0, p, reset, want) {
      const TM = sh.T * sh.M;
      const out: AlifForwardOut = {
        spikes: new Float32Array(TM),
        u: new Float32Array(TM),
        a: new Float32Array(TM),
        v: want.membrane ? new Float32Array(TM) : null,
        th: want.thresholds ? new Float32Array(TM) : null,
        vT: new Float32Array(sh.M),
        aT: new Float32Array(sh.M),
      };
      binding.alifForward(sh.T, sh.M, sh.N, sh.inputPerStep, current, v0, a0, p.beta, p.theta, p.rho, p.b, reset, out.spikes, out.u, out.a, out.v, out.th, out.vT, out.aT, NATIVE_THREADS);
      return out;
    },
    backward(sh, p, saved, g) {
      const out: AlifGradients = {
        gI: new Float32Array(sh.inputPerStep ? sh.T * sh.M : sh.M),
        gV0: new Float32Array(sh.M),
        gA0: new Float32Array(sh.M),
        gBeta: new Float64Array(p.beta.length),
        gTheta: new Float64Array(p.theta.length),
        gRho: new Float64Array(p.rho.length),
        gB: new Float64Array(p.b.length),
      };
      binding.alifBackward(
        sh.T, sh.M, sh.N, sh.inputPerStep, p.beta, p.theta, p.rho, p.b, p.reset, p.surrogate, p.slope, p.detachReset,
        saved.v0, saved.spikes, saved.u, saved.a, g.gS, g.gV, g.gTh, g.gVT, g.gAT,
        out.gI, out.gV0, out.gA0, out.gBeta, out.gTheta, out.gRho, out.gB, NATIVE_THREADS,
      );
      return out;
    },
  };
}

const KIND_BY_ID = Object.fromEntries(Object.entries(SURROGATE_IDS).map(([kind, id]) => [id, kind as SurrogateKind])) as Record<number, SurrogateKind>;

const f = Math.fround;

/** Post-reset membrane; Math.fround after every operation reproduces the float32 arithmetic of the C++. */
function resetValue(reset: number, u: number, s: number, theta: number): number {
  return reset === 0 ? f(u - f(theta * s)) : reset === 1 ? f(u * (1 - s)) : u;
}

/** The JavaScript port of native/alif_scan.cc, statement for statement (forward in float32, backward in float64). */
export const jsAlifKernel: AlifKernel = {
  name: 'js',
  forward(sh, current, v0, a0, p, reset, want) {
    const { T, M, N } = sh;
    const TM = T * M;
    const out: AlifForwardOut = {
      spikes: new Float32Array(TM),
      u: new Float32Array(TM),
      a: new Float32Array(TM),
      v: want.membrane ? new Float32Array(TM) : null,
      th: want.thresholds ? new Float32Array(TM) : null,
      vT: new Float32Array(M),
      aT: new Float32Array(M),
    };
    for (let m = 0; m < M; m++) {
      const n = m % N;
      const beta = p.beta[p.beta.length === 1 ? 0 : n];
      const theta = p.theta[p.theta.length === 1 ? 0 : n];
      const rho = p.rho[p.rho.length === 1 ? 0 : n];
      const b = p.b[p.b.length === 1 ? 0 : n];
      let vm = v0[m];
      let am = a0[m];
      for (let t = 0; t < T; t++) {
        const i = t * M + m;
        const th = f(theta + f(b * am));
        const um = f(f(beta * vm) + current[sh.inputPerStep ? i : m]);
        const s = um > th ? 1 : 0;
        out.spikes[i] = s;
        out.u[i] = um;
        out.a[i] = am;
        if (out.th) out.th[i] = th;
        vm = resetValue(reset, um, s, th);
        am = f(f(rho * am) + s);
        if (out.v) out.v[i] = vm;
      }
      out.vT[m] = vm;
      out.aT[m] = am;
    }
    return out;
  },
  backward(sh, p, saved, g) {
    const { T, M, N } = sh;
    const kind = KIND_BY_ID[p.surrogate] ?? 'straightThrough';
    const sg = { kind, slope: p.slope };
    const out: AlifGradients = {
      gI: new Float32Array(sh.inputPerStep ? T * M : M),
      gV0: new Float32Array(M),
      gA0: new Float32Array(M),
      gBeta: new Float64Array(p.beta.length),
      gTheta: new Float64Array(p.theta.length),
      gRho: new Float64Array(p.rho.length),
      gB: new Float64Array(p.b.length),
    };
    for (let m = 0; m < M; m++) {
      const n = m % N;
      const bi = p.beta.length === 1 ? 0 : n;
      const ti = p.theta.length === 1 ? 0 : n;
      const ri = p.rho.length === 1 ? 0 : n;
      const ji = p.b.length === 1 ? 0 : n;
      const beta = p.beta[bi];
      const theta = p.theta[ti];
      const rho = p.rho[ri];
      const b = p.b[ji];
      let gv = g.gVT ? g.gVT[m] : 0; // dL/dv_t from step t + 1
      let ga = g.gAT ? g.gAT[m] : 0; // dL/da_{t+1} from step t + 1
      let gISum = 0;
      for (let t = T - 1; t >= 0; t--) {
        const i = t * M + m;
        if (g.gV) gv += g.gV[i];
        const um = saved.u[i];
        const s = saved.spikes[i];
        const at = saved.a[i];
        const th = f(theta + f(b * at));
        const d = surrogateDerivative(sg, um - th);
        const dvdu = p.reset === 1 ? 1 - s : 1;
        const dvds = p.reset === 0 ? -th : p.reset === 1 ? -um : 0;
        const dvdth = p.reset === 0 ? -s : 0;
        const gSpike = (g.gS ? g.gS[i] : 0) + (p.detachReset ? 0 : gv * dvds) + ga;
        const gu = gv * dvdu + gSpike * d;
        const gth = (g.gTh ? g.gTh[i] : 0) + gv * dvdth - gSpike * d;
        out.gTheta[ti] += gth;
        out.gB[ji] += gth * at;
        out.gRho[ri] += ga * at;
        let vprev: number;
        if (t === 0) vprev = saved.v0[m];
        else {
          const ap = saved.a[i - M];
          vprev = resetValue(p.reset, saved.u[i - M], saved.spikes[i - M], f(theta + f(b * ap)));
        }
        out.gBeta[bi] += gu * vprev;
        if (sh.inputPerStep) out.gI[i] = gu;
        else gISum += gu;
        gv = beta * gu;
        ga = rho * ga + b * gth;
      }
      if (!sh.inputPerStep) out.gI[m] = gISum;
      out.gV0[m] = gv;
      out.gA0[m] = ga;
    }
    return out;
  },
};

let selected: AlifKernel | null = null;

/** The native ALIF kernel, or null with the reason (addon not built, or built before ALIF existed). */
export function nativeAlifKernel(): { kernel: AlifKernel | null; error: string | null } {
  const addon = nativeAddon() as AlifBinding | null;
  if (!addon) return { kernel: null, error: 'the native addon is not built' };
  if (typeof addon.alifForward !== 'function' || typeof addon.alifBackward !== 'function') {
    return { kernel: null, error: 'the native addon predates the ALIF kernels (rebuild it)' };
  }
  return { kernel: nativeKernel(addon as Required<AlifBinding>), error: null };
}

/** The ALIF kernel in use: native unless CRISTAL_SPIKING_KERNEL=js or the addon lacks it. */
export function alifKernel(): AlifKernel {
  if (selected) return selected;
  const wanted = process.env.CRISTAL_SPIKING_KERNEL ?? 'native';
  if (wanted !== 'native' && wanted !== 'js') throw new Error(`CRISTAL_SPIKING_KERNEL=${wanted}: use "native" (default) or "js".`);
  if (wanted === 'js') return (selected = jsAlifKernel);
  const native = nativeAlifKernel();
  if (native.kernel) return (selected = native.kernel);
  process.emitWarning(
    `@cristal/spiking: native ALIF kernel unavailable (${native.error}); using the JavaScript kernel, which is much slower. ` +
      'Run `npm run build:native` to build it.',
    { code: 'CRISTAL_SPIKING_JS_KERNEL' },
  );
  return (selected = jsAlifKernel);
}
