import { toVector, type VectorInput } from '../input/inputs';
import { auroc, averagePrecision, fprAtTpr } from './ranking';

export interface OodDetectionResult {
  /** AUROC, in-distribution as the positive class (symmetric: the same with OOD as positive). */
  auroc: number;
  /** Average precision with in-distribution samples as positives. */
  auprIn: number;
  /** Average precision with out-of-distribution samples as positives (scores negated). */
  auprOut: number;
  /** Fraction of OOD samples accepted at the threshold that keeps 95% of in-distribution samples. */
  fprAt95Tpr: number;
}

/**
 * Out-of-distribution detection metrics for any score (Hendrycks and Gimpel 2017 conventions).
 * `higherIs` says which way the score points: max probability is higher for in-distribution inputs
 * (`'in'`), predictive entropy and mutual information are higher for OOD inputs (`'out'`).
 */
export function oodDetection(inDistribution: VectorInput, outOfDistribution: VectorInput, higherIs: 'in' | 'out'): OodDetectionResult {
  const sign = higherIs === 'in' ? 1 : higherIs === 'out' ? -1 : NaN;
  if (Number.isNaN(sign)) throw new Error(`higherIs must be "in" or "out", got "${higherIs as string}".`);
  const inScores = Float64Array.from(toVector(inDistribution, 'inDistribution'), (v) => sign * v);
  const outScores = Float64Array.from(toVector(outOfDistribution, 'outOfDistribution'), (v) => sign * v);
  return {
    auroc: auroc(inScores, outScores),
    auprIn: averagePrecision(inScores, outScores),
    auprOut: averagePrecision(outScores.map((v) => -v), inScores.map((v) => -v)),
    fprAt95Tpr: fprAtTpr(inScores, outScores, 0.95),
  };
}
