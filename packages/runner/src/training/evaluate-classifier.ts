import type { ImageSet } from '@cristal/datasets';
import { BatchIterator } from '@cristal/datasets';
import { accuracy, brierScore, expectedCalibrationError, matrix, nll } from '@cristal/metrics';
import { tf, type Tensor2D } from '@cristal/tensor';

/** Class probabilities [B, 10] for pixels [B, 784] in [0, 1]; called inside `tf.tidy`. */
export type ProbabilityFn = (x: Tensor2D) => Tensor2D;

export interface ClassifierEvaluation {
  accuracy: number;
  /** Mean negative log-likelihood in nats. */
  nll: number;
  /** 15 equal-width bins, L1 (the metrics package's convention). */
  ece: number;
  brier: number;
  /** Row-major [count, 10]. */
  probabilities: Float32Array;
  labels: Uint8Array;
}

/**
 * Probabilities of every image of `set` (in order, batched so memory stays bounded) and the shared
 * test metrics. The probabilities are read back as float32, exactly what an ONNX model would return.
 */
export function evaluateClassifier(probabilitiesOf: ProbabilityFn, set: ImageSet, batchSize = 1000): ClassifierEvaluation {
  const out = new Float32Array(set.count * 10);
  const batches = new BatchIterator(set, { batchSize, shuffle: false });
  let row = 0;
  for (const batch of batches.batches()) {
    const p = tf.tidy(() => probabilitiesOf(batch.x));
    if (p.shape[0] !== batch.size || p.shape[1] !== 10) {
      const shape = p.shape.join(', ');
      p.dispose();
      throw new Error(`evaluateClassifier(${set.name}): the model returned probabilities [${shape}] for a batch of ${batch.size}; expected [${batch.size}, 10].`);
    }
    out.set(p.dataSync(), row * 10);
    p.dispose();
    row += batch.size;
  }
  const labels = set.labels.subarray(0, set.count);
  const probs = matrix(out, set.count, 10);
  return {
    accuracy: accuracy(probs, labels),
    nll: nll(probs, labels),
    ece: expectedCalibrationError(probs, labels),
    brier: brierScore(probs, labels),
    probabilities: out,
    labels,
  };
}
