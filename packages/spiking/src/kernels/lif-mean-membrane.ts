import { tf, type Tensor } from '@cristal/tensor';
import { parameterVector, readCopy, readView, registerFusedKernel, runFusedKernel, writeOutput, type Backend, type ForwardKernel } from './fused-kernel';
import { SURROGATE_IDS } from '../surrogate/surrogates';
import { resolveScanInput } from './scan-input';
import { lifKernel, RESET_IDS, type ScanShape } from './lif-kernel';
import { gradientsRecording, releaseBuffer } from './buffer-pool';
import type { LifScanOptions } from './lif-scan';

export type LifMeanMembraneOptions = Omit<LifScanOptions, 'membrane'>;

export interface LifMeanMembraneResult {
  /** [B, N]: (1/T) sum_t v_t, the post-reset membrane averaged over the steps. */
  mean: Tensor;
  /** [B, N] membrane after the last step. */
  finalMembrane: Tensor;
}

export const LIF_MEAN_MEMBRANE_KERNEL = 'CristalLifMeanMembrane';

interface Attrs {
  steps: number;
  reset: number;
  surrogate: number;
  slope: number;
  detachReset: boolean;
  betaScalar: boolean;
  thetaScalar: boolean;
}

interface Saved {
  shape: ScanShape;
  v0: Float32Array;
  beta: Float32Array;
  theta: Float32Array;
  spikes: Float32Array;
  u: Float32Array;
}
const savedByOutput = new WeakMap<object, Saved>();

const forwardKernel: ForwardKernel = ({ inputs, backend, attrs }) => {
  const be = backend as Backend;
  const a = attrs as Attrs;
  const [B, N] = inputs.v0.shape;
  const M = B * N;
  const shape: ScanShape = { T: a.steps, M, N, inputPerStep: inputs.current.shape.length === 3 };
  const v0 = readCopy(be, inputs.v0);
  const beta = readCopy(be, inputs.beta);
  const theta = readCopy(be, inputs.theta);
  const r = lifKernel().forward(shape, readView(be, inputs.current), v0, beta, theta, a.reset, true);
  const v = r.v as Float32Array;
  const sum = new Float64Array(M);
  for (let t = 0; t < a.steps; t++) for (let m = 0, o = t * M; m < M; m++) sum[m] += v[o + m];
  const mean = new Float32Array(M);
  for (let m = 0; m < M; m++) mean[m] = sum[m] / a.steps;
  const out = writeOutput(be, [B, N], mean);
  if (gradientsRecording()) savedByOutput.set(out.dataId, { shape, v0, beta, theta, spikes: r.spikes, u: r.u });
  else releaseBuffer(r.u);
  return [out, writeOutput(be, [B, N], r.vT)];
};

function gradient(dys: Tensor[], saved: Tensor[], attrs: unknown): Record<string, () => Tensor> {
  const [dMean, dVT] = dys;
  const a = attrs as unknown as Attrs;
  const s = savedByOutput.get(saved[0].dataId);
  if (!s) throw new Error('lifMeanMembrane backward: the forward pass state is gone (was the mean disposed before the gradient?).');
  savedByOutput.delete(saved[0].dataId);
  const { T, M, N } = s.shape;
  const B = M / N;
  // d mean / d v_t = 1/T at every step
  const gMean = dMean.dataSync() as Float32Array;
  const gV = new Float32Array(T * M);
  for (let m = 0; m < M; m++) gV[m] = gMean[m] / T;
  for (let t = 1; t < T; t++) gV.copyWithin(t * M, 0, M);
  const g = lifKernel().backward(
    s.shape,
    { beta: s.beta, theta: s.theta, reset: a.reset, surrogate: a.surrogate, slope: a.slope, detachReset: a.detachReset },
    { v0: s.v0, spikes: s.spikes, u: s.u },
    { gS: null, gV, gVT: dVT.dataSync() as Float32Array },
  );
  releaseBuffer(s.u);
  return {
    current: () => tf.tensor(g.gI, s.shape.inputPerStep ? [T, B, N] : [B, N]),
    v0: () => tf.tensor2d(g.gV0, [B, N]),
    beta: () => tf.tensor(Float32Array.from(g.gBeta), a.betaScalar ? [] : [s.beta.length]),
    theta: () => tf.tensor(Float32Array.from(g.gTheta), a.thetaScalar ? [] : [s.theta.length]),
  };
}

function register(): void {
  registerFusedKernel(LIF_MEAN_MEMBRANE_KERNEL, forwardKernel, gradient);
}

/**
 * The membrane readout of a LIF layer in one fused op (`CristalLifMeanMembrane`): the time-averaged
 * post-reset membrane
 *   mean = (1/T) sum_t v_t,   u_t = beta v_{t-1} + I_t,  s_t = H(u_t - threshold),  v_t = reset(u_t, s_t)
 * as logits for a cross-entropy (snnTorch's "mean membrane" output). Equal to
 * `sum(lifScan(current, ..., { membrane: true }).membrane, 0) / T`, in one TF.js op instead of three,
 * forward and backward (the scan is `lifScan`'s kernel: native, or JavaScript). `current` is
 * [T, B, N], or [B, N] with `options.steps`; gradients reach current, v0, and beta and threshold
 * when they are tensors.
 */
export function lifMeanMembrane(
  current: Tensor,
  beta: Tensor | number,
  threshold: Tensor | number,
  v0: Tensor | null = null,
  options: LifMeanMembraneOptions = {},
): LifMeanMembraneResult {
  register();
  const { reset, detachReset, surrogate: sg, steps: T, batch: B, features: N } = resolveScanInput(current, options, 'current', 'N', 'currents');
  if (v0 && (v0.rank !== 2 || v0.shape[0] !== B || v0.shape[1] !== N)) {
    throw new Error(`v0 must be [${B}, ${N}] like the current, got [${v0.shape.join(', ')}].`);
  }
  const betaT = parameterVector(beta, 'beta', N);
  const thetaT = parameterVector(threshold, 'threshold', N);
  const v0T = v0 ?? tf.zeros([B, N]);
  const attrs: Attrs = {
    steps: T as number,
    reset: RESET_IDS[reset],
    surrogate: SURROGATE_IDS[sg.kind],
    slope: sg.slope,
    detachReset,
    betaScalar: betaT.rank === 0,
    thetaScalar: thetaT.rank === 0,
  };
  const [mean, finalMembrane] = runFusedKernel(LIF_MEAN_MEMBRANE_KERNEL, { current, v0: v0T, beta: betaT, theta: thetaT }, attrs);
  if (!v0) v0T.dispose();
  if (typeof beta === 'number') betaT.dispose();
  if (typeof threshold === 'number') thetaT.dispose();
  return { mean, finalMembrane };
}
