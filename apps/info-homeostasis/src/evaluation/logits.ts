import { BatchIterator, type ImageSet } from '@cristal/datasets';
import { matrix, type Matrix } from '@cristal/metrics';
import { tf, type Tensor2D } from '@cristal/tensor';

/** The logits [N, 10] of every image of `set`, in order, batched so memory stays bounded. */
export function evaluateClassifierLogits(logitsOf: (x: Tensor2D) => Tensor2D, set: ImageSet, batchSize = 1000): { logits: Matrix; labels: Uint8Array } {
  const out = new Float32Array(set.count * 10);
  let row = 0;
  for (const batch of new BatchIterator(set, { batchSize, shuffle: false }).batches()) {
    const z = tf.tidy(() => logitsOf(batch.x));
    out.set(z.dataSync(), row * 10);
    row += batch.size;
    z.dispose();
  }
  return { logits: matrix(out, set.count, 10), labels: set.labels.subarray(0, set.count) };
}
