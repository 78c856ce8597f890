import { tf, type Tensor } from '@cristal/tensor';
import { associate } from './associate';
import { assertSteps } from './check-settings';
import { checkPatternsAndStates } from './check-modern';
import { modernEnergy } from './modern-energy';

export interface ModernRetrieval {
  /** The state after the last update [B, d]. */
  state: Tensor;
  /** softmax(beta X xi) of the last update [B, N]: which patterns the state was built from. */
  attention: Tensor;
}

/**
 * One update of the modern Hopfield network (Ramsauer et al. 2020, eq. 3), for each row xi of
 * `states` [B, d] and stored patterns X [N, d]:
 *   xi_new = X^T softmax(beta X xi)     (row form: softmax(beta xi X^T) X).
 * It is the CCCP step on the energy of `modernEnergy`: xi_new = grad_xi lse(beta, X xi), and it
 * equals xi - grad E(xi), a gradient step with unit step size.
 */
export function modernUpdate(patterns: Tensor, states: Tensor, beta: number): ModernRetrieval {
  checkPatternsAndStates(patterns, states, 'modernUpdate');
  const { output, attention, query } = associate({ queries: states, keys: patterns, values: patterns }, beta);
  query.dispose();
  return { state: output, attention };
}

/** `steps` updates of `modernUpdate` (steps >= 1); the attention is that of the last one. */
export function modernRetrieve(patterns: Tensor, states: Tensor, beta: number, steps: number): ModernRetrieval {
  checkPatternsAndStates(patterns, states, 'modernRetrieve');
  assertSteps(steps, 'modernRetrieve', 'steps', 1);
  // the first steps - 1 updates are query updates of the association, the last one its read-out
  const { output, attention, query } = associate({ queries: states, keys: patterns, values: patterns }, beta, steps - 1);
  query.dispose();
  return { state: output, attention };
}

/**
 * E(xi_t) for t = 0..steps along the updates (entry t holds the [B] energies after t updates): the
 * trajectory the CCCP result says is non-increasing.
 */
export function modernEnergyTrajectory(patterns: Tensor, states: Tensor, beta: number, steps: number): number[][] {
  assertSteps(steps, 'modernEnergyTrajectory');
  const out: number[][] = [];
  let current = tf.clone(states);
  for (let t = 0; t <= steps; t++) {
    const energy = modernEnergy(patterns, current, beta);
    out.push(Array.from(energy.dataSync()));
    energy.dispose();
    if (t < steps) {
      const next = modernUpdate(patterns, current, beta);
      next.attention.dispose();
      current.dispose();
      current = next.state;
    }
  }
  current.dispose();
  return out;
}
