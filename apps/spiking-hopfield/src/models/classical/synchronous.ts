import { tf, type Tensor } from '@cristal/tensor';
import { signKeepingTies } from './bipolar';
import { checkWeightsAndStates } from './check-classical';

/** Local fields h = W s of every neuron, for each row of `states` [B, d]. */
export function localFields(weights: Tensor, states: Tensor): Tensor {
  checkWeightsAndStates(weights, states, 'localFields');
  return tf.matMul(states, weights, false, true);
}

/** One synchronous (parallel) update of every neuron: s <- sign(W s), ties keep the old value. */
export function synchronousStep(weights: Tensor, states: Tensor): Tensor {
  return tf.tidy(() => signKeepingTies(localFields(weights, states), states));
}

/**
 * How a row's synchronous dynamics ended. With symmetric weights the parallel dynamics reach either a
 * fixed point or a cycle of length 2 (Goles-Fogelman and Pellegrin 1985), so these are the only
 * outcomes besides running out of steps.
 */
export type SynchronousOutcome = 'fixed-point' | 'two-cycle' | 'max-steps';

export interface SynchronousRetrieval {
  /** The final states [B, d] (the caller disposes them). */
  state: Tensor;
  /** Synchronous steps taken (the same for every row: the batch moves together). */
  steps: number;
  outcome: SynchronousOutcome[];
}

/**
 * Iterates `synchronousStep` until every row is at a fixed point or in a 2-cycle, or `maxSteps`
 * steps were taken. Reads two booleans per row back after each step to decide when to stop.
 */
export function retrieveSynchronous(weights: Tensor, states: Tensor, options: { maxSteps?: number } = {}): SynchronousRetrieval {
  const maxSteps = options.maxSteps ?? 100;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new Error(`retrieveSynchronous: maxSteps must be a positive integer, got ${maxSteps}.`);
  checkWeightsAndStates(weights, states, 'retrieveSynchronous');
  const rows = states.shape[0];
  let previous: Tensor | null = null;
  let current = tf.clone(states);
  let outcome: SynchronousOutcome[] = Array<SynchronousOutcome>(rows).fill('max-steps');
  let steps = 0;
  while (steps < maxSteps) {
    const next = synchronousStep(weights, current);
    steps++;
    const [fixed, cycled] = tf.tidy(() => {
      const same = (a: Tensor, b: Tensor) => tf.all(tf.equal(a, b), 1);
      return [same(next, current).dataSync(), previous ? same(next, previous).dataSync() : new Uint8Array(rows)];
    });
    previous?.dispose();
    previous = current;
    current = next;
    outcome = Array.from({ length: rows }, (_, r) => (fixed[r] ? 'fixed-point' : cycled[r] ? 'two-cycle' : 'max-steps'));
    if (outcome.every((o) => o !== 'max-steps')) break;
  }
  previous?.dispose();
  return { state: current, steps, outcome };
}
