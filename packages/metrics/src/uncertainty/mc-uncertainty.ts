import { tf, type Tensor } from '@cristal/tensor';
import { assertFiniteValues, assertNonEmpty, type Matrix } from '../input/inputs';

/** Monte-Carlo predictive samples [S, N, C]: a rank-3 tensor or plain data. */
export type SamplesInput = Tensor | { data: ArrayLike<number>; samples: number; rows: number; cols: number };

export interface McUncertainty {
  /** Mean predictive distribution [N, C]. */
  mean: Matrix;
  /** H[mean_s p_s]: total uncertainty, per sample, in nats. */
  predictiveEntropy: Float64Array;
  /** mean_s H[p_s]: aleatoric part, per sample, in nats. */
  expectedEntropy: Float64Array;
  /** predictiveEntropy - expectedEntropy: the epistemic part (BALD), per sample, in nats, >= 0. */
  mutualInformation: Float64Array;
}

function entropy(p: ArrayLike<number>, offset: number, n: number): number {
  let h = 0;
  for (let c = 0; c < n; c++) {
    const v = p[offset + c];
    if (v > 0) h -= v * Math.log(v); // 0 log 0 = 0
  }
  return h;
}

/**
 * Decomposes the uncertainty of S sampled predictive distributions per input (Depeweg et al. 2018;
 * BALD, Houlsby et al. 2011). Accumulates in float64. Mutual information is clamped at 0: it is
 * non-negative by Jensen's inequality, and only rounding can make it dip below.
 */
export function mcUncertainty(samples: SamplesInput): McUncertainty {
  let data: ArrayLike<number>;
  let S: number;
  let N: number;
  let C: number;
  if (samples instanceof tf.Tensor) {
    if (samples.rank !== 3) throw new Error(`samples: expected a rank-3 tensor [S, N, C], got shape [${samples.shape.join(', ')}].`);
    [S, N, C] = samples.shape as [number, number, number];
    data = samples.dataSync() as Float32Array;
  } else {
    ({ data, samples: S, rows: N, cols: C } = samples);
    if (data.length !== S * N * C) throw new Error(`samples: ${data.length} values cannot fill [${S}, ${N}, ${C}].`);
  }
  assertNonEmpty(S, 'samples (S)');
  assertNonEmpty(N, 'samples (N)');
  assertFiniteValues(data, 'samples');
  const mean = new Float64Array(N * C);
  const expectedEntropy = new Float64Array(N);
  for (let s = 0; s < S; s++) {
    for (let i = 0; i < N; i++) {
      const offset = (s * N + i) * C;
      let sum = 0;
      for (let c = 0; c < C; c++) {
        const v = data[offset + c];
        if (v < -1e-6 || v > 1 + 1e-6) throw new Error(`samples[${s}][${i}][${c}] = ${v} is not a probability.`);
        mean[i * C + c] += v / S;
        sum += v;
      }
      if (Math.abs(sum - 1) > 1e-3) throw new Error(`samples[${s}][${i}] sums to ${sum}, not 1; pass probabilities.`);
      expectedEntropy[i] += entropy(data, offset, C) / S;
    }
  }
  const predictiveEntropy = new Float64Array(N);
  const mutualInformation = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    predictiveEntropy[i] = entropy(mean, i * C, C);
    mutualInformation[i] = Math.max(0, predictiveEntropy[i] - expectedEntropy[i]);
  }
  return { mean: { data: mean, rows: N, cols: C }, predictiveEntropy, expectedEntropy, mutualInformation };
}

/** Per-row entropy of probabilities [N, C], in nats. */
export function rowEntropy(p: Matrix): Float64Array {
  const out = new Float64Array(p.rows);
  for (let i = 0; i < p.rows; i++) out[i] = entropy(p.data, i * p.cols, p.cols);
  return out;
}
