import { tf, type Tensor } from '@cristal/tensor';
import { parameterVector, readCopy, readView, registerFusedKernel, runFusedKernel, writeOutput, type Backend, type ForwardKernel } from './fused-kernel';
import { SURROGATE_IDS, surrogate as makeSurrogate, type Surrogate } from '../surrogate/surrogates';
import { alifKernel } from './alif-kernel';
import { RESET_IDS, type ResetMode, type ScanShape } from './lif-kernel';

export interface AlifScanParameters {
  /** Membrane decay per step, in (0, 1]. */
  beta: Tensor | number;
  /** Baseline threshold theta0. */
  threshold: Tensor | number;
  /** Adaptation decay per step, exp(-dt / tau_a). */
  rho: Tensor | number;
  /** Threshold increase per unit of adaptation (b). */
  adaptation: Tensor | number;
}

export interface AlifScanOptions {
  /** Time steps. Required when `current` is [B, N] (the same current at every step). */
  steps?: number;
  reset?: ResetMode;
  surrogate?: Surrogate;
  /** Treat the reset as a constant in the backward pass. The adaptation path keeps its gradient. Default false. */
  detachReset?: boolean;
  /** Also return the post-reset membrane at every step [T, B, N]. */
  membrane?: boolean;
  /** Also return the threshold theta_t at every step [T, B, N]. */
  thresholds?: boolean;
}

export interface AlifScanResult {
  /** [T, B, N] of 0/1. */
  spikes: Tensor;
  /** [T, B, N] post-reset membrane, when asked for. */
  membrane: Tensor | null;
  /** [T, B, N] threshold theta_t = theta0 + b a_t, when asked for. */
  thresholds: Tensor | null;
  /** [B, N] membrane after the last step. */
  finalMembrane: Tensor;
  /** [B, N] adaptation a_{T+1} = rho a_T + s_T: with finalMembrane, the state for the next window. */
  finalAdaptation: Tensor;
}

export const ALIF_SCAN_KERNEL = 'CristalAlifScan';

interface ScanAttrs {
  steps: number;
  reset: number;
  surrogate: number;
  slope: number;
  detachReset: boolean;
  membrane: boolean;
  thresholds: boolean;
  betaScalar: boolean;
  thetaScalar: boolean;
  rhoScalar: boolean;
  bScalar: boolean;
  [key: string]: number | boolean;
}

/** What the backward pass needs from the forward pass, kept in JavaScript (no copy into TF). */
interface SavedScan {
  shape: ScanShape;
  v0: Float32Array;
  beta: Float32Array;
  theta: Float32Array;
  rho: Float32Array;
  b: Float32Array;
  spikes: Float32Array;
  u: Float32Array;
  a: Float32Array;
}
// Keyed by the spikes output's dataId, which the gradient receives back as its saved output.
const savedByOutput = new WeakMap<object, SavedScan>();

const forwardKernel: ForwardKernel = ({ inputs, backend, attrs }) => {
  const be = backend as Backend;
  const a = attrs as ScanAttrs;
  const perStep = inputs.current.shape.length === 3;
  const [B, N] = inputs.v0.shape;
  const shape: ScanShape = { T: a.steps, M: B * N, N, inputPerStep: perStep };
  const params = { beta: readCopy(be, inputs.beta), theta: readCopy(be, inputs.theta), rho: readCopy(be, inputs.rho), b: readCopy(be, inputs.b) };
  const v0 = readCopy(be, inputs.v0);
  const a0 = readCopy(be, inputs.a0);
  const current = readView(be, inputs.current);
  const out = alifKernel().forward(shape, current, v0, a0, params, a.reset, { membrane: a.membrane, thresholds: a.thresholds });
  const seq = [shape.T, B, N];
  const spikes = writeOutput(be, seq, out.spikes);
  savedByOutput.set(spikes.dataId, { shape, v0, ...params, spikes: out.spikes, u: out.u, a: out.a });
  return [
    spikes,
    writeOutput(be, out.v ? seq : [0], out.v ?? new Float32Array(0)),
    writeOutput(be, out.th ? seq : [0], out.th ?? new Float32Array(0)),
    writeOutput(be, [B, N], out.vT),
    writeOutput(be, [B, N], out.aT),
  ];
};

