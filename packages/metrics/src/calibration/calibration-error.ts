import { argmaxRow, assertFiniteValues, assertNonEmpty, toLabels, toProbabilities, toVector, type MatrixInput, type VectorInput } from '../input/inputs';
import { calibrationErrorFromBins, equalMassBins, equalWidthBins, type CalibrationBin, type CalibrationNorm } from './binning';

export interface CalibrationOptions {
  /** Number of bins (default 15). */
  bins?: number;
  /** 'l1' (ECE, default), 'l2' (RMS calibration error) or 'max' (MCE). */
  norm?: CalibrationNorm;
}

/** Top-label confidence (max probability) and whether the top label is right, per sample. */
export function topLabelConfidence(probabilities: MatrixInput, labels: VectorInput): { confidences: Float64Array; correct: Uint8Array } {
  const p = toProbabilities(probabilities);
  const y = toLabels(labels, p.cols, p.rows);
  const confidences = new Float64Array(p.rows);
  const correct = new Uint8Array(p.rows);
  for (let i = 0; i < p.rows; i++) {
    const top = argmaxRow(p, i);
    confidences[i] = p.data[i * p.cols + top];
    correct[i] = top === y[i] ? 1 : 0;
  }
  return { confidences, correct };
}

/**
 * Top-label expected calibration error with equal-width bins; equals torchmetrics'
 * `MulticlassCalibrationError(n_bins, norm)` (see `equalWidthBins` for the bin convention).
 */
export function expectedCalibrationError(probabilities: MatrixInput, labels: VectorInput, options: CalibrationOptions = {}): number {
  const { confidences, correct } = topLabelConfidence(probabilities, labels);
  return calibrationErrorFromBins(equalWidthBins(confidences, correct, options.bins ?? 15), options.norm ?? 'l1');
}

/** Maximum calibration error: the largest |accuracy - confidence| over equal-width bins. */
export function maximumCalibrationError(probabilities: MatrixInput, labels: VectorInput, bins = 15): number {
  return expectedCalibrationError(probabilities, labels, { bins, norm: 'max' });
}

/** Adaptive (equal-mass) calibration error (Nixon et al. 2019), L1 by default. */
export function adaptiveCalibrationError(probabilities: MatrixInput, labels: VectorInput, options: CalibrationOptions = {}): number {
  const { confidences, correct } = topLabelConfidence(probabilities, labels);
  return calibrationErrorFromBins(equalMassBins(confidences, correct, options.bins ?? 15), options.norm ?? 'l1');
}

/**
 * Binary calibration error of the positive-class probability against 0/1 targets; equals
 * torchmetrics' `BinaryCalibrationError` (confidence = p(positive), not max(p, 1 - p)).
 */
export function binaryCalibrationError(positiveProbabilities: VectorInput, targets: VectorInput, options: CalibrationOptions = {}): number {
  const p = toVector(positiveProbabilities, 'positiveProbabilities');
  const t = toVector(targets, 'targets');
  assertNonEmpty(p.length, 'positiveProbabilities');
  assertFiniteValues(p, 'positiveProbabilities');
  if (t.length !== p.length) throw new Error(`targets: ${t.length} values for ${p.length} probabilities; they must match.`);
  for (let i = 0; i < p.length; i++) {
    if (p[i] < 0 || p[i] > 1) throw new Error(`positiveProbabilities[${i}] = ${p[i]} is not a probability.`);
    if (t[i] !== 0 && t[i] !== 1) throw new Error(`targets[${i}] = ${t[i]}; binary targets are 0 or 1.`);
  }
  return calibrationErrorFromBins(equalWidthBins(p, t, options.bins ?? 15), options.norm ?? 'l1');
}

/** Per-bin confidence, accuracy and count for a reliability diagram (the bins ECE uses). */
export function reliabilityDiagram(probabilities: MatrixInput, labels: VectorInput, bins = 15): CalibrationBin[] {
  const { confidences, correct } = topLabelConfidence(probabilities, labels);
  return equalWidthBins(confidences, correct, bins);
}
