import { tf, softmax, type RandomStream, type Tensor, type Tensor2D, type Tensor3D } from '@cristal/tensor';
import type { CallOptions } from '../layers/layer';
import type { Model } from '../models/sequential';

export interface PredictiveOptions {
  /** S, the number of stochastic forward passes. */
  samples: number;
  /** The noise of every pass; drawn from in order (pass 0 on the first batch first), so a stream state gives the same samples. */
  rng: RandomStream;
  /** Examples per forward pass (default all at once). The noise draws depend on it: keep it fixed to reproduce samples. */
  batchSize?: number;
}

export interface PredictiveSamples {
  /** p_s(y | x) for each pass s: [S, N, C], each row sums to 1; the input of `mcUncertainty` (@cristal/metrics). */
  probabilities: Tensor3D;
  /** The Monte-Carlo predictive distribution (1/S) sum_s p_s(y | x): [N, C]. */
  mean: Tensor2D;
}

function stackAndMean(perSample: Tensor[]): PredictiveSamples {
  return tf.tidy(() => {
    const probabilities = tf.stack(perSample) as Tensor3D;
    return { probabilities, mean: tf.mean(probabilities, 0) as Tensor2D };
  });
}

/**
 * S stochastic forward passes of a model (variational or MC dropout) on inputs x [N, ...]:
 *   p_s = softmax(f(x; w_s)),  w_s ~ q(w),  mean = (1/S) sum_s p_s
 * No KL is computed. Every pass draws its noise from `rng`.
 */
export function predictiveSamples(model: Pick<Model, 'call'>, x: Tensor, options: PredictiveOptions): PredictiveSamples {
  const { samples, rng } = options;
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`predictiveSamples: samples must be a positive integer, got ${samples}.`);
  const N = x.shape[0];
  const batchSize = options.batchSize ?? N;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`predictiveSamples: batchSize must be a positive integer, got ${batchSize}.`);
  const callOptions: CallOptions = { mode: 'sample', kl: false };
  const perSample = tf.tidy(() =>
    Array.from({ length: samples }, () => {
      const parts: Tensor[] = [];
      for (let start = 0; start < N; start += batchSize) {
        const xb = tf.slice(x, start, Math.min(batchSize, N - start));
        const out = model.call(xb, rng, callOptions);
        parts.push(softmax(out.output));
        tf.dispose([out.kl]);
      }
      return parts.length === 1 ? parts[0] : tf.concat(parts, 0);
    }),
  );
  const result = stackAndMean(perSample);
  tf.dispose(perSample);
  return result;
}

/**
 * The predictive of K deterministic models (a deep ensemble): p_k = softmax(f_k(x)) through each
 * model's mean pass, [K, N, C], and their mean, the ensemble's prediction.
 */
export function ensemblePredictive(models: Pick<Model, 'call'>[], x: Tensor, rng: RandomStream): PredictiveSamples {
  if (models.length === 0) throw new Error('ensemblePredictive: no models.');
  const perMember = tf.tidy(() =>
    models.map((m) => {
      const out = m.call(x, rng, { mode: 'mean', kl: false });
      tf.dispose([out.kl]);
      return softmax(out.output);
    }),
  );
  const result = stackAndMean(perMember);
  tf.dispose(perMember);
  return result;
}
