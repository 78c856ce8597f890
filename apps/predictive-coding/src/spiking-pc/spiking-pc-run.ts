import { tf, type RandomStream, type Tensor, type Tensor2D } from '@cristal/tensor';
import { feedforwardSweep, weightLayerCount, type PcArchitecture, type PcParams } from '../pc';
import { applyLocalUpdate } from './local-learning';
import { drawChannelUniforms, spikingInferenceStep } from './spiking-inference-step';
import { disposeReplacedState, initialSpikingState, spikingPcContext, stateTensors, type SpikingPcState } from './spiking-pc-state';
import type { SpikingPcOptions } from './spiking-pc-options';
import { tidy } from './tidy';
import { errorUnitFanOut, feedforwardMacs, predictionMacsPerStep, synapticOperations } from './synaptic-operations';

/** The state after K time steps on one batch, with the sweep that initialised it. */
export interface SpikingRun {
  readonly state: SpikingPcState;
  /** x̄_0..x̄_L (feedforward[0] is the caller's input). */
  readonly feedforward: Tensor2D[];
  readonly input: Tensor2D;
  readonly target: Tensor2D;
}

/** What one batch cost and did: totals over its B samples and K steps. */
export interface SpikingBatchReport {
  readonly samples: number;
  readonly timeSteps: number;
  /** Spikes emitted (both channels) per predicted layer. */
  readonly spikes: number[];
  /** Unit-steps spent saturated (|e| > r_max) per predicted layer. */
  readonly clippedUnitSteps: number[];
  /** B K n_l per predicted layer: the denominators of the firing and clipping fractions. */
  readonly unitSteps: number[];
  /** sum_l spikes_l x fan-out_l. */
  readonly synapticOps: number;
  /** B sum_l n_l n_{l+1}: the sweep that initialises the value nodes. */
  readonly feedforwardMacs: number;
  /** B K sum_{l>=1} n_l n_{l+1}: the predictions recomputed every step. */
  readonly predictionMacs: number;
}

function assertBatch(architecture: PcArchitecture, input: Tensor2D, target: Tensor2D): void {
  const n0 = architecture.sizes[0];
  const nL = architecture.sizes[architecture.sizes.length - 1];
  if (input.rank !== 2 || input.shape[1] !== n0 || input.dtype !== 'float32') {
    throw new Error(`The input must be float32 [batch, ${n0}], got ${input.dtype} [${input.shape.join(', ')}]: flatten samples to rows of ${n0} features.`);
  }
  if (target.rank !== 2 || target.shape[0] !== input.shape[0] || target.shape[1] !== nL || target.dtype !== 'float32') {
    throw new Error(
      `The target must be float32 [${input.shape[0]}, ${nL}] (one row per input sample), got ${target.dtype} [${target.shape.join(', ')}]: one-hot encode labels with oneHot from @cristal/tensor.`,
    );
  }
}

/**
 * Runs the K time steps of one batch from the feedforward initialisation; the weights do not move.
 * `stream` gives the spikes' uniforms (required for the stochastic channel, ignored for the
 * expected one). Free the result with disposeSpikingRun.
 */
export function runSpikingInference(params: PcParams, architecture: PcArchitecture, input: Tensor2D, target: Tensor2D, options: SpikingPcOptions, stream: RandomStream | null): SpikingRun {
  assertBatch(architecture, input, target);
  if (options.channel === 'stochastic' && !stream) throw new Error("The stochastic channel draws its spikes from a RandomStream: pass one (e.g. new RandomStreams(seed).stream('error-spikes')).");
  const batch = input.shape[0];
  const result = tidy(() => {
    const feedforward = feedforwardSweep(params, architecture, input);
    const context = spikingPcContext(params, architecture, feedforward, target, options);
    const keep = new Set<Tensor>([...feedforward, target]);
    let state = initialSpikingState(context, feedforward, target);
    for (let t = 0; t < options.timeSteps; t++) {
      const next = tidy(() => {
        const uniforms = options.channel === 'stochastic' ? drawChannelUniforms(stream as RandomStream, batch, architecture) : null;
        return spikingInferenceStep(context, state, uniforms);
      });
      disposeReplacedState(state, next, keep);
      state = next;
    }
    return { state, feedforward };
  });
  return { ...result, input, target };
}

/** Frees a run's tensors except the caller's input and target. */
export function disposeSpikingRun(run: SpikingRun): void {
  const owned = new Set<Tensor>([...stateTensors(run.state), ...run.feedforward]);
  owned.delete(run.input);
  owned.delete(run.target);
  tf.dispose([...owned]);
}

/** Totals of a finished run, read back from the device once. */
export function spikingBatchReport(run: SpikingRun, architecture: PcArchitecture): SpikingBatchReport {
  const L = weightLayerCount(architecture);
  const batch = run.input.shape[0];
  const totals = tf.tidy(() => tf.stack([...run.state.spikeCounts, ...run.state.clipCounts].map((c) => tf.sum(c))).dataSync());
  const spikes = Array.from(totals.subarray(0, L));
  const clippedUnitSteps = Array.from(totals.subarray(L, 2 * L));
  return {
    samples: batch,
    timeSteps: run.state.step,
    spikes,
    clippedUnitSteps,
    unitSteps: architecture.sizes.slice(1).map((n) => batch * run.state.step * n),
    synapticOps: synapticOperations(spikes, errorUnitFanOut(architecture)),
    feedforwardMacs: batch * feedforwardMacs(architecture),
    predictionMacs: batch * run.state.step * predictionMacsPerStep(architecture),
  };
}

export interface SpikingLearningResult {
  /** The parameters after the local update: new tensors (the caller disposes the old ones), or `params` itself when learningRate is 0. */
  readonly params: PcParams;
  readonly report: SpikingBatchReport;
}

/**
 * One online learning step on a batch (one sample when B = 1): K time steps of spiking inference,
 * then the local weight rule from the accumulated eligibilities. Pure apart from advancing `stream`.
 */
export function spikingPcLearningStep(params: PcParams, architecture: PcArchitecture, input: Tensor2D, target: Tensor2D, options: SpikingPcOptions, stream: RandomStream | null): SpikingLearningResult {
  const run = runSpikingInference(params, architecture, input, target, options, stream);
  try {
    const report = spikingBatchReport(run, architecture);
    const eligibility = run.state.eligibility;
    const next = eligibility ? applyLocalUpdate(params, eligibility, input, options.learningRate, options.timeSteps) : params;
    return { params: next, report };
  } finally {
    disposeSpikingRun(run);
  }
}
