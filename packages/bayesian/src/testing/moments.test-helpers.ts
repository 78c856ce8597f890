import { tf, RandomStream, type Tensor } from '@cristal/tensor';
import type { Layer } from '../layers/layer';

const { abs, max, sqrt } = Math;

export interface SampleMoments {
  mean: Float64Array;
  variance: Float64Array;
  /** Covariance of output i with output pairs[k][1], for each requested pair. */
  covariance: Float64Array;
  samples: number;
}

/** S forward passes of `layer` on x; the per-output sample mean, variance (n - 1) and the covariances of `pairs`. */
export function sampleLayerMoments(layer: Layer, x: Tensor, S: number, seed: number, pairs: [number, number][] = []): SampleMoments {
  const rng = new RandomStream(seed, 'moments');
  const first = tf.tidy(() => layer.call(x, rng, { kl: false }).output.dataSync());
  const n = first.length;
  const sum = new Float64Array(n);
  const sumSq = new Float64Array(n);
  const sumCross = new Float64Array(pairs.length);
  for (let s = 0; s < S; s++) {
    const y = tf.tidy(() => layer.call(x, rng, { kl: false }).output.dataSync());
    for (let i = 0; i < n; i++) {
      sum[i] += y[i];
      sumSq[i] += y[i] * y[i];
    }
    pairs.forEach(([a, b], k) => (sumCross[k] += y[a] * y[b]));
  }
  const mean = sum.map((v) => v / S);
  const variance = sumSq.map((v, i) => (v - S * mean[i] * mean[i]) / (S - 1));
  const covariance = Float64Array.from(pairs, ([a, b], k) => (sumCross[k] - S * mean[a] * mean[b]) / (S - 1));
  return { mean, variance, covariance, samples: S };
}

/**
 * The largest |z| over every output of: the sample mean against the exact mean (SE sqrt(v / S)), the
 * sample variance against the exact variance (SE v sqrt(2 / (S - 1)) for Gaussian outputs), and the
 * requested covariances against theirs (SE sqrt((v_a v_b + c^2) / S)).
 */
export function worstZ(m: SampleMoments, exact: { mean: ArrayLike<number>; variance: ArrayLike<number>; covariance?: ArrayLike<number> }, pairs: [number, number][] = []): number {
  const S = m.samples;
  let worst = 0;
  for (let i = 0; i < m.mean.length; i++) {
    const v = exact.variance[i];
    worst = max(worst, abs(m.mean[i] - exact.mean[i]) / sqrt(v / S), abs(m.variance[i] - v) / (v * sqrt(2 / (S - 1))));
  }
  pairs.forEach(([a, b], k) => {
    const c = exact.covariance?.[k] ?? 0;
    worst = max(worst, abs(m.covariance[k] - c) / sqrt((exact.variance[a] * exact.variance[b] + c * c) / S));
  });
  return worst;
}
