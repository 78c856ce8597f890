import { writeModelFile } from '@cristal/onnx';
import { sampleWeightBeliefs, type WeightBeliefs } from '../bayesian-pc/weight-beliefs';
import type { PcArchitecture } from '../pc/architecture';
import { disposePcParams } from '../pc/params';
import type { PcExportOptions } from './export-options';
import { exportPcEnsemble } from './export-pc-predictor';

export interface BayesianPcExportOptions extends PcExportOptions {
  /** K, the number of weight samples in the file. */
  samples: number;
  /** The sample seed: the file computes what BayesianPcTrainer.predictive(x, K, seed) computes. */
  seed: number;
}

/**
 * Bayesian PC as a K-sample ensemble with the shared classifier signature: K networks drawn from the
 * beliefs with `sampleWeightBeliefs(beliefs, K, seed)` (so the same K and seed give the same
 * networks as the trainer's predictive, and the same bytes), p(y | x) = (1/K) sum_k softmax(x̄_L(x; W_k)).
 */
export function exportBayesianPc(beliefs: WeightBeliefs, architecture: PcArchitecture, options: BayesianPcExportOptions): Uint8Array {
  const samples = sampleWeightBeliefs(beliefs, options.samples, options.seed);
  try {
    const { samples: _k, seed, ...rest } = options;
    return exportPcEnsemble(samples, architecture, { ...rest, sampleSeed: seed });
  } finally {
    samples.forEach(disposePcParams);
  }
}

/** `exportBayesianPc` written atomically (temporary file, then rename). */
export function exportBayesianPcToFile(file: string, beliefs: WeightBeliefs, architecture: PcArchitecture, options: BayesianPcExportOptions): void {
  writeModelFile(file, exportBayesianPc(beliefs, architecture, options));
}
