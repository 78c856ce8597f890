import { tf, type Tensor } from '@cristal/tensor';
import { detach } from '../surrogate/detach';
import { spike, surrogate as makeSurrogate, type Surrogate } from '../surrogate/surrogates';
import type { ResetMode } from '../kernels/lif-kernel';

/**
 * Leaky integrate-and-fire neuron (discrete time, as snnTorch's Leaky and Norse's LIF):
 *   u_t = beta v_{t-1} + I_t                 membrane before the spike check
 *   s_t = H(u_t - theta)                     spike (surrogate gradient backward)
 *   v_t = u_t - theta s_t    reset by subtraction
 *       = (1 - s_t) u_t      reset to zero
 *       = u_t                no reset
 * beta = exp(-dt / tau). Under a constant current I from v_0 = 0, u_t = I (1 - beta^t) / (1 - beta)
 * until the first spike.
 */
export interface LifParameters {
  /** Decay per step, in (0, 1]; a number, a scalar tensor, or one per neuron [N] (learnable). */
  beta: number | Tensor;
  /** Firing threshold theta > 0; same forms as beta. */
  threshold: number | Tensor;
  reset: ResetMode;
  surrogate: Surrogate;
  /** Stop gradients through the reset (snnTorch detaches it by default). */
  detachReset: boolean;
}

export interface LifState {
  /** Membrane potential [B, N] after the last step's reset. */
  v: Tensor;
}

export type LifOptions = Partial<Omit<LifParameters, 'beta'>> & ({ beta: number | Tensor } | { tau: number; dt?: number });

/** Builds checked parameters; `tau` and `dt` (same unit) give beta = exp(-dt/tau). */
export function lifParameters(options: LifOptions): LifParameters {
  const beta = 'beta' in options ? options.beta : Math.exp(-(options.dt ?? 1) / options.tau);
  if (typeof beta === 'number' && !(beta > 0 && beta <= 1)) throw new Error(`beta must be in (0, 1], got ${beta}.`);
  if ('tau' in options && !(options.tau > 0)) throw new Error(`tau must be positive, got ${options.tau}.`);
  const threshold = options.threshold ?? 1;
  if (typeof threshold === 'number' && !(threshold > 0)) throw new Error(`threshold must be positive, got ${threshold}.`);
  const reset = options.reset ?? 'subtract';
  if (!['subtract', 'zero', 'none'].includes(reset)) throw new Error(`reset must be "subtract", "zero" or "none", got "${reset}".`);
  return { beta, threshold, reset, surrogate: options.surrogate ?? makeSurrogate(), detachReset: options.detachReset ?? false };
}

export function lifInitialState(batch: number, neurons: number): LifState {
  return { v: tf.zeros([batch, neurons]) };
}

/**
 * One time step: pure, state in and state out. `spikeFn` replaces the Heaviside (e.g. a smooth
 * sigmoid to check BPTT against finite differences).
 */
export function lifStep(
  input: Tensor,
  state: LifState,
  p: LifParameters,
  spikeFn: (x: Tensor) => Tensor = (x) => spike(x, p.surrogate),
): { spikes: Tensor; state: LifState; u: Tensor } {
  return tf.tidy(() => {
    const u = tf.add(tf.mul(p.beta, state.v), input);
    const s = spikeFn(tf.sub(u, p.threshold));
    const sr = p.detachReset ? detach(s) : s;
    // Without reset v equals u; a clone (shared data) keeps the two returned tensors separately disposable.
    const v = p.reset === 'subtract' ? tf.sub(u, tf.mul(p.threshold, sr)) : p.reset === 'zero' ? tf.mul(u, tf.sub(1, sr)) : tf.clone(u);
    return { spikes: s, state: { v }, u };
  });
}
