import { argmaxRow, toLabels, toProbabilities, type MatrixInput, type VectorInput } from '../input/inputs';

/** Fraction of samples whose most probable class is the label (ties: the first maximum). */
export function accuracy(probabilities: MatrixInput, labels: VectorInput): number {
  return topKAccuracy(probabilities, labels, 1);
}

/**
 * Fraction of samples whose label is among the k most probable classes. A label tied with the k-th
 * largest probability counts as a hit only if fewer than k classes are strictly more probable.
 */
export function topKAccuracy(probabilities: MatrixInput, labels: VectorInput, k: number): number {
  const p = toProbabilities(probabilities);
  const y = toLabels(labels, p.cols, p.rows);
  if (!Number.isInteger(k) || k < 1 || k > p.cols) throw new Error(`k must be an integer in [1, ${p.cols}], got ${k}.`);
  let hits = 0;
  for (let i = 0; i < p.rows; i++) {
    if (k === 1) {
      if (argmaxRow(p, i) === y[i]) hits++;
      continue;
    }
    const target = p.data[i * p.cols + y[i]];
    let above = 0;
    for (let c = 0; c < p.cols; c++) if (p.data[i * p.cols + c] > target) above++;
    if (above < k) hits++;
  }
  return hits / p.rows;
}

/** Probability floor used by `nll`: log(1e-12) = -27.6 nats is the worst a sample can cost. */
export const NLL_EPSILON = 1e-12;

/**
 * Mean negative log-likelihood in nats, -mean(log p[label]), from probabilities. Probabilities are
 * clipped below at `eps` (default 1e-12) so that a confident mistake costs log(1/eps) instead of
 * Infinity; say which eps when comparing with other code.
 */
export function nll(probabilities: MatrixInput, labels: VectorInput, eps = NLL_EPSILON): number {
  const p = toProbabilities(probabilities);
  const y = toLabels(labels, p.cols, p.rows);
  let sum = 0;
  for (let i = 0; i < p.rows; i++) sum -= Math.log(Math.max(p.data[i * p.cols + y[i]], eps));
  return sum / p.rows;
}

/**
 * Multi-class Brier score: mean over samples of sum over classes of (p_c - 1[c = label])^2, in
 * [0, 2] (Brier 1950). `perClass: true` divides by the number of classes, the convention of Ovadia
 * et al. 2019 ("|Y|^-1 sum_y ..."), so their numbers are ours / C.
 */
export function brierScore(probabilities: MatrixInput, labels: VectorInput, options: { perClass?: boolean } = {}): number {
  const p = toProbabilities(probabilities);
  const y = toLabels(labels, p.cols, p.rows);
  let sum = 0;
  for (let i = 0; i < p.rows; i++) {
    for (let c = 0; c < p.cols; c++) {
      const d = p.data[i * p.cols + c] - (c === y[i] ? 1 : 0);
      sum += d * d;
    }
  }
  return sum / p.rows / (options.perClass ? p.cols : 1);
}
