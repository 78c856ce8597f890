import { tf, type Tensor } from '@cristal/tensor';
import { spike } from '../surrogate/surrogates';
import { lifParameters, lifStep, type LifOptions, type LifParameters } from './lif';

/**
 * Recurrent LIF layer (Norse's LIFRecurrent): LIF neurons that also receive their own layer's
 * spikes of the previous step through recurrent weights W_rec [N, N] (row = presynaptic neuron):
 *   u_t = beta v_{t-1} + x_t + s_{t-1} W_rec
 *   s_t = H(u_t - theta)
 *   v_t = u_t - theta s_t (subtract) | (1 - s_t) u_t (zero) | u_t (none)
 * The one-step delay keeps the update causal; the state carries s_{t-1} along with v.
 */
export interface RecurrentLifParameters extends LifParameters {
  /** W_rec [N, N]; the caller owns it (typically a tf.variable, learnable). */
  recurrentWeights: Tensor;
}

export interface RecurrentLifState {
  v: Tensor;
  /** Spikes of the previous step [B, N]. */
  s: Tensor;
}

export type RecurrentLifOptions = LifOptions & { recurrentWeights: Tensor };

export function recurrentLifParameters(options: RecurrentLifOptions): RecurrentLifParameters {
  const w = options.recurrentWeights;
  if (!w || w.rank !== 2 || w.shape[0] !== w.shape[1]) throw new Error(`recurrentWeights must be a square [N, N] matrix, got [${w?.shape.join(', ')}].`);
  return { ...lifParameters(options), recurrentWeights: w };
}

export function recurrentLifInitialState(batch: number, neurons: number): RecurrentLifState {
  return { v: tf.zeros([batch, neurons]), s: tf.zeros([batch, neurons]) };
}

/** One time step: pure, state in and state out. */
export function recurrentLifStep(
  input: Tensor,
  state: RecurrentLifState,
  p: RecurrentLifParameters,
  spikeFn: (x: Tensor) => Tensor = (x) => spike(x, p.surrogate),
): { spikes: Tensor; state: RecurrentLifState; u: Tensor } {
  return tf.tidy(() => {
    const current = tf.add(input, tf.matMul(state.s, p.recurrentWeights));
    const out = lifStep(current, { v: state.v }, p, spikeFn);
    // The spikes go out twice (output and state): a clone keeps the two separately disposable.
    return { spikes: out.spikes, state: { v: out.state.v, s: tf.clone(out.spikes) }, u: out.u };
  });
}
