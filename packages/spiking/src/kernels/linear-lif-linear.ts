import { tf, type Tensor } from '@cristal/tensor';
import { parameterVector, readView, registerFusedKernel, runFusedKernel, writeOutput, type Backend, type ForwardKernel } from './fused-kernel';
import { SURROGATE_IDS } from '../surrogate/surrogates';
import { resolveScanInput } from './scan-input';
import { RESET_IDS } from './lif-kernel';
import { lifLinearKernel, type LinearShape } from './lif-linear-kernel';
import { gemmKernel } from './gemm-kernel';
import { acquireBuffer, gradientsRecording, releaseBuffer } from './buffer-pool';
import { lentTensor, takeLendableBuffer } from './lent-buffer-pool';
import type { LifLinearOptions, LifLinearResult } from './lif-linear';

/** The two projections around the LIF neurons of `linearLifLinear`. */
export interface LinearLifLinearWeights {
  /** [D, N]: input features to the neurons' currents. */
  inputWeight: Tensor;
  /** [N], or null (none). */
  inputBias?: Tensor | null;
  /** [N, K]: spikes to the next layer's currents. */
  outputWeight: Tensor;
  /** [K], or null (none). */
  outputBias?: Tensor | null;
}

export const LINEAR_LIF_LINEAR_KERNEL = 'CristalLinearLifLinear';

interface Attrs {
  steps: number;
  reset: number;
  surrogate: number;
  slope: number;
  detachReset: boolean;
  betaScalar: boolean;
  thetaScalar: boolean;
  /** beta or threshold was given as a tensor: compute their gradients. */
  paramGrads: boolean;
  /** v0 was given: compute its gradient. */
  hasV0: boolean;
}

interface Saved {
  shape: LinearShape;
  /** Input features. */
  D: number;
  /** The neurons' input current x W_in + b_in (pooled): the backward pass replays the scan from it. */
  current: Float32Array;
}
const savedByOutput = new WeakMap<object, Saved>();

/** Rows of the input: B, or T x B when the input is given per step. */
const inputRows = (sh: LinearShape) => (sh.inputPerStep ? sh.T * sh.B : sh.B);

const forwardKernel: ForwardKernel = ({ inputs, backend, attrs }) => {
  const be = backend as Backend;
  const a = attrs as Attrs;
  const perStep = inputs.x.shape.length === 3;
  const D = inputs.x.shape[perStep ? 2 : 1];
  const [B, N] = inputs.v0.shape;
  const K = inputs.outputWeight.shape[1];
  const shape: LinearShape = { T: a.steps, B, N, K, inputPerStep: perStep };
  const rows = inputRows(shape);
  // I = x W_in + b_in: the bias rows first, then the product accumulated onto them
  const current = acquireBuffer(rows * N);
  const inputBias = readView(be, inputs.inputBias);
  for (let r = 0; r < rows; r++) current.set(inputBias, r * N);
  gemmKernel().gemm(rows, N, D, readView(be, inputs.x), false, readView(be, inputs.inputWeight), false, current, true);
  const r = lifLinearKernel().forward(
    shape,
    current,
    readView(be, inputs.v0),
    readView(be, inputs.beta),
    readView(be, inputs.theta),
    a.reset,
    readView(be, inputs.outputWeight),
    readView(be, inputs.outputBias),
  );
  const out = writeOutput(be, [a.steps, B, K], r.out);
  if (gradientsRecording()) savedByOutput.set(out.dataId, { shape, D, current });
  else releaseBuffer(current);
  return [out, writeOutput(be, [B, N], r.vT), writeOutput(be, [a.steps], Float32Array.from(r.spikeCount))];
};

// dL/dI of the latest backward pass. The closures returned by `gradient` read it, and TF.js calls
// them right after `gradient` returns, before the next node's gradient: so it goes back to the pool
// at the start of the next backward pass of this kernel (dx is the one closure that may never be
// called, and it is what needs dL/dI after `gradient` returns).
let pendingInputGradient: Float32Array | null = null;

/** Sums of the rows of a [rows, cols] array, in double. */
function columnSums(x: Float32Array, rows: number, cols: number): Float32Array {
  const sums = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0, o = r * cols; c < cols; c++) sums[c] += x[o + c];
  return Float32Array.from(sums);
}

