import type { ClassifierMetadata } from '@cristal/onnx';
import type { DenseEstimator } from '../models/bayesian-mlp';
import { checkEnsembleSize } from './ensemble-streams';

/** Which deterministic network(s) stand for the posterior in the exported file. */
export type ExportPosterior = { kind: 'mean' } | { kind: 'ensemble'; samples: number; seed: number };

export interface BayesianMlpExportOptions {
  /** For `exportModelEnsemble`, per member: its mean, or `samples` samples of each member. */
  posterior: ExportPosterior;
  /** `modelFamily` is written as given; 'bayesian-mlp' is the family name for these models. */
  metadata: ClassifierMetadata;
  /** Free-form keys; the classifier keys and BAYESIAN_METADATA_KEYS are reserved. */
  extraMetadata?: Record<string, string>;
  opset?: number;
  /** Softmax temperature T > 0 (default 1): each network's probabilities are softmax(logits / T) before the average. */
  temperature?: number;
}

/** The options of every Bayesian exporter: `exportBayesianMlp`, `exportBayesianNetwork`, `exportModelEnsemble`. */
export type BayesianNetworkExportOptions = BayesianMlpExportOptions;

/** The model family these exports are meant to be recorded under. */
export const BAYESIAN_MLP_FAMILY = 'bayesian-mlp';

/** `metadata_props` keys written by the Bayesian exporters. */
export const BAYESIAN_METADATA_KEYS = {
  posterior: 'posterior',
  estimator: 'estimator',
  ensembleSamples: 'ensemble_samples',
  ensembleSeed: 'ensemble_seed',
  ensembleMembers: 'ensemble_members',
  temperature: 'temperature',
  mcDropout: 'mc_dropout',
} as const;

export function checkPosterior(posterior: ExportPosterior | undefined, label = 'exportBayesianMlp'): void {
  const kind = (posterior as { kind?: unknown } | undefined)?.kind;
  if (kind === 'mean') return;
  if (kind === 'ensemble') {
    const p = posterior as { samples: number; seed: number };
    checkEnsembleSize(p.samples, p.seed);
    return;
  }
  throw new Error(`${label}: options.posterior must be { kind: 'mean' } or { kind: 'ensemble', samples: K, seed }, got ${JSON.stringify(posterior)}.`);
}

/** `options.temperature`, validated, 1 when absent. */
export function temperatureOf(options: { temperature?: number }, label: string): number {
  const { temperature = 1 } = options;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature <= 0) {
    throw new Error(`${label}: temperature must be a finite number > 0 (probabilities are softmax(logits / T); 1 leaves them as they are), got ${String(temperature)}.`);
  }
  return temperature;
}

/** What the Bayesian metadata records about an export. */
export interface ExportDescription {
  posterior: ExportPosterior;
  /** Estimators of the variational layers in layer order, without repeats. */
  estimators: readonly DenseEstimator[];
  temperature: number;
  /** Whether the model has McDropout layers with a rate above 0. */
  dropout: boolean;
  /** For a model ensemble: the number of members. */
  members?: number;
}

/**
 * The Bayesian keys: `posterior` ('mean' | 'ensemble'), `estimator` (the variational layers'
 * training estimators, comma-separated in layer order, 'none' without variational layers),
 * `temperature`; for an ensemble `ensemble_samples` (K, per member for a model ensemble) and
 * `ensemble_seed`; for a model ensemble `ensemble_members`; for a model with dropout `mc_dropout`
 * ('masks': sampled masks folded into the weights, 'identity': dropout off). Merged with the
 * caller's extra keys, which may not use these names.
 */
export function bayesianMetadata(description: ExportDescription, extra: Readonly<Record<string, string>> = {}, label = 'exportBayesianMlp'): Record<string, string> {
  const reserved = Object.values(BAYESIAN_METADATA_KEYS) as string[];
  const clash = Object.keys(extra).filter((k) => reserved.includes(k));
  if (clash.length > 0) throw new Error(`${label}: extraMetadata key(s) ${clash.map((k) => `'${k}'`).join(', ')} are written by the exporter itself; rename them.`);
  const { posterior, estimators } = description;
  const props: Record<string, string> = {
    ...extra,
    [BAYESIAN_METADATA_KEYS.posterior]: posterior.kind,
    [BAYESIAN_METADATA_KEYS.estimator]: estimators.length > 0 ? estimators.join(',') : 'none',
    [BAYESIAN_METADATA_KEYS.temperature]: String(description.temperature),
  };
  if (posterior.kind === 'ensemble') {
    props[BAYESIAN_METADATA_KEYS.ensembleSamples] = String(posterior.samples);
    props[BAYESIAN_METADATA_KEYS.ensembleSeed] = String(posterior.seed);
  }
  if (description.members !== undefined) props[BAYESIAN_METADATA_KEYS.ensembleMembers] = String(description.members);
  if (description.dropout) props[BAYESIAN_METADATA_KEYS.mcDropout] = posterior.kind === 'ensemble' ? 'masks' : 'identity';
  return props;
}
