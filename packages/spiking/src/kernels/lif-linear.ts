import { tf, type Tensor } from '@cristal/tensor';
import { parameterVector, readCopy, readView, registerFusedKernel, runFusedKernel, writeOutput, type Backend, type ForwardKernel } from './fused-kernel';
import { SURROGATE_IDS, surrogate as makeSurrogate, type Surrogate } from '../surrogate/surrogates';
import { RESET_IDS, type ResetMode } from './lif-kernel';
import { lifLinearKernel, type LinearShape } from './lif-linear-kernel';
import { gradientsRecording, releaseBuffer } from './buffer-pool';

export interface LifLinearOptions {
  /** Time steps; required when `current` is [B, N]. */
  steps?: number;
  reset?: ResetMode;
  surrogate?: Surrogate;
  detachReset?: boolean;
}

export interface LifLinearResult {
  /** s_t W for every step: [T, B, K], the next layer's input current (add its bias outside). */
  output: Tensor;
  /** [B, N] membrane after the last step. */
  finalMembrane: Tensor;
  /** [T] total spikes of the layer at each step (for accounting; no gradient). */
  spikeCounts: Tensor;
}

export const LIF_LINEAR_KERNEL = 'CristalLifLinear';

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
  shape: LinearShape;
  v0: Float32Array;
  beta: Float32Array;
  theta: Float32Array;
  W: Float32Array;
  u: Float32Array;
}
const savedByOutput = new WeakMap<object, Saved>();

const forwardKernel: ForwardKernel = ({ inputs, backend, attrs }) => {
  const be = backend as Backend;
  const a = attrs as Attrs;
  const perStep = inputs.current.shape.length === 3;
  const [B, N] = inputs.v0.shape;
  const K = inputs.weight.shape[1];
  const shape: LinearShape = { T: a.steps, B, N, K, inputPerStep: perStep };
  const v0 = readCopy(be, inputs.v0);
  const beta = readCopy(be, inputs.beta);
  const theta = readCopy(be, inputs.theta);
  const W = readCopy(be, inputs.weight);
  const r = lifLinearKernel().forward(shape, readView(be, inputs.current), v0, beta, theta, a.reset, W);
  const out = writeOutput(be, [a.steps, B, K], r.out);
  if (gradientsRecording()) savedByOutput.set(out.dataId, { shape, v0, beta, theta, W, u: r.u });
  else releaseBuffer(r.u);
  return [
    out,
    writeOutput(be, [B, N], r.vT),
    writeOutput(be, [a.steps], Float32Array.from(r.spikeCount)),
  ];
};

function gradient(dys: Tensor[], saved: Tensor[], attrs: unknown): Record<string, () => Tensor> {
  const [dOut, dVT] = dys;
  const a = attrs as unknown as Attrs;
  const s = savedByOutput.get(saved[0].dataId);
  if (!s) throw new Error('lifLinear backward: the forward pass state is gone (was the output disposed before the gradient?).');
  const g = lifLinearKernel().backward(
    s.shape,
    { beta: s.beta, theta: s.theta, reset: a.reset, surrogate: a.surrogate, slope: a.slope, detachReset: a.detachReset },
    { v0: s.v0, W: s.W, u: s.u },
    dOut.dataSync() as Float32Array,
    dVT.dataSync() as Float32Array,
  );
  // One backward per forward: the saved membrane goes back to the pool.
  savedByOutput.delete(saved[0].dataId);
  releaseBuffer(s.u);
  const { T, B, N, K } = s.shape;
  return {
    current: () => tf.tensor(g.gI, s.shape.inputPerStep ? [T, B, N] : [B, N]),
    v0: () => tf.tensor2d(g.gV0, [B, N]),
    beta: () => tf.tensor(Float32Array.from(g.gBeta), a.betaScalar ? [] : [s.beta.length]),
    theta: () => tf.tensor(Float32Array.from(g.gTheta), a.thetaScalar ? [] : [s.theta.length]),
    weight: () => tf.tensor2d(Float32Array.from(g.gW), [N, K]),
  };
}

function register(): void {
  registerFusedKernel(LIF_LINEAR_KERNEL, forwardKernel, gradient);
}

/**
 * A LIF layer and its outgoing dense projection in one fused kernel: out_t = s_t W with
 * u_t = beta v_{t-1} + I_t, s_t = H(u_t - threshold) and the reset of `lifScan`. Equal to
 * `matMul(lifScan(...).spikes, W)`, without ever materialising the [T, B, N] spikes: the projection
 * is event-driven (one row of W per spike, a synaptic operation) and dL/ds = dL/dout W^T is formed
 * inside the backward scan. Gradients reach current, v0, beta, threshold and weight [N, K].
 */
export function lifLinear(
  current: Tensor,
  weight: Tensor,
  beta: Tensor | number,
  threshold: Tensor | number,
  v0: Tensor | null = null,
  options: LifLinearOptions = {},
): LifLinearResult {
  register();
  const { reset = 'subtract', detachReset = false } = options;
  const sg = options.surrogate ?? makeSurrogate();
  if (!(reset in RESET_IDS)) throw new Error(`reset must be "subtract", "zero" or "none", got "${reset as string}".`);
  const perStep = current.rank === 3;
  if (!perStep && current.rank !== 2) throw new Error(`current must be [T, B, N] or [B, N], got shape [${current.shape.join(', ')}].`);
  const T = perStep ? (current.shape[0] as number) : options.steps;
  if (!Number.isInteger(T) || (T as number) < 1) throw new Error(`steps must be a positive integer (it is required for [B, N] currents), got ${T}.`);
  const [B, N] = current.shape.slice(perStep ? 1 : 0) as [number, number];
  if (weight.rank !== 2 || weight.shape[0] !== N) throw new Error(`weight must be [${N}, K] (one row per neuron), got [${weight.shape.join(', ')}].`);
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
  const [output, finalMembrane, spikeCounts] = runFusedKernel(LIF_LINEAR_KERNEL, { current, v0: v0T, beta: betaT, theta: thetaT, weight }, attrs);
  if (!v0) v0T.dispose();
  if (typeof beta === 'number') betaT.dispose();
  if (typeof threshold === 'number') thetaT.dispose();
  return { output, finalMembrane, spikeCounts };
}