function gradient(dys: Tensor[], saved: Tensor[], attrs: unknown): Record<string, () => Tensor> {
  const [dOut, dVT] = dys;
  const [x, inputWeight, outputWeight, v0, beta, theta, out] = saved;
  const a = attrs as unknown as Attrs;
  const s = savedByOutput.get(out.dataId);
  if (!s) throw new Error('linearLifLinear backward: the forward pass state is gone (was the output disposed before the gradient?).');
  savedByOutput.delete(out.dataId);
  if (pendingInputGradient) releaseBuffer(pendingInputGradient);
  const { T, B, N, K } = s.shape;
  const rows = inputRows(s.shape);
  const gOut = dOut.dataSync() as Float32Array;
  const betaValues = beta.dataSync() as Float32Array;
  const thetaValues = theta.dataSync() as Float32Array;
  const wOut = outputWeight.dataSync() as Float32Array;
  const g = lifLinearKernel().backward(
    s.shape,
    { beta: betaValues, theta: thetaValues, reset: a.reset, surrogate: a.surrogate, slope: a.slope, detachReset: a.detachReset, paramGrads: a.paramGrads },
    { current: s.current, v0: v0.dataSync() as Float32Array, W: wOut },
    gOut,
    dVT.dataSync() as Float32Array,
    a.hasV0 ? { gI: acquireBuffer(rows * N), inputBias: true } : { gI: acquireBuffer(rows * N), gV0: null, inputBias: true },
  );
  releaseBuffer(s.current); // one backward per forward
  const gI = g.gI;
  pendingInputGradient = gI;
  const D = s.D;
  const xShape = s.shape.inputPerStep ? [T, B, D] : [B, D];
  return {
    x: () => {
      const dx = takeLendableBuffer(rows * D);
      gemmKernel().gemm(rows, D, N, gI, false, inputWeight.dataSync() as Float32Array, true, dx, false);
      return lentTensor(dx, xShape);
    },
    inputWeight: () => {
      const dW = takeLendableBuffer(D * N);
      gemmKernel().gemm(D, N, rows, x.dataSync() as Float32Array, true, gI, false, dW, false);
      return lentTensor(dW, [D, N]);
    },
    inputBias: () => tf.tensor1d(Float32Array.from(g.gInputBias as Float64Array)),
    outputWeight: () => tf.tensor2d(Float32Array.from(g.gW), [N, K]),
    outputBias: () => tf.tensor1d(columnSums(gOut, T * B, K)),
    v0: () => tf.tensor2d(g.gV0 ?? new Float32Array(B * N), [B, N]),
    beta: () => tf.tensor(Float32Array.from(g.gBeta), a.betaScalar ? [] : [betaValues.length]),
    theta: () => tf.tensor(Float32Array.from(g.gTheta), a.thetaScalar ? [] : [thetaValues.length]),
  };
}

function register(): void {
  registerFusedKernel(LINEAR_LIF_LINEAR_KERNEL, forwardKernel, gradient, ['x', 'inputWeight', 'outputWeight', 'v0', 'beta', 'theta']);
}

function checkFloat(t: Tensor, name: string, shape: number[]): void {
  if (t.dtype !== 'float32') throw new Error(`${name} must be float32, got ${t.dtype}.`);
  if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${name} must be [${shape.join(', ')}], got [${t.shape.join(', ')}].`);
  }
}

/**
 * A spiking hidden layer between two dense projections, forward and backward in one fused kernel
 * (`CristalLinearLifLinear`):
 *   I_t = x_t W_in + b_in;  u_t = beta v_{t-1} + I_t;  s_t = H(u_t - threshold);  reset as `lifScan`;
 *   out_t = s_t W_out + b_out
 * `x` is [B, D] with `options.steps` (the same input every step, as for direct encoding) or [T, B, D];
 * the output [T, B, K] is the next layer's input current. Equal to
 * `lifLinear(matMul(x, W_in) + b_in, W_out, ...).output + b_out`, in one TF.js op instead of five:
 * x W_in and the weight gradient x^T dL/dI are a packed multithreaded SGEMM, the spikes never leave
 * the kernel (the projection is event-driven), and the backward pass replays the scan from the
 * current x W_in + b_in, the one array kept from the forward pass. Gradients reach x, both weights
 * and biases, v0, and beta and threshold when they are tensors.
 */
export function linearLifLinear(
  x: Tensor,
  weights: LinearLifLinearWeights,
  beta: Tensor | number,
  threshold: Tensor | number,
  v0: Tensor | null = null,
  options: LifLinearOptions = {},
): LifLinearResult {
  register();
  const { reset, detachReset, surrogate: sg, steps: T, batch: B, features: D } = resolveScanInput(x, options, 'x', 'D', 'inputs');
  const { inputWeight, outputWeight } = weights;
  if (inputWeight.rank !== 2 || inputWeight.shape[0] !== D) throw new Error(`inputWeight must be [${D}, N] (one row per input feature), got [${inputWeight.shape.join(', ')}].`);
  const N = inputWeight.shape[1] as number;
  checkFloat(inputWeight, 'inputWeight', [D, N]);
  if (outputWeight.rank !== 2 || outputWeight.shape[0] !== N) throw new Error(`outputWeight must be [${N}, K] (one row per neuron), got [${outputWeight.shape.join(', ')}].`);
  const K = outputWeight.shape[1] as number;
  checkFloat(outputWeight, 'outputWeight', [N, K]);
  if (weights.inputBias) checkFloat(weights.inputBias, 'inputBias', [N]);
  if (weights.outputBias) checkFloat(weights.outputBias, 'outputBias', [K]);
  if (v0) checkFloat(v0, 'v0', [B, N]);
  const betaT = parameterVector(beta, 'beta', N);
  const thetaT = parameterVector(threshold, 'threshold', N);
  const owned: Tensor[] = [];
  const own = (t: Tensor) => (owned.push(t), t);
  const attrs: Attrs = {
    steps: T as number,
    reset: RESET_IDS[reset],
    surrogate: SURROGATE_IDS[sg.kind],
    slope: sg.slope,
    detachReset,
    betaScalar: betaT.rank === 0,
    thetaScalar: thetaT.rank === 0,
    paramGrads: typeof beta !== 'number' || typeof threshold !== 'number',
    hasV0: v0 !== null,
  };
  const inputs = {
    x,
    inputWeight,
    inputBias: weights.inputBias ?? own(tf.zeros([N])),
    outputWeight,
    outputBias: weights.outputBias ?? own(tf.zeros([K])),
    v0: v0 ?? own(tf.zeros([B, N])),
    beta: betaT,
    theta: thetaT,
  };
  const [output, finalMembrane, spikeCounts] = runFusedKernel(LINEAR_LIF_LINEAR_KERNEL, inputs, attrs);
  if (typeof beta === 'number') owned.push(betaT);
  if (typeof threshold === 'number') owned.push(thetaT);
  tf.dispose(owned);
  return { output, finalMembrane, spikeCounts };
}