function gradient(dys: Tensor[], saved: Tensor[], attrs: unknown): Record<string, () => Tensor> {
  const [dS, dV, dTh, dVT, dAT] = dys as Tensor[];
  const a = attrs as unknown as ScanAttrs;
  const s = savedByOutput.get(saved[0].dataId);
  if (!s) throw new Error('alifScan backward: the forward pass state is gone (was the spikes tensor disposed before the gradient?).');
  const g = alifKernel().backward(
    s.shape,
    { beta: s.beta, theta: s.theta, rho: s.rho, b: s.b, reset: a.reset, surrogate: a.surrogate, slope: a.slope, detachReset: a.detachReset },
    { v0: s.v0, spikes: s.spikes, u: s.u, a: s.a },
    {
      gS: dS.dataSync() as Float32Array,
      gV: a.membrane ? (dV.dataSync() as Float32Array) : null,
      gTh: a.thresholds ? (dTh.dataSync() as Float32Array) : null,
      gVT: dVT.dataSync() as Float32Array,
      gAT: dAT.dataSync() as Float32Array,
    },
  );
  const [B, N] = dVT.shape as [number, number];
  const paramShape = (values: Float64Array, scalar: boolean) => (values.length === 1 && scalar ? [] : [values.length]);
  return {
    current: () => tf.tensor(g.gI, s.shape.inputPerStep ? [s.shape.T, B, N] : [B, N]),
    v0: () => tf.tensor2d(g.gV0, [B, N]),
    a0: () => tf.tensor2d(g.gA0, [B, N]),
    beta: () => tf.tensor(Float32Array.from(g.gBeta), paramShape(g.gBeta, a.betaScalar)),
    theta: () => tf.tensor(Float32Array.from(g.gTheta), paramShape(g.gTheta, a.thetaScalar)),
    rho: () => tf.tensor(Float32Array.from(g.gRho), paramShape(g.gRho, a.rhoScalar)),
    b: () => tf.tensor(Float32Array.from(g.gB), paramShape(g.gB, a.bScalar)),
  };
}

function register(): void {
  registerFusedKernel(ALIF_SCAN_KERNEL, forwardKernel, gradient);
}


function checkState(t: Tensor | null | undefined, name: string, B: number, N: number): void {
  if (t && (t.rank !== 2 || t.shape[0] !== B || t.shape[1] !== N)) throw new Error(`${name} must be [${B}, ${N}] like the current, got [${t.shape.join(', ')}].`);
}

/**
 * A whole sequence through a layer of adaptive-threshold LIF neurons (see `alifStep`) in one fused
 * kernel call, forward and backward, registered as the TF.js kernel `CristalAlifScan` with its gradient:
 *   theta_t = theta0 + b a_t;  u_t = beta v_{t-1} + I_t;  s_t = H(u_t - theta_t);
 *   v_t = u_t - theta_t s_t (subtract), (1 - s_t) u_t (zero) or u_t (none);  a_{t+1} = rho a_t + s_t
 * `current` is [T, B, N], or [B, N] with `steps`. `initial` holds v [B, N] and a [B, N] (default
 * zeros). Every parameter is a number, a scalar or a per-neuron vector [N]; tensors receive gradients
 * (learnable), as do `current`, `initial.v` and `initial.a`. Same numbers as `alifStep` applied T times.
 */
export function alifScan(current: Tensor, params: AlifScanParameters, initial: { v?: Tensor | null; a?: Tensor | null } | null = null, options: AlifScanOptions = {}): AlifScanResult {
  register();
  const { reset = 'subtract', detachReset = false, membrane = false, thresholds = false } = options;
  const sg = options.surrogate ?? makeSurrogate();
  if (!(reset in RESET_IDS)) throw new Error(`reset must be "subtract", "zero" or "none", got "${reset as string}".`);
  const perStep = current.rank === 3;
  if (!perStep && current.rank !== 2) throw new Error(`current must be [T, B, N] or [B, N], got shape [${current.shape.join(', ')}].`);
  const T = perStep ? (current.shape[0] as number) : options.steps;
  if (!Number.isInteger(T) || (T as number) < 1) throw new Error(`steps must be a positive integer (it is required for [B, N] currents), got ${T}.`);
  if (current.dtype !== 'float32') throw new Error(`current must be float32, got ${current.dtype}.`);
  const [B, N] = current.shape.slice(perStep ? 1 : 0) as [number, number];
  checkState(initial?.v, 'initial.v', B, N);
  checkState(initial?.a, 'initial.a', B, N);
  const owned: Tensor[] = [];
  const vector = (x: Tensor | number, name: string) => {
    const t = parameterVector(x, name, N);
    if (typeof x === 'number') owned.push(t);
    return t;
  };
  const inputs = {
    current,
    v0: initial?.v ?? tf.zeros([B, N]),
    a0: initial?.a ?? tf.zeros([B, N]),
    beta: vector(params.beta, 'beta'),
    theta: vector(params.threshold, 'threshold'),
    rho: vector(params.rho, 'rho'),
    b: vector(params.adaptation, 'adaptation'),
  };
  if (!initial?.v) owned.push(inputs.v0);
  if (!initial?.a) owned.push(inputs.a0);
  const attrs: ScanAttrs = {
    steps: T as number,
    reset: RESET_IDS[reset],
    surrogate: SURROGATE_IDS[sg.kind],
    slope: sg.slope,
    detachReset,
    membrane,
    thresholds,
    betaScalar: inputs.beta.rank === 0,
    thetaScalar: inputs.theta.rank === 0,
    rhoScalar: inputs.rho.rank === 0,
    bScalar: inputs.b.rank === 0,
  };
  const [spikes, mem, th, finalMembrane, finalAdaptation] = runFusedKernel(ALIF_SCAN_KERNEL, inputs, attrs);
  tf.dispose(owned);
  if (!membrane) mem.dispose();
  if (!thresholds) th.dispose();
  return { spikes, membrane: membrane ? mem : null, thresholds: thresholds ? th : null, finalMembrane, finalAdaptation };
}
