import { writeModelFile } from '@cristal/onnx';
import type { Sequential } from '../models/sequential';
import { exportSingleModel } from './export-bayesian-network';
import type { BayesianMlpExportOptions } from './export-options';
import { lowerBayesianMlp } from './lowered-mlp';

/**
 * A Bayesian MLP (`Sequential` of dense variational, `Dense`, `Activation`, `McDropout`, `Flatten`
 * layers mapping 784 pixels to 10 logits) as a deterministic ONNX classifier with the shared
 * signature:
 * - `posterior: { kind: 'mean' }`: the posterior-mean network, softmax(f(x; mu)), a Gemm chain, dropout off;
 * - `posterior: { kind: 'ensemble', samples: K, seed }`: K weight samples and dropout masks drawn now
 *   (`sampleEnsembleWeights`), probabilities (1/K) sum_k softmax(f(x; W_k)) from batched MatMuls over
 *   the stacked samples, a Softmax per sample and a ReduceMean over the samples; each dropout mask is
 *   folded into the rows of the dense layer after it.
 * `temperature` T divides the logits before each softmax. The same exporter as
 * `exportBayesianNetwork`, restricted to dense chains (and their error messages).
 */
export function exportBayesianMlp(model: Sequential, options: BayesianMlpExportOptions): Uint8Array {
  lowerBayesianMlp(model);
  return exportSingleModel(model, options, 'exportBayesianMlp', 'bayesian_mlp');
}

/** `exportBayesianMlp` written to `file` atomically (a temporary file, then a rename). */
export function exportBayesianMlpToFile(file: string, model: Sequential, options: BayesianMlpExportOptions): void {
  writeModelFile(file, exportBayesianMlp(model, options));
}
