import { assertFiniteValues, assertNonEmpty, toVector, type VectorInput } from '../input/inputs';

function scores(x: VectorInput, name: string): ArrayLike<number> {
  const v = toVector(x, name);
  assertNonEmpty(v.length, name);
  assertFiniteValues(v, name);
  return v;
}

/** All scores with their class, sorted by score descending. */
function ranked(pos: ArrayLike<number>, neg: ArrayLike<number>): { score: Float64Array; positive: Uint8Array } {
  const n = pos.length + neg.length;
  const idx = new Int32Array(n);
  const all = new Float64Array(n);
  for (let i = 0; i < pos.length; i++) all[i] = pos[i];
  for (let i = 0; i < neg.length; i++) all[pos.length + i] = neg[i];
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => all[b] - all[a]);
  const score = new Float64Array(n);
  const positive = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    score[i] = all[idx[i]];
    positive[i] = idx[i] < pos.length ? 1 : 0;
  }
  return { score, positive };
}

/**
 * Area under the ROC curve: P(score of a positive > score of a negative) + 1/2 P(equal), the
 * Mann-Whitney statistic with mid-ranks for ties. Equals the trapezoidal area of the ROC curve.
 */
export function auroc(positiveScores: VectorInput, negativeScores: VectorInput): number {
  const pos = scores(positiveScores, 'positiveScores');
  const neg = scores(negativeScores, 'negativeScores');
  const { score, positive } = ranked(pos, neg);
  // Walk groups of equal scores from the top: each positive beats the negatives below its group
  // and ties with the negatives inside it.
  let negBelow = neg.length;
  let wins = 0;
  for (let i = 0; i < score.length; ) {
    let j = i;
    let p = 0;
    let q = 0;
    while (j < score.length && score[j] === score[i]) {
      if (positive[j]) p++;
      else q++;
      j++;
    }
    negBelow -= q;
    wins += p * (negBelow + q / 2);
    i = j;
  }
  return wins / (pos.length * neg.length);
}

/**
 * Average precision, sum_k (R_k - R_{k-1}) P_k over the distinct score thresholds from the top (the
 * step-wise area under the precision-recall curve, scikit-learn's `average_precision_score`).
 */
export function averagePrecision(positiveScores: VectorInput, negativeScores: VectorInput): number {
  const pos = scores(positiveScores, 'positiveScores');
  const neg = scores(negativeScores, 'negativeScores');
  const { score, positive } = ranked(pos, neg);
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < score.length; ) {
    let j = i;
    while (j < score.length && score[j] === score[i]) {
      if (positive[j]) tp++;
      else fp++;
      j++;
    }
    const recall = tp / pos.length;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
    i = j;
  }
  return ap;
}

/**
 * False-positive rate at the first threshold (from the top) whose true-positive rate reaches `tpr`:
 * the fraction of negatives scoring at or above the highest threshold that keeps `tpr` of positives.
 */
export function fprAtTpr(positiveScores: VectorInput, negativeScores: VectorInput, tpr = 0.95): number {
  if (!(tpr > 0 && tpr <= 1)) throw new Error(`tpr must be in (0, 1], got ${tpr}.`);
  const pos = scores(positiveScores, 'positiveScores');
  const neg = scores(negativeScores, 'negativeScores');
  const { score, positive } = ranked(pos, neg);
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < score.length; ) {
    let j = i;
    while (j < score.length && score[j] === score[i]) {
      if (positive[j]) tp++;
      else fp++;
      j++;
    }
    if (tp / pos.length >= tpr - 1e-12) return fp / neg.length;
    i = j;
  }
  return 1;
}
