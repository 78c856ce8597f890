import { tf, type Tensor, type Tensor2D } from '@cristal/tensor';
import { inferenceContext, initialValueNodes, resolvePcOptions, weightLayerCount, type InferenceContext, type PcArchitecture, type PcOptions, type PcParams } from '../pc';
import { zeroEligibility, type Eligibility } from './local-learning';
import { traceGain, type SpikingPcOptions } from './spiking-pc-options';

/**
 * Per-batch constants of the spiking dynamics. `core` is the PC core's inference context built
 * with unit precisions: its value-node step then reads
 *   x_l <- x_l + eta (-s_l + f'(x_l) * (s_{l+1} W_l^T))
 * with the traces s (which already carry the precisions, e = pi (x - mu)) in place of the errors.
 */
export interface SpikingPcContext {
  readonly architecture: PcArchitecture;
  readonly options: SpikingPcOptions;
  readonly core: InferenceContext;
  /** a = dt / tau_s. */
  readonly traceGain: number;
  /** Whether the state accumulates eligibilities for the weight rule (learningRate > 0). */
  readonly learning: boolean;
}

/** The explicit state carried from one time step to the next (all tensors; rows are samples). */
export interface SpikingPcState {
  /** x_0..x_L: x_0 is the clamped input, x_L the clamped target. */
  readonly nodes: Tensor2D[];
  /** traces[l] = s_{l+1}, the trace of layer l+1's spike-carried errors (indexed like the core's errors). */
  readonly traces: Tensor2D[];
  readonly eligibility: Eligibility | null;
  /** Spikes emitted per error unit so far (s+ + s-), [B, n_{l+1}] per predicted layer. */
  readonly spikeCounts: Tensor2D[];
  /** Time steps each error unit spent saturated (|e| > r_max), [B, n_{l+1}]. */
  readonly clipCounts: Tensor2D[];
  /** Time steps taken. */
  readonly step: number;
}

/** The PC core options the spiking dynamics borrow: step size eta, unit precisions, clamped output. */
export function unitPrecisionPcOptions(architecture: PcArchitecture, options: SpikingPcOptions): PcOptions {
  return resolvePcOptions(architecture, { stepSize: options.stepSize, precisions: 1, inferenceSteps: options.timeSteps });
}

/**
 * Builds the per-batch constants from the feedforward sweep (feedforward[1] is mu_1, fixed by the
 * clamped input). It creates tensors (the core context's feedback matrices and scalars): build it
 * inside the tf.tidy that runs the batch, as runSpikingInference does.
 */
export function spikingPcContext(params: PcParams, architecture: PcArchitecture, feedforward: readonly Tensor2D[], target: Tensor2D, options: SpikingPcOptions): SpikingPcContext {
  const core = inferenceContext(params, architecture, feedforward, target, unitPrecisionPcOptions(architecture, options));
  return { architecture, options, core, traceGain: traceGain(options), learning: options.learningRate > 0 };
}

/** Value nodes from the sweep (output clamped to the target), zero traces, eligibilities and counts. */
export function initialSpikingState(context: SpikingPcContext, feedforward: readonly Tensor2D[], target: Tensor2D): SpikingPcState {
  const { sizes } = context.architecture;
  const L = weightLayerCount(context.architecture);
  const batch = target.shape[0];
  const zeros = () => Array.from({ length: L }, (_, l) => tf.zeros([batch, sizes[l + 1]]) as Tensor2D);
  return {
    nodes: initialValueNodes(feedforward, target, context.core.options),
    traces: zeros(),
    eligibility: context.learning ? zeroEligibility(sizes, batch) : null,
    spikeCounts: zeros(),
    clipCounts: zeros(),
    step: 0,
  };
}

/** Every tensor a state holds. */
export function stateTensors(state: SpikingPcState): Tensor[] {
  return [...state.nodes, ...state.traces, ...(state.eligibility ? [...state.eligibility.traceSums, ...state.eligibility.hiddenProducts.filter((t): t is Tensor2D => t !== null)] : []), ...state.spikeCounts, ...state.clipCounts];
}

/** Disposes the tensors of `previous` that `next` no longer holds, except the protected ones (input, target, sweep). */
export function disposeReplacedState(previous: SpikingPcState, next: SpikingPcState, keep: ReadonlySet<Tensor>): void {
  const kept = new Set<Tensor>(stateTensors(next));
  for (const t of stateTensors(previous)) if (!kept.has(t) && !keep.has(t) && !t.isDisposed) t.dispose();
}
