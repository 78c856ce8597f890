import { tf, type RandomStream, type Tensor, type Tensor2D } from '@cristal/tensor';
import { binomialUnchecked } from './count-samplers';
import { checkSteps } from './query-coding';

/**
 * How memory spikes are drawn:
 * - 'steps': simulated step by step in TF.js, one random draw per neuron per step (the reference);
 * - 'counts': the window's spike counts drawn directly from their exact distribution (Binomial per
 *   neuron, multinomial for the race) in one pass, O(B N) instead of O(T B N) random numbers.
 * Both give the same count distribution (tested); only 'steps' is an actual simulation in time.
 */
export type SpikeSampler = 'steps' | 'counts';

export interface EscapeNoiseOptions {
  /** Readout window T in steps. */
  steps: number;
  /** r0 in (0, 1]: the firing probability per step of the most excited neuron. Default 0.5. */
  maxRate?: number;
  sampler?: SpikeSampler;
  stream: RandomStream;
}

export function checkMaxRate(maxRate: number): void {
  if (!(maxRate > 0 && maxRate <= 1)) throw new Error(`maxRate (r0, the top firing probability per step) must be in (0, 1], got ${maxRate}.`);
}

export function checkSampler(sampler: string): void {
  if (sampler !== 'steps' && sampler !== 'counts') throw new Error(`sampler must be 'steps' or 'counts', got '${sampler}'.`);
}

/** Throws unless field is [B, N] without NaN or +Infinity (-Infinity is allowed: a neuron that cannot fire). */
export function checkField(field: Tensor): void {
  if (field.rank !== 2) throw new Error(`field must be [B, N] (one row of memory-neuron inputs per query), got [${field.shape.join(', ')}].`);
  const bad = tf.tidy(() => tf.sum(tf.cast(tf.logicalOr(tf.isNaN(field), tf.equal(field, Infinity)), 'int32')).dataSync()[0]);
  if (bad > 0) throw new Error(`field holds ${bad} NaN or +Infinity values; check the queries and beta.`);
}

/**
 * Escape-noise firing probability per step, rho_i = r0 exp(h_i - max_k h_k), for input fields h
 * [B, N] (h = beta times the decoded membrane). The subtracted maximum is a shared inhibitory offset
 * (a global inhibitory neuron tracking the most excited memory neuron): it bounds every rate by r0
 * and leaves the ratios rho_i / rho_k = exp(h_i - h_k), hence the softmax, unchanged.
 */
export function escapeNoiseRates(field: Tensor, maxRate: number): Tensor2D {
  checkField(field);
  checkMaxRate(maxRate);
  return tf.tidy(() => tf.mul(tf.exp(tf.sub(field, tf.max(field, 1, true))), maxRate) as Tensor2D);
}

/**
 * Spike counts [B, N] of independent escape-noise memory neurons over T steps (each fires with
 * probability rho_i per step, Bernoulli). E[c_i] = T rho_i is proportional to exp(h_i), so the
 * normalised counts c / sum c estimate softmax(h) with an error shrinking like 1 / sqrt(sum c).
 */
export function escapeNoiseCounts(field: Tensor, options: EscapeNoiseOptions): Tensor2D {
  const { steps, maxRate = 0.5, sampler = 'counts', stream } = options;
  checkSteps(steps, 'steps (readout window)');
  checkSampler(sampler);
  const rates = escapeNoiseRates(field, maxRate);
  try {
    if (sampler === 'steps') {
      let counts = tf.zerosLike(rates) as Tensor2D;
      for (let t = 0; t < steps; t++) {
        const next = tf.tidy(() => tf.add(counts, stream.bernoulliTensor(rates.shape, rates)) as Tensor2D);
        counts.dispose();
        counts = next;
      }
      return counts;
    }
    const rho = rates.dataSync();
    const counts = new Float32Array(rho.length);
    for (let i = 0; i < rho.length; i++) counts[i] = binomialUnchecked(steps, rho[i], stream);
    return tf.tensor2d(counts, rates.shape);
  } finally {
    rates.dispose();
  }
}
