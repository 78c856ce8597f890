import { tf, type RandomStream, type Tensor, type Tensor2D } from '@cristal/tensor';
import { addCategoricalCounts, fillExponential } from './count-samplers';
import { checkField, checkSampler, type SpikeSampler } from './escape-noise';
import { checkSteps } from './query-coding';

export interface PoissonRaceOptions {
  /** Readout window T in steps: exactly one memory spike per step. */
  steps: number;
  sampler?: SpikeSampler;
  stream: RandomStream;
}

/**
 * One memory spike per step, by a race: within a step every memory neuron is an escape-noise
 * neuron of rate exp(h_i), its first spike comes after an Exp(exp(h_i)) time, the first to spike
 * wins and its lateral inhibition silences the others until the next step. The winner is neuron i
 * with probability exp(h_i) / sum_k exp(h_k) = softmax(h)_i (the minimum of independent exponential
 * clocks), so the counts over T steps are Multinomial(T, softmax(h)) and c / T is an unbiased
 * estimate of the softmax. It is the noisy version of the latency winner-take-all: without noise
 * (beta -> infinity) the race is always won by the argmax.
 * 'steps' runs the race with Exp(1) draws per neuron per step (time = E_i exp(-h_i), compared in the
 * log domain); 'counts' draws the multinomial directly (inverse CDF, T draws per query).
 */
export function poissonRaceCounts(field: Tensor, options: PoissonRaceOptions): Tensor2D {
  const { steps, sampler = 'counts', stream } = options;
  checkField(field);
  checkSteps(steps, 'steps (readout window)');
  checkSampler(sampler);
  const [batch, size] = field.shape as [number, number];
  if (sampler === 'steps') {
    let counts = tf.zeros([batch, size]) as Tensor2D;
    for (let t = 0; t < steps; t++) {
      const next = tf.tidy(() => {
        const clocks = tf.tensor2d(fillExponential(new Float32Array(batch * size), stream), [batch, size]);
        const firstToSpike = tf.argMin(tf.sub(tf.log(clocks), field), 1);
        return tf.add(counts, tf.cast(tf.oneHot(firstToSpike, size), 'float32')) as Tensor2D;
      });
      counts.dispose();
      counts = next;
    }
    return counts;
  }
  const probabilities = tf.tidy(() => tf.softmax(field));
  const p = probabilities.dataSync();
  probabilities.dispose();
  const counts = new Float32Array(batch * size);
  for (let b = 0; b < batch; b++) addCategoricalCounts(p.subarray(b * size, (b + 1) * size), steps, stream, counts, b * size);
  return tf.tensor2d(counts, [batch, size]);
}
