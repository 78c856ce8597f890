import { accuracy, brierScore, expectedCalibrationError, matrix, nll, oodDetection, reliabilityDiagram } from '@cristal/metrics';
import type { ReliabilityBin, RotationScore } from '../leaderboard/leaderboard-types';

/** The in-distribution metrics of one model's probabilities [n, 10] on labelled images. */
export interface PredictiveScores {
  accuracy: number;
  nll: number;
  /** 15 equal-width bins (Guo et al. 2017), as a fraction. */
  ece: number;
  /** Summed over the 10 classes (Brier 1950), as the projects report it. */
  brier: number;
  reliability: ReliabilityBin[];
}

export function predictiveScores(probabilities: Float32Array, labels: Uint8Array): PredictiveScores {
  const p = matrix(probabilities, labels.length, 10);
  return {
    accuracy: accuracy(p, labels),
    nll: nll(p, labels),
    ece: expectedCalibrationError(p, labels),
    brier: brierScore(p, labels),
    reliability: reliabilityDiagram(p, labels, 15),
  };
}

export function rotationScore(degrees: number, probabilities: Float32Array, labels: Uint8Array): RotationScore {
  const p = matrix(probabilities, labels.length, 10);
  return { degrees, accuracy: accuracy(p, labels), ece: expectedCalibrationError(p, labels) };
}

/** Largest class probability of each row: the baseline OOD score (Hendrycks and Gimpel 2017). */
export function maxProbabilities(probabilities: Float32Array): Float64Array {
  const n = probabilities.length / 10;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let c = 0; c < 10; c++) m = Math.max(m, probabilities[i * 10 + c]);
    out[i] = m;
  }
  return out;
}

/**
 * AUROC of telling the in-distribution images from the OOD ones by maximum probability: the only
 * score every model has (a point network has no mutual information), so the one that compares all.
 */
export function maxProbabilityAuroc(inDistribution: Float32Array, outOfDistribution: Float32Array): number {
  return oodDetection(maxProbabilities(inDistribution), maxProbabilities(outOfDistribution), 'in').auroc;
}
