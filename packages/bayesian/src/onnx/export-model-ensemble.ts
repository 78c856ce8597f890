import { writeModelFile } from '@cristal/onnx';
import type { DenseEstimator } from '../models/bayesian-mlp';
import { Sequential } from '../models/sequential';
import { memberStreams } from './ensemble-streams';
import { checkPosterior, temperatureOf, type BayesianNetworkExportOptions } from './export-options';
import { checkInitializerBytes, writeNetworks } from './export-networks';
import { checkDropoutFoldable } from './fold-dropout';
import { lowerBayesianNetwork } from './lowered-network';
import { checkSameArchitecture } from './same-architecture';
import { checkSomethingToSample, meanPointNetwork, samplePointNetworks } from './sample-networks';

const LABEL = 'exportModelEnsemble';

function checkMembers(members: readonly Sequential[]): void {
  if (!Array.isArray(members) || members.length === 0) throw new Error(`${LABEL}: members must be a non-empty array of Sequential models, got ${Array.isArray(members) ? 'an empty array' : String(members)}.`);
  const bad = members.findIndex((m) => !(m instanceof Sequential));
  if (bad >= 0) throw new Error(`${LABEL}: member ${bad} is not a Sequential model; pass the trained models themselves.`);
  const repeated = members.findIndex((m, i) => members.indexOf(m) !== i);
  if (repeated >= 0) throw new Error(`${LABEL}: member ${repeated} is the same model object as member ${members.indexOf(members[repeated])}; a deep ensemble needs independently trained members.`);
}

/**
 * A deep ensemble of M independently trained models of one architecture (MLPs or LeNets; point,
 * variational or MC-dropout members) as one ONNX classifier with the shared signature:
 * p(y | x) = (1/N) sum_n softmax(f_n(x) / T) over N networks, where
 * - `posterior: { kind: 'mean' }`: N = M, each member's posterior-mean network (dropout off);
 * - `posterior: { kind: 'ensemble', samples: S, seed }`: N = M S, S samples of each member (weights
 *   and dropout masks as `exportBayesianNetwork` draws them), member m from the streams
 *   `sampling/member-m` and `dropout/member-m` of `new RandomStreams(seed)`, so members never share noise.
 * The networks run side by side (stacked initializers, grouped convolutions), one file.
 */
export function exportModelEnsemble(members: readonly Sequential[], options: BayesianNetworkExportOptions): Uint8Array {
  checkMembers(members);
  const { posterior } = options;
  checkPosterior(posterior, LABEL);
  const temperature = temperatureOf(options, LABEL);
  const lowered = members.map((m, i) => lowerBayesianNetwork(m, `${LABEL}: member ${i}`));
  checkSameArchitecture(lowered, LABEL);
  const estimators: DenseEstimator[] = [...new Set(lowered.flatMap((l) => l.estimators))];
  const dropout = lowered[0].steps.some((s) => s.kind === 'dropout' && s.rate > 0);
  const description = { posterior, estimators, temperature, dropout, members: members.length };
  if (posterior.kind === 'mean') {
    checkInitializerBytes(LABEL, lowered[0], () => members.length, `${members.length} members`);
    return writeNetworks({ label: LABEL, graphName: 'model_ensemble_mean', options, description, networks: () => lowered.map(meanPointNetwork) });
  }
  lowered.forEach((l, m) => checkSomethingToSample(l, `member ${m}`));
  checkDropoutFoldable(lowered[0], LABEL);
  const { samples, seed } = posterior;
  checkInitializerBytes(LABEL, lowered[0], () => members.length * samples, `${members.length} members x ${samples} samples`);
  return writeNetworks({
    label: LABEL,
    graphName: 'model_ensemble_sampled',
    options,
    description,
    networks: () => lowered.flatMap((l, m) => samplePointNetworks(l, samples, memberStreams(seed, m))),
  });
}

/** `exportModelEnsemble` written to `file` atomically (a temporary file, then a rename). */
export function exportModelEnsembleToFile(file: string, members: readonly Sequential[], options: BayesianNetworkExportOptions): void {
  writeModelFile(file, exportModelEnsemble(members, options));
}
