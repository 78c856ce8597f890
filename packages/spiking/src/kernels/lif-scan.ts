import { tf, type Tensor } from '@cristal/tensor';
import { parameterVector, readCopy, readView, registerFusedKernel, runFusedKernel, writeOutput, type Backend, type ForwardKernel, type TensorInfo } from './fused-kernel';
import { SURROGATE_IDS, type Surrogate } from '../surrogate/surrogates';
import { resolveScanInput } from './scan-input';
import { lifKernel, RESET_IDS, type ResetMode, type ScanShape } from './lif-kernel';
import { gradientsRecording, releaseBuffer } from './buffer-pool';

export interface LifScanOptions {
  /** Time steps. Required when `current` is [B, N] (the same current at every step). */
  steps?: number;
  reset?: ResetMode;
  surrogate?: Surrogate;
  /** Treat the reset as a constant in the backward pass (snnTorch's default). Default false. */
  detachReset?: boolean;
  /** Also return the post-reset membrane at every step [T, B, N] (for membrane readouts). */
  membrane?: boolean;
}

export interface LifScanResult {
  /** [T, B, N] of 0/1. */
  spikes: Tensor;
  /** [T, B, N] post-reset membrane, when asked for. */
  membrane: Tensor | null;
  /** [B, N] membrane after the last step: the state to carry into the next window. */
  finalMembrane: Tensor;
}

export const LIF_SCAN_KERNEL = 'CristalLifScan';

interface ScanAttrs {
  steps: number;
  reset: number;
  surrogate: number;
  slope: number;
  detachReset: boolean;
  membrane: boolean;
  [key: string]: number | boolean;
}

/** What the backward pass needs from the forward pass, kept in JavaScript (no copy into TF). */
interface SavedScan {
  shape: ScanShape;
  v0: Float32Array;
  beta: Float32Array;
  theta: Float32Array;
  spikes: Float32Array;
  u: Float32Array;
}
const savedByOutput = new WeakMap<object, SavedScan>();

function scanShape(current: TensorInfo, steps: number): ScanShape {
  const perStep = current.shape.length === 3;
  const [B, N] = current.shape.slice(perStep ? 1 : 0);
  return { T: steps, M: B * N, N, inputPerStep: perStep };
}

const forwardKernel: ForwardKernel = ({ inputs, backend, attrs }) => {
  const be = backend as Backend;
  const a = attrs as ScanAttrs;
  const shape = scanShape(inputs.current, a.steps);
  const saved = { shape, v0: readCopy(be, inputs.v0), beta: readCopy(be, inputs.beta), theta: readCopy(be, inputs.theta) };
  const current = readView(be, inputs.current);
  const out = lifKernel().forward(shape, current, saved.v0, saved.beta, saved.theta, a.reset, a.membrane);
  const [B, N] = inputs.v0.shape;
  const spikes = writeOutput(be, [shape.T, B, N], out.spikes);
  if (gradientsRecording()) savedByOutput.set(spikes.dataId, { ...saved, spikes: out.spikes, u: out.u });
  else releaseBuffer(out.u);
  return [
    spikes,
    writeOutput(be, out.v ? [shape.T, B, N] : [0], out.v ?? new Float32Array(0)),
    writeOutput(be, [B, N], out.vT),
  ];
};

function gradient(dys: Tensor[], saved: Tensor[], attrs: unknown): Record<string, () => Tensor> {
  const [dS, dV, dVT] = dys;
  const a = attrs as unknown as ScanAttrs;
  const s = savedByOutput.get(saved[0].dataId);
  if (!s) throw new Error('lifScan backward: the forward pass state is gone (was the spikes tensor disposed before the gradient?).');
  const g = lifKernel().backward(
    s.shape,
    { beta: s.beta, theta: s.theta, reset: a.reset, surrogate: a.surrogate, slope: a.slope, detachReset: a.detachReset },
    { v0: s.v0, spikes: s.spikes, u: s.u },
    { gS: dS.dataSync() as Float32Array, gV: a.membrane ? (dV.dataSync() as Float32Array) : null, gVT: dVT.dataSync() as Float32Array },
  );
  savedByOutput.delete(saved[0].dataId);
  releaseBuffer(s.u);
  const [B, N] = dVT.shape as [number, number];
  const betaShape = s.beta.length === 1 && a.betaScalar ? [] : [s.beta.length];
  const thetaShape = s.theta.length === 1 && a.thetaScalar ? [] : [s.theta.length];
  return {
    current: () => tf.tensor(g.gI, s.shape.inputPerStep ? [s.shape.T, B, N] : [B, N]),
    v0: () => tf.tensor2d(g.gV0, [B, N]),
    beta: () => tf.tensor(Float32Array.from(g.gBeta), betaShape),
    theta: () => tf.tensor(Float32Array.from(g.gTheta), thetaShape),
  };
}

function register(): void {
  registerFusedKernel(LIF_SCAN_KERNEL, forwardKernel, gradient);
}


/**
 * A whole sequence through a layer of LIF neurons in one fused kernel call, forward and backward,
 * registered as a TF.js kernel (`CristalLifScan`) with its gradient:
 *   u_t = beta v_{t-1} + I_t;  s_t = H(u_t - threshold);  v_t = u_t - threshold s_t (subtract),
 *   (1 - s_t) u_t (zero) or u_t (none)
 * `current` is [T, B, N], or [B, N] with `steps` (one current for every step, as for direct-current
 * input). `v0` [B, N] (default zeros). `beta` and `threshold` are numbers, scalars or per-neuron
 * vectors [N]; tensors receive gradients (learnable decay and threshold), as do `current` and `v0`.
 * Same numbers as `lifStep` applied T times.
 */
export function lifScan(current: Tensor, beta: Tensor | number, threshold: Tensor | number, v0: Tensor | null = null, options: LifScanOptions = {}): LifScanResult {
  register();
  const { membrane = false } = options;
  const { reset, detachReset, surrogate: sg, steps: T, batch: B, features: N } = resolveScanInput(current, options, 'current', 'N', 'currents');
  if (v0 && (v0.rank !== 2 || v0.shape[0] !== B || v0.shape[1] !== N)) {
    throw new Error(`v0 must be [${B}, ${N}] like the current, got [${v0.shape.join(', ')}].`);
  }
  const betaT = parameterVector(beta, 'beta', N);
  const thetaT = parameterVector(threshold, 'threshold', N);
  const v0T = v0 ?? tf.zeros([B, N]);
  const attrs: ScanAttrs & { betaScalar: boolean; thetaScalar: boolean } = {
    steps: T as number,
    reset: RESET_IDS[reset],
    surrogate: SURROGATE_IDS[sg.kind],
    slope: sg.slope,
    detachReset,
    membrane,
    betaScalar: betaT.rank === 0,
    thetaScalar: thetaT.rank === 0,
  };
  const [spikes, mem, finalMembrane] = runFusedKernel(LIF_SCAN_KERNEL, { current, v0: v0T, beta: betaT, theta: thetaT }, attrs);
  if (!v0) v0T.dispose();
  if (typeof beta === 'number') betaT.dispose();
  if (typeof threshold === 'number') thetaT.dispose();
  if (!membrane) mem.dispose();
  return { spikes, membrane: membrane ? mem : null, finalMembrane };
}
