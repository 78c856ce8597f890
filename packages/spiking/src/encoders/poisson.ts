import { tf, type RandomStream, type Tensor } from '@cristal/tensor';
import { checkRange, checkSteps } from './steps';

export interface PoissonEncodeOptions {
  /** Step length, in the reciprocal unit of the rates (s for Hz, ms for kHz). */
  dt: number;
  /**
   * 'spikes' (default): 0/1 per step, 1 with probability 1 - exp(-r dt), the chance that a Poisson
   * process of rate r has at least one event in the step. 'counts': the number of events per step,
   * Poisson(r dt) (not 0/1; for inputs that sum events, e.g. synaptic currents).
   */
  output?: 'spikes' | 'counts';
}

/** Largest mean sampled in one go; larger means are split, using Poisson(a) + Poisson(b) = Poisson(a + b). */
const CHUNK = 30;

/** Poisson(mean) by sequential inversion of the CDF (exact; O(mean) uniforms-worth of work). */
function samplePoisson(mean: number, stream: RandomStream): number {
  let total = 0;
  for (let left = mean; left > 0; left -= CHUNK) {
    const lambda = Math.min(left, CHUNK);
    const u = stream.uniform();
    let k = 0;
    let p = Math.exp(-lambda);
    let cdf = p;
    const cap = lambda + 40 * Math.sqrt(lambda) + 40; // far beyond any reachable u < 1 - 2^-32
    while (u >= cdf && k < cap) {
      k++;
      p *= lambda / k;
      cdf += p;
    }
    total += k;
  }
  return total;
}

/**
 * Spike trains of homogeneous Poisson processes, one per input, with rates r [B, ...] (>= 0) and
 * step dt: [T, B, ...] float32. Each step is independent; see `output` for 0/1 spikes versus counts.
 */
export function poissonEncode(rates: Tensor, steps: number, stream: RandomStream, options: PoissonEncodeOptions): Tensor {
  checkSteps(steps);
  const { dt, output = 'spikes' } = options;
  if (!(dt > 0 && Number.isFinite(dt))) throw new Error(`dt must be a positive number, got ${dt}.`);
  if (output !== 'spikes' && output !== 'counts') throw new Error(`output must be "spikes" or "counts", got "${output as string}".`);
  checkRange(rates, 0, Infinity, 'rates');
  if (output === 'spikes') {
    return tf.tidy(() => stream.bernoulliTensor([steps, ...rates.shape], tf.neg(tf.expm1(tf.mul(rates, -dt)))));
  }
  const means = rates.dataSync();
  const counts = new Float32Array(steps * means.length);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < means.length; i++) counts[t * means.length + i] = samplePoisson(means[i] * dt, stream);
  }
  return tf.tensor(counts, [steps, ...rates.shape], 'float32');
}
