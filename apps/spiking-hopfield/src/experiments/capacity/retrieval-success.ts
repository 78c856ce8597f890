import { tf, type Tensor } from '@cristal/tensor';

export const OVERLAP_THRESHOLD = 0.95;

/**
 * Per query, whether retrieval succeeded: the retrieved state is closest (largest cosine overlap) to
 * its own stored pattern among all N, and that overlap is at least 0.95. For +-1 states the cosine
 * overlap is Hopfield's m = x . s / d; continuous states (the modern network's) are compared by
 * direction, so a retrieved pattern scaled by a constant still counts.
 */
export function retrievalSuccess(retrieved: Tensor, patterns: Tensor, targets: Int32Array): boolean[] {
  return tf.tidy(() => {
    const unit = (t: Tensor) => tf.div(t, tf.maximum(tf.norm(t, 'euclidean', 1, true), 1e-12));
    const overlaps = tf.matMul(unit(retrieved), unit(patterns), false, true); // [Q, N]
    const n = patterns.shape[0];
    const best = tf.argMax(overlaps, 1).dataSync();
    const values = overlaps.dataSync();
    return Array.from(targets, (t, q) => best[q] === t && values[q * n + t] >= OVERLAP_THRESHOLD);
  });
}

/** The largest N of an increasing grid whose success rate is at least `level`, before the first failure. */
export function capacityFromCurve(curve: readonly { n: number; success: number }[], level = 0.95): number {
  let capacity = 0;
  for (const point of curve) {
    if (point.success < level) break;
    capacity = point.n;
  }
  return capacity;
}
