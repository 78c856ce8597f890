import { tf, type Tensor } from '@cristal/tensor';
import { detach } from '../surrogate/detach';
import { spike, surrogate as makeSurrogate, type Surrogate } from '../surrogate/surrogates';
import type { ResetMode } from '../kernels/lif-kernel';

/**
 * Adaptive-threshold LIF neuron (ALIF, the adaptive neurons of Bellec et al. 2018's LSNN). Each spike
 * raises the threshold, which relaxes back to theta0 with the adaptation time constant tau_a:
 *   theta_t = theta0 + b a_t                 adaptive threshold
 *   u_t = beta v_{t-1} + I_t                 membrane before the spike check
 *   s_t = H(u_t - theta_t)                   spike (surrogate gradient backward)
 *   v_t = u_t - theta_t s_t  (subtract) | (1 - s_t) u_t (zero) | u_t (none)
 *   a_{t+1} = rho a_t + s_t                  i.e. a_t = rho a_{t-1} + s_{t-1}
 * beta = exp(-dt / tau), rho = exp(-dt / tau_a). Without spikes the excess threshold decays
 * geometrically: theta_{t+k} - theta0 = rho^k (theta_t - theta0) = exp(-k dt / tau_a) (theta_t - theta0).
 * Bellec et al. write a_{t+1} = rho a_t + (1 - rho) s_t with a threshold increase beta_B; that is
 * this model with b = beta_B (1 - rho). The state carries a_{t+1}, computed at the end of step t.
 */
export interface AlifParameters {
  /** Membrane decay per step, in (0, 1]; a number, a scalar tensor, or one per neuron [N] (learnable). */
  beta: number | Tensor;
  /** Baseline threshold theta0 > 0; same forms. */
  threshold: number | Tensor;
  /** Adaptation decay per step exp(-dt / tau_a), in (0, 1]; same forms. */
  rho: number | Tensor;
  /** Threshold increase b >= 0 per unit of adaptation (one spike adds 1 to a); same forms. */
  adaptation: number | Tensor;
  reset: ResetMode;
  surrogate: Surrogate;
  /** Stop gradients through the reset (not through the adaptation, which carries the credit). */
  detachReset: boolean;
}

export interface AlifState {
  /** Membrane potential [B, N] after the last step's reset. */
  v: Tensor;
  /** Adaptation [B, N] that sets the next step's threshold. */
  a: Tensor;
}

export interface AlifOptions {
  beta?: number | Tensor;
  /** Membrane time constant (unit of dt); gives beta = exp(-dt / tau). */
  tau?: number;
  rho?: number | Tensor;
  /** Adaptation time constant tau_a (unit of dt); gives rho = exp(-dt / tau_a). */
  tauAdaptation?: number;
  /** Step length for tau and tauAdaptation, default 1. */
  dt?: number;
  threshold?: number | Tensor;
  adaptation: number | Tensor;
  reset?: ResetMode;
  surrogate?: Surrogate;
  detachReset?: boolean;
}

function decay(options: AlifOptions, direct: 'beta' | 'rho', tauKey: 'tau' | 'tauAdaptation'): number | Tensor {
  const value = options[direct];
  const tau = options[tauKey];
  if ((value === undefined) === (tau === undefined)) throw new Error(`Give exactly one of ${direct} and ${tauKey}.`);
  if (tau !== undefined) {
    if (!(tau > 0)) throw new Error(`${tauKey} must be positive, got ${tau}.`);
    const dt = options.dt ?? 1;
    if (!(dt > 0)) throw new Error(`dt must be positive, got ${dt}.`);
    return Math.exp(-dt / tau);
  }
  if (typeof value === 'number' && !(value > 0 && value <= 1)) throw new Error(`${direct} must be in (0, 1], got ${value}.`);
  return value as number | Tensor;
}

/** Builds checked parameters: one of beta / tau and one of rho / tauAdaptation, plus b (`adaptation`). */
export function alifParameters(options: AlifOptions): AlifParameters {
  const beta = decay(options, 'beta', 'tau');
  const rho = decay(options, 'rho', 'tauAdaptation');
  const threshold = options.threshold ?? 1;
  if (typeof threshold === 'number' && !(threshold > 0)) throw new Error(`threshold must be positive, got ${threshold}.`);
  const { adaptation } = options;
  if (adaptation === undefined) throw new Error('adaptation (b, the threshold increase per spike) is required.');
  if (typeof adaptation === 'number' && !(adaptation >= 0 && Number.isFinite(adaptation))) throw new Error(`adaptation must be a non-negative number, got ${adaptation}.`);
  const reset = options.reset ?? 'subtract';
  if (!['subtract', 'zero', 'none'].includes(reset)) throw new Error(`reset must be "subtract", "zero" or "none", got "${reset}".`);
  return { beta, threshold, rho, adaptation, reset, surrogate: options.surrogate ?? makeSurrogate(), detachReset: options.detachReset ?? false };
}

export function alifInitialState(batch: number, neurons: number): AlifState {
  return { v: tf.zeros([batch, neurons]), a: tf.zeros([batch, neurons]) };
}

/** One time step: pure, state in and state out; also returns the pre-reset membrane and the threshold used. */
export function alifStep(
  input: Tensor,
  state: AlifState,
  p: AlifParameters,
  spikeFn: (x: Tensor) => Tensor = (x) => spike(x, p.surrogate),
): { spikes: Tensor; state: AlifState; u: Tensor; threshold: Tensor } {
  return tf.tidy(() => {
    const threshold = tf.add(p.threshold, tf.mul(p.adaptation, state.a));
    const u = tf.add(tf.mul(p.beta, state.v), input);
    const s = spikeFn(tf.sub(u, threshold));
    const sr = p.detachReset ? detach(s) : s;
    const v = p.reset === 'subtract' ? tf.sub(u, tf.mul(threshold, sr)) : p.reset === 'zero' ? tf.mul(u, tf.sub(1, sr)) : tf.clone(u);
    const a = tf.add(tf.mul(p.rho, state.a), s);
    return { spikes: s, state: { v, a }, u, threshold };
  });
}
