import { tf, type Tensor2D } from '@cristal/tensor';

/**
 * The synaptic trace of an error unit's spikes, a first-order low-pass filter (forward Euler of
 * tau_s ds/dt = -s + c with a = dt / tau_s):
 *   s <- (1 - a) s + a c
 * Its gain at zero frequency is 1, so it is unbiased in the mean: if E[c] = m at every step, then
 * E[s_k] = (1 - a)^k s_0 + (1 - (1 - a)^k) m  ->  m  (see traceMean). a = 1 (tau_s = dt): s = c.
 */
export function traceStep(trace: Tensor2D, carried: Tensor2D, gain: number): Tensor2D {
  if (!(gain > 0 && gain <= 1)) throw new Error(`The trace gain dt/tau_s must be in (0, 1], got ${gain}: choose tauSyn >= dt.`);
  // a = 1 returns c itself: the same numbers as (1 - a) s + a c, and the exact noise-free PC limit.
  if (gain === 1) return carried;
  return tf.tidy(() => tf.add(tf.mul(trace, 1 - gain), tf.mul(carried, gain)) as Tensor2D);
}
