import { tf, type Tensor } from '@cristal/tensor';

/**
 * Non-spiking leaky integrator, the usual readout of a spiking network (snnTorch's Leaky with no
 * threshold, Norse's LICell): the membrane is the output.
 *   v_t = beta v_{t-1} + x_t                 no spike, no reset
 * beta = exp(-dt / tau). Under a constant input x from v_0 = 0, v_t = x (1 - beta^t) / (1 - beta).
 */
export interface LeakyIntegratorParameters {
  /** Decay per step, in (0, 1]; a number, a scalar tensor or one per neuron [N] (learnable). */
  beta: number | Tensor;
}

export interface LeakyIntegratorState {
  /** Membrane potential [B, N]. */
  v: Tensor;
}

export type LeakyIntegratorOptions = { beta: number | Tensor } | { tau: number; dt?: number };

export function leakyIntegratorParameters(options: LeakyIntegratorOptions): LeakyIntegratorParameters {
  if ('beta' in options) {
    if (typeof options.beta === 'number' && !(options.beta > 0 && options.beta <= 1)) throw new Error(`beta must be in (0, 1], got ${options.beta}.`);
    return { beta: options.beta };
  }
  if (!(options.tau > 0)) throw new Error(`tau must be positive, got ${options.tau}.`);
  const dt = options.dt ?? 1;
  if (!(dt > 0)) throw new Error(`dt must be positive, got ${dt}.`);
  return { beta: Math.exp(-dt / options.tau) };
}

export function leakyIntegratorInitialState(batch: number, neurons: number): LeakyIntegratorState {
  return { v: tf.zeros([batch, neurons]) };
}

/** One time step: the output is the new membrane (a separate tensor from the state's, sharing its data). */
export function leakyIntegratorStep(input: Tensor, state: LeakyIntegratorState, p: LeakyIntegratorParameters): { output: Tensor; state: LeakyIntegratorState } {
  return tf.tidy(() => {
    const v = tf.add(tf.mul(p.beta, state.v), input);
    return { output: tf.clone(v), state: { v } };
  });
}
