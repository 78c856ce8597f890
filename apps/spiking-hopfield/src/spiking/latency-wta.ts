import { tf, type Tensor, type Tensor1D } from '@cristal/tensor';
import { memoryPotentials, type PatternMemory } from './pattern-memory';
import type { QueryCode } from './query-coding';
import { checkLeak, presynapticInitialState, presynapticStep, synapseFor, type PresynapticState, type SynapseKind } from './synaptic-integration';

export interface LatencyWtaOptions {
  /** Firing threshold theta of the memory neurons, in units of synaptic weight; > 0. */
  threshold: number;
  /** Membrane decay per step in (0, 1]; default 1 (perfect integrator). */
  leak?: number;
  /** Default: the synapse that decodes the code (rate: 'delta', latency: 'step'). */
  synapse?: SynapseKind;
}

export interface LatencyWtaResult {
  /** [B] int32: the memory neuron that spiked first, -1 if none reached threshold within T_in steps. */
  winner: Tensor1D;
  /** [B] int32: the step (0-based) of the winner's spike, -1 when undecided. Latency = step + 1. */
  decisionStep: Tensor1D;
  /** [B]: input spikes delivered until the decision (the whole window when undecided). */
  inputSpikes: Tensor1D;
  /** Steps simulated: the run stops once every query has a winner. */
  stepsSimulated: number;
}

export function checkThreshold(threshold: number): void {
  if (!(threshold > 0 && Number.isFinite(threshold))) throw new Error(`threshold must be a positive finite number (in units of synaptic weight), got ${threshold}.`);
}

/**
 * Latency winner-take-all, the beta -> infinity limit of the softmax readout: the memory neurons
 * integrate the query's spikes (v_t = leak v_{t-1} + input, LIF without reset: the first spike ends
 * the competition), the first to reach theta spikes, and its lateral inhibition silences all others.
 * The retrieved pattern is the winner's stored pattern. Memory neurons that cross in the same step
 * are ordered by membrane (the most supra-threshold fires first); exact ties go to the lowest index.
 * Vectorised over the batch with one matMul per step over the queries still undecided: decided
 * queries leave the computation, as their inhibited memory would stop integrating.
 */
export function latencyWinnerTakeAll(memory: PatternMemory, code: QueryCode, options: LatencyWtaOptions): LatencyWtaResult {
  const { threshold, leak = 1, synapse = synapseFor(code.coding) } = options;
  checkThreshold(threshold);
  checkLeak(leak);
  const [steps, batch, dim] = code.spikes.shape;
  if (dim !== memory.dim) throw new Error(`query code has ${dim} inputs per query but the stored patterns have ${memory.dim}.`);
  const winner = new Int32Array(batch).fill(-1);
  const decisionStep = new Int32Array(batch).fill(-1);
  let active = Array.from({ length: batch }, (_, b) => b); // queries still competing, in state-row order
  let state: PresynapticState = presynapticInitialState(batch, dim);
  let stepsSimulated = 0;
  for (let t = 0; t < steps && active.length > 0; t++) {
    const rows = active;
    const next = tf.tidy(() => {
      const all = tf.reshape(tf.slice(code.spikes, [t, 0, 0], [1, batch, dim]), [batch, dim]);
      const spikes = rows.length === batch ? all : tf.gather(all, tf.tensor1d(rows, 'int32'));
      const presynaptic = presynapticStep(state, spikes, synapse, leak);
      const v = memoryPotentials(memory, presynaptic.trace);
      // if anything crossed, the highest membrane is a crosser: it fires first
      const first = tf.argMax(v, 1);
      return { presynaptic, fired: tf.where(tf.greaterEqual(tf.max(v, 1), threshold), first, tf.fill(first.shape, -1, 'int32')) };
    });
    tf.dispose([state.trace, state.current]);
    state = next.presynaptic;
    stepsSimulated = t + 1;
    const fired = next.fired.dataSync();
    next.fired.dispose();
    const keep: number[] = [];
    rows.forEach((b, row) => {
      if (fired[row] >= 0) {
        winner[b] = fired[row];
        decisionStep[b] = t;
      } else keep.push(row);
    });
    if (keep.length < rows.length) {
      active = keep.map((row) => rows[row]);
      const kept = state;
      state = tf.tidy(() => {
        const index = tf.tensor1d(keep, 'int32');
        return { trace: tf.gather(kept.trace, index), current: tf.gather(kept.current, index) };
      });
      tf.dispose([kept.trace, kept.current]);
    }
  }
  tf.dispose([state.trace, state.current]);
  const decided = tf.tensor1d(decisionStep, 'int32');
  return { winner: tf.tensor1d(winner, 'int32'), decisionStep: decided, inputSpikes: inputSpikesUntil(code.spikes, decided), stepsSimulated };
}

/** Input spikes per query delivered up to and including its decision step (all when undecided). */
function inputSpikesUntil(spikes: Tensor, decisionStep: Tensor1D): Tensor1D {
  return tf.tidy(() => {
    const steps = spikes.shape[0] as number;
    const perStep = tf.sum(tf.abs(spikes), 2); // [T, B]
    const last = tf.where(tf.less(decisionStep, 0), tf.fill(decisionStep.shape, steps - 1, 'int32'), decisionStep);
    const delivered = tf.lessEqual(tf.reshape(tf.range(0, steps, 1, 'int32'), [steps, 1]), tf.reshape(last, [1, -1]));
    return tf.sum(tf.mul(perStep, tf.cast(delivered, 'float32')), 0) as Tensor1D;
  });
}
