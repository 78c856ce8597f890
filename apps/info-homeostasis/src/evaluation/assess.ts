import { BatchIterator, type ImageSet } from '@cristal/datasets';
import { accuracy, brierScore, expectedCalibrationError, matrix, mcUncertainty, nll, type Matrix } from '@cristal/metrics';
import { tf, type Tensor2D, type Tensor3D } from '@cristal/tensor';

/** The metrics of one model on one image set, from its sampled predictive. */
export interface Assessment {
  set: string;
  accuracy: number;
  nll: number;
  /** 15 equal-width bins (Guo et al. 2017). */
  ece: number;
  brier: number;
  /** The predictive [N, 10] (mean over samples). */
  probabilities: Matrix;
  labels: Uint8Array;
  /** H[mean_s p_s] per image, nats. */
  predictiveEntropy: Float64Array;
  /** Mutual information between the label and the weights (BALD) per image, nats; 0 for a single sample. */
  mutualInformation: Float64Array;
}

/** Runs `samples` ([S, B, 10] per batch) over `set` once and derives every metric from it. */
export function assess(samples: (x: Tensor2D) => Tensor3D, set: ImageSet, batchSize = 500): Assessment {
  const N = set.count;
  const probabilities = new Float64Array(N * 10);
  const predictiveEntropy = new Float64Array(N);
  const mutualInformation = new Float64Array(N);
  let row = 0;
  for (const batch of new BatchIterator(set, { batchSize, shuffle: false }).batches()) {
    const s = tf.tidy(() => samples(batch.x));
    try {
      const u = mcUncertainty(s);
      probabilities.set(u.mean.data as Float64Array, row * 10);
      predictiveEntropy.set(u.predictiveEntropy, row);
      mutualInformation.set(u.mutualInformation, row);
    } finally {
      s.dispose();
    }
    row += batch.size;
  }
  const p = matrix(probabilities, N, 10);
  const labels = set.labels.subarray(0, N);
  return {
    set: set.name,
    accuracy: accuracy(p, labels),
    nll: nll(p, labels),
    ece: expectedCalibrationError(p, labels, { bins: 15 }),
    brier: brierScore(p, labels),
    probabilities: p,
    labels,
    predictiveEntropy,
    mutualInformation,
  };
}
