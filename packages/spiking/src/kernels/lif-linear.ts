import { tf, type Tensor } from '@cristal/tensor';
import { parameterVector, readView, registerFusedKernel, runFusedKernel, writeOutput, type Backend, type ForwardKernel } from './fused-kernel';
import { SURROGATE_IDS, type Surrogate } from '../surrogate/surrogates';
import { resolveScanInput } from './scan-input';
import { RESET_IDS, type ResetMode } from './lif-kernel';
import { lifLinearKernel, type LinearShape } from './lif-linear-kernel';

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

const forwardKernel: ForwardKernel = ({ inputs, backend, attrs }) => {
  const be = backend as Backend;
  const a = attrs as Attrs;
  const [B, N] = inputs.v0.shape;
  const K = inputs.weight.shape[1];
  const shape: LinearShape = { T: a.steps, B, N, K, inputPerStep: inputs.current.shape.length === 3 };
  const view = (name: string) => readView(be, inputs[name]);
  const r = lifLinearKernel().forward(shape, view('current'), view('v0'), view('beta'), view('theta'), a.reset, view('weight'));
  return [writeOutput(be, [a.steps, B, K], r.out), writeOutput(be, [B, N], r.vT), writeOutput(be, [a.steps], Float32Array.from(r.spikeCount))];
};

// The backward pass replays the scan from the forward pass's inputs, which TF.js keeps for it
// (inputsToSave): nothing is copied or kept on the side.
function gradient(dys: Tensor[], saved: Tensor[], attrs: unknown): Record<string, () => Tensor> {
  const [dOut, dVT] = dys;
  const [current, v0, beta, theta, weight] = saved;
  const a = attrs as unknown as Attrs;
  const [B, N] = v0.shape as [number, number];
  const K = weight.shape[1] as number;
  const shape: LinearShape = { T: a.steps, B, N, K, inputPerStep: current.rank === 3 };
  const read = (t: Tensor) => t.dataSync() as Float32Array;
  const betaValues = read(beta);
  const thetaValues = read(theta);
  const g = lifLinearKernel().backward(
    shape,
    { beta: betaValues, theta: thetaValues, reset: a.reset, surrogate: a.surrogate, slope: a.slope, detachReset: a.detachReset },
    { current: read(current), v0: read(v0), W: read(weight) },
    read(dOut),
    read(dVT),
  );
  return {
    current: () => tf.tensor(g.gI, current.shape),
    v0: () => tf.tensor2d(g.gV0 as Float32Array, [B, N]),
    beta: () => tf.tensor(Float32Array.from(g.gBeta), a.betaScalar ? [] : [betaValues.length]),
    theta: () => tf.tensor(Float32Array.from(g.gTheta), a.thetaScalar ? [] : [thetaValues.length]),
    weight: () => tf.tensor2d(Float32Array.from(g.gW), [N, K]),
  };
}

function register(): void {
  registerFusedKernel(LIF_LINEAR_KERNEL, forwardKernel, gradient, ['current', 'v0', 'beta', 'theta', 'weight']);
}

/**
 * A LIF layer and its outgoing dense projection in one fused kernel: out_t = s_t W with
 * u_t = beta v_{t-1} + I_t, s_t = H(u_t - threshold) and the reset of `lifScan`. Equal to
 * `matMul(lifScan(...).spikes, W)`, without ever materialising the [T, B, N] spikes: the projection
 * is event-driven (one row of W per spike, a synaptic operation), dL/ds = dL/dout W^T is formed
 * inside the backward scan, and the backward pass replays the scan from the inputs instead of keeping
 * the [T, B, N] membrane. Gradients reach current, v0, beta, threshold and weight [N, K].
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
  const { reset, detachReset, surrogate: sg, steps: T, batch: B, features: N } = resolveScanInput(current, options, 'current', 'N', 'currents');
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
