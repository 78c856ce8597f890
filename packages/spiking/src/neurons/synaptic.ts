import { tf, type Tensor } from '@cristal/tensor';
import { spike } from '../surrogate/surrogates';
import { lifParameters, lifStep, type LifOptions, type LifParameters } from './lif';

/**
 * Current-based synaptic LIF neuron (second order, snnTorch's Synaptic): the input charges a
 * synaptic current that decays with alpha, and the current charges the membrane as in LIF:
 *   I_t = alpha I_{t-1} + x_t                synaptic current
 *   u_t = beta v_{t-1} + I_t                 membrane before the spike check
 *   s_t = H(u_t - theta)                     spike (surrogate gradient backward)
 *   v_t = u_t - theta s_t (subtract) | (1 - s_t) u_t (zero) | u_t (none)
 * alpha = exp(-dt / tau_syn), beta = exp(-dt / tau). A single input pulse x at step 1 gives the
 * difference of exponentials u_t = x (alpha^t - beta^t) / (alpha - beta) (alpha != beta): the
 * synaptic filter delays and smooths the response, unlike LIF's instantaneous jump.
 */
export interface SynapticParameters extends LifParameters {
  /** Synaptic current decay per step, in (0, 1]; a number, a scalar tensor or one per neuron [N]. */
  alpha: number | Tensor;
}

export interface SynapticState {
  /** Synaptic current [B, N]. */
  i: Tensor;
  /** Membrane potential [B, N] after the last step's reset. */
  v: Tensor;
}

export type SynapticOptions = LifOptions & ({ alpha: number | Tensor } | { tauSyn: number; dt?: number });

/** Builds checked parameters: alpha (or tauSyn with the same dt as tau) plus the LIF options. */
export function synapticParameters(options: SynapticOptions): SynapticParameters {
  let alpha: number | Tensor;
  if ('alpha' in options) {
    alpha = options.alpha;
    if (typeof alpha === 'number' && !(alpha > 0 && alpha <= 1)) throw new Error(`alpha must be in (0, 1], got ${alpha}.`);
  } else {
    if (!(options.tauSyn > 0)) throw new Error(`tauSyn must be positive, got ${options.tauSyn}.`);
    const dt = options.dt ?? 1;
    if (!(dt > 0)) throw new Error(`dt must be positive, got ${dt}.`);
    alpha = Math.exp(-dt / options.tauSyn);
  }
  return { ...lifParameters(options), alpha };
}

export function synapticInitialState(batch: number, neurons: number): SynapticState {
  return { i: tf.zeros([batch, neurons]), v: tf.zeros([batch, neurons]) };
}

/** One time step: pure, state in and state out. */
export function synapticStep(
  input: Tensor,
  state: SynapticState,
  p: SynapticParameters,
  spikeFn: (x: Tensor) => Tensor = (x) => spike(x, p.surrogate),
): { spikes: Tensor; state: SynapticState; u: Tensor } {
  return tf.tidy(() => {
    const i = tf.add(tf.mul(p.alpha, state.i), input);
    const out = lifStep(i, { v: state.v }, p, spikeFn);
    return { spikes: out.spikes, state: { i, v: out.state.v }, u: out.u };
  });
}
