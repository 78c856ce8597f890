import { tf, type Tensor2D, type Tensor3D } from '@cristal/tensor';
import { accuracy, brierScore, nll } from '../classification/classification';
import { expectedCalibrationError } from '../calibration/calibration-error';
import { matrix, type Matrix } from '../input/inputs';
import { mcUncertainty } from '../uncertainty/mc-uncertainty';

const PIXELS = 784;
const CLASSES = 10;

/** The images a classifier is assessed on: 28x28 uint8 pixels, row-major, and their labels. */
export interface LabelledImages {
  name: string;
  count: number;
  /** uint8 pixels [count * 784] (more is allowed; only the first `count` images are read). */
  images: Uint8Array;
  labels: Uint8Array;
}

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

/**
 * Runs `samples` over `set` once, in batches of pixels / 255 (float32 [B, 784]) in dataset order,
 * and derives every metric of the lab's calibration protocol from the mean predictive: accuracy,
 * NLL, ECE (15 bins), Brier, and per image the predictive entropy and the mutual information.
 * `samples` returns S sampled class distributions [S, B, 10] (S = 1 for a point model); it runs
 * inside tf.tidy, so it may allocate freely.
 */
export function assessPredictive(samples: (x: Tensor2D) => Tensor3D, set: LabelledImages, batchSize = 500): Assessment {
  const N = set.count;
  if (!Number.isInteger(N) || N < 1) throw new Error(`assessPredictive: ${set.name} has ${N} images; need at least one.`);
  if (set.images.length < N * PIXELS) throw new Error(`assessPredictive: ${set.name} holds ${set.images.length} pixels, fewer than ${N} images of 784.`);
  if (set.labels.length < N) throw new Error(`assessPredictive: ${set.name} has ${set.labels.length} labels for ${N} images.`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`assessPredictive: batchSize must be a positive integer, got ${batchSize}.`);
  const probabilities = new Float64Array(N * CLASSES);
  const predictiveEntropy = new Float64Array(N);
  const mutualInformation = new Float64Array(N);
  const pixels = new Float32Array(batchSize * PIXELS);
  for (let row = 0; row < N; row += batchSize) {
    const size = Math.min(batchSize, N - row);
    for (let i = 0; i < size * PIXELS; i++) pixels[i] = set.images[row * PIXELS + i] / 255;
    const s = tf.tidy(() => {
      const out = samples(tf.tensor2d(pixels.subarray(0, size * PIXELS), [size, PIXELS]));
      if (out.rank !== 3 || out.shape[1] !== size || out.shape[2] !== CLASSES) {
        throw new Error(`assessPredictive: the model returned shape [${out.shape.join(', ')}] for a batch of ${size}; expected [S, ${size}, 10].`);
      }
      return out;
    });
    try {
      const u = mcUncertainty(s);
      probabilities.set(u.mean.data as Float64Array, row * CLASSES);
      predictiveEntropy.set(u.predictiveEntropy, row);
      mutualInformation.set(u.mutualInformation, row);
    } finally {
      s.dispose();
    }
  }
  const p = matrix(probabilities, N, CLASSES);
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
