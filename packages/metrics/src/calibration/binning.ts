/** One calibration bin: [lower, upper) except the bin of confidence exactly 1. */
export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence of the bin's samples (0 when empty). */
  confidence: number;
  /** Fraction of the bin's samples that were right (0 when empty). */
  accuracy: number;
}

/**
 * Equal-width bins with torchmetrics' `CalibrationError` convention, so our ECE equals theirs:
 * boundaries are float32 linspace(0, 1, n + 1); a confidence c falls in bin k when
 * b_k <= c < b_{k+1} (compared in float32, as torch does); c = 1 exactly gets a bin of its own
 * [1, 1] (torch.bucketize(right=True) puts it past the last boundary), listed only when non-empty.
 */
export function equalWidthBins(confidences: ArrayLike<number>, correct: ArrayLike<number>, nBins: number): CalibrationBin[] {
  if (!Number.isInteger(nBins) || nBins < 1) throw new Error(`bins must be a positive integer, got ${nBins}.`);
  const bounds = Array.from({ length: nBins + 1 }, (_, k) => Math.fround(k / nBins));
  const count = new Float64Array(nBins + 1);
  const conf = new Float64Array(nBins + 1);
  const acc = new Float64Array(nBins + 1);
  for (let i = 0; i < confidences.length; i++) {
    const c = Math.fround(confidences[i]);
    // first boundary strictly above c, minus one (binary search over the sorted boundaries)
    let lo = 0;
    let hi = nBins + 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bounds[mid] > c) hi = mid;
      else lo = mid + 1;
    }
    const k = Math.max(0, lo - 1);
    count[k]++;
    conf[k] += confidences[i];
    acc[k] += correct[i];
  }
  const bins: CalibrationBin[] = [];
  for (let k = 0; k <= nBins; k++) {
    if (k === nBins && count[k] === 0) break;
    bins.push({
      lower: k === nBins ? 1 : bounds[k],
      upper: k === nBins ? 1 : bounds[k + 1],
      count: count[k],
      confidence: count[k] > 0 ? conf[k] / count[k] : 0,
      accuracy: count[k] > 0 ? acc[k] / count[k] : 0,
    });
  }
  return bins;
}

/**
 * Equal-mass bins (adaptive calibration error, Nixon et al. 2019): samples sorted by confidence and
 * split into `nBins` groups whose sizes differ by at most one (numpy.array_split's rule). Ties may be
 * split across neighbouring bins.
 */
export function equalMassBins(confidences: ArrayLike<number>, correct: ArrayLike<number>, nBins: number): CalibrationBin[] {
  if (!Number.isInteger(nBins) || nBins < 1) throw new Error(`bins must be a positive integer, got ${nBins}.`);
  const n = confidences.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => confidences[a] - confidences[b] || a - b);
  const base = Math.floor(n / nBins);
  const extra = n % nBins;
  const bins: CalibrationBin[] = [];
  let start = 0;
  for (let k = 0; k < nBins; k++) {
    const size = base + (k < extra ? 1 : 0);
    let conf = 0;
    let acc = 0;
    for (let j = start; j < start + size; j++) {
      conf += confidences[order[j]];
      acc += correct[order[j]];
    }
    bins.push({
      lower: size > 0 ? confidences[order[start]] : NaN,
      upper: size > 0 ? confidences[order[start + size - 1]] : NaN,
      count: size,
      confidence: size > 0 ? conf / size : 0,
      accuracy: size > 0 ? acc / size : 0,
    });
    start += size;
  }
  return bins;
}

export type CalibrationNorm = 'l1' | 'l2' | 'max';

/** L1: sum_k w_k |acc_k - conf_k|; L2: sqrt(sum_k w_k (acc_k - conf_k)^2); max: max_k |acc_k - conf_k|. */
export function calibrationErrorFromBins(bins: CalibrationBin[], norm: CalibrationNorm): number {
  const total = bins.reduce((s, b) => s + b.count, 0);
  if (norm === 'max') return bins.reduce((m, b) => Math.max(m, Math.abs(b.accuracy - b.confidence)), 0);
  if (norm === 'l1') return bins.reduce((s, b) => s + (b.count / total) * Math.abs(b.accuracy - b.confidence), 0);
  if (norm === 'l2') return Math.sqrt(bins.reduce((s, b) => s + (b.count / total) * (b.accuracy - b.confidence) ** 2, 0));
  throw new Error(`norm must be "l1", "l2" or "max", got "${norm as string}".`);
}
