import { tf, type RandomStream, type Tensor } from '@cristal/tensor';
import { checkWeightsAndStates } from './check-classical';

/**
 * The new value of neuron `i` under the asynchronous rule: the sign of its local field
 * h_i = sum_j W_ij s_j, unchanged when h_i is exactly 0 (the tie convention of `signKeepingTies`).
 * `weights` is W [d, d] row-major, `state` one state of length d. Pure: nothing is mutated.
 * The field is summed in float64, so the decision does not depend on a summation order.
 */
export function updatedNeuron(weights: ArrayLike<number>, state: ArrayLike<number>, i: number): number {
  const d = state.length;
  let h = 0;
  for (let j = 0, row = i * d; j < d; j++) h += weights[row + j] * state[j];
  return h > 0 ? 1 : h < 0 ? -1 : state[i];
}

/** One single-neuron update that changed the state, as reported to `onFlip`. */
export interface NeuronFlip {
  row: number;
  /** 1-based sweep within which the flip happened. */
  sweep: number;
  neuron: number;
  /** The row's state after the flip (a live view: copy it to keep it). */
  state: Float32Array;
}

export interface AsynchronousOptions {
  /** Sweeps (passes over all d neurons) before giving up; default 100. */
  maxSweeps?: number;
  /** Called after every neuron that changes, e.g. to record an energy trajectory. */
  onFlip?: (flip: NeuronFlip) => void;
}

export interface AsynchronousRetrieval {
  /** Final states [B, d] (the caller disposes them). */
  state: Tensor;
  /** Sweeps per row, counting the last, unchanging one that proves the fixed point. */
  sweeps: number[];
  /** Whether each row reached a fixed point within maxSweeps. */
  converged: boolean[];
}

/**
 * Asynchronous (sequential) dynamics, run to a fixed point: each sweep visits every neuron once in a
 * random order and applies `updatedNeuron`; a sweep that changes nothing proves a fixed point.
 * Sweep k uses the k-th permutation drawn from `stream`, shared by all rows, so a row's trajectory
 * does not depend on which other rows are in the batch. With symmetric W and a zero diagonal each
 * change lowers E = -1/2 s^T W s by 2|h_i| > 0, so the dynamics always stop.
 *
 * Runs on the CPU in plain loops: the dynamics are sequential by definition, and d single-neuron
 * kernel launches per sweep would cost far more than the arithmetic.
 */
export function retrieveAsynchronous(weights: Tensor, states: Tensor, stream: RandomStream, options: AsynchronousOptions = {}): AsynchronousRetrieval {
  const maxSweeps = options.maxSweeps ?? 100;
  if (!Number.isInteger(maxSweeps) || maxSweeps < 1) throw new Error(`retrieveAsynchronous: maxSweeps must be a positive integer, got ${maxSweeps}.`);
  const d = checkWeightsAndStates(weights, states, 'retrieveAsynchronous');
  const rows = states.shape[0];
  const w = weights.dataSync() as Float32Array;
  const all = Float32Array.from(states.dataSync() as Float32Array);
  const orders: Int32Array[] = [];
  const sweeps: number[] = [];
  const converged: boolean[] = [];
  for (let r = 0; r < rows; r++) {
    const s = all.subarray(r * d, (r + 1) * d);
    let done = false;
    let sweep = 0;
    while (!done && sweep < maxSweeps) {
      if (orders.length === sweep) orders.push(stream.permutation(d));
      const order = orders[sweep];
      sweep++;
      let changed = 0;
      for (let k = 0; k < d; k++) {
        const i = order[k];
        const next = updatedNeuron(w, s, i);
        if (next !== s[i]) {
          s[i] = next;
          changed++;
          options.onFlip?.({ row: r, sweep, neuron: i, state: s });
        }
      }
      done = changed === 0;
    }
    sweeps.push(sweep);
    converged.push(done);
  }
  return { state: tf.tensor2d(all, [rows, d]), sweeps, converged };
}
