import { writeModelFile } from '@cristal/onnx';
import type { Sequential } from '../models/sequential';
import { ensembleStreams } from './ensemble-streams';
import { checkPosterior, temperatureOf, type BayesianNetworkExportOptions } from './export-options';
import { checkInitializerBytes, maskedDenseSteps, writeNetworks } from './export-networks';
import { checkDropoutFoldable } from './fold-dropout';
import { lowerBayesianNetwork } from './lowered-network';
import { isWeighted } from './network-steps';
import { checkSomethingToSample, meanPointNetwork, samplePointNetworks } from './sample-networks';

/** One model's export under the name of the exporter the caller used (`label`), its graph called `${graphPrefix}_posterior_mean` or `_ensemble`. */
export function exportSingleModel(model: Sequential, options: BayesianNetworkExportOptions, label: string, graphPrefix: string): Uint8Array {
  const { posterior } = options;
  checkPosterior(posterior, label);
  const temperature = temperatureOf(options, label);
  const lowered = lowerBayesianNetwork(model, label);
  const dropout = lowered.steps.some((s) => s.kind === 'dropout' && s.rate > 0);
  const description = { posterior, estimators: lowered.estimators, temperature, dropout };
  if (posterior.kind === 'mean') {
    return writeNetworks({ label, graphName: `${graphPrefix}_posterior_mean`, options, description, networks: () => [meanPointNetwork(lowered)] });
  }
  checkSomethingToSample(lowered);
  checkDropoutFoldable(lowered, label);
  const masked = maskedDenseSteps(lowered);
  const { samples, seed } = posterior;
  checkInitializerBytes(label, lowered, (i) => {
    const step = lowered.steps[i];
    return isWeighted(step) && (step.weight.rho !== null || masked.has(i)) ? samples : 1;
  }, `${samples} weight samples`);
  return writeNetworks({ label, graphName: `${graphPrefix}_ensemble`, options, description, networks: () => samplePointNetworks(lowered, samples, ensembleStreams(seed)) });
}

/**
 * A Bayesian network (`Sequential` of the layers `lowerBayesianNetwork` accepts: LeNet-style
 * ToImage, convolutions, max pooling, Flatten, then dense layers, dropout and activations; or an
 * MLP) as a deterministic ONNX classifier with the shared signature:
 * - `posterior: { kind: 'mean' }`: the posterior-mean network, softmax(f(x; mu) / T), dropout off;
 * - `posterior: { kind: 'ensemble', samples: K, seed }`: K networks drawn now (`sampleNetworkEnsemble`:
 *   weight samples and dropout masks), probabilities (1/K) sum_k softmax(f(x; W_k, m_k) / T).
 */
export function exportBayesianNetwork(model: Sequential, options: BayesianNetworkExportOptions): Uint8Array {
  return exportSingleModel(model, options, 'exportBayesianNetwork', 'bayesian_network');
}

/** `exportBayesianNetwork` written to `file` atomically (a temporary file, then a rename). */
export function exportBayesianNetworkToFile(file: string, model: Sequential, options: BayesianNetworkExportOptions): void {
  writeModelFile(file, exportBayesianNetwork(model, options));
}
