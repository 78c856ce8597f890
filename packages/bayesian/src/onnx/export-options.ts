import type { ClassifierMetadata } from '@cristal/onnx';
import type { LoweredMlp } from './lowered-mlp';
import { checkEnsembleSize } from './ensemble-weights';

/** Which deterministic network stands for the posterior in the exported file. */
export type ExportPosterior = { kind: 'mean' } | { kind: 'ensemble'; samples: number; seed: number };

export interface BayesianMlpExportOptions {
  posterior: ExportPosterior;
  /** `modelFamily` is written as given; 'bayesian-mlp' is the family name for these models. */
  metadata: ClassifierMetadata;
  /** Free-form keys; the classifier keys and BAYESIAN_METADATA_KEYS are reserved. */
  extraMetadata?: Record<string, string>;
  opset?: number;
}

/** The model family these exports are meant to be recorded under. */
export const BAYESIAN_MLP_FAMILY = 'bayesian-mlp';

/** `metadata_props` keys written by the Bayesian exporter. */
export const BAYESIAN_METADATA_KEYS = {
  posterior: 'posterior',
  estimator: 'estimator',
  ensembleSamples: 'ensemble_samples',
  ensembleSeed: 'ensemble_seed',
} as const;

export function checkPosterior(posterior: ExportPosterior | undefined): void {
  const kind = (posterior as { kind?: unknown } | undefined)?.kind;
  if (kind === 'mean') return;
  if (kind === 'ensemble') {
    const p = posterior as { samples: number; seed: number };
    checkEnsembleSize(p.samples, p.seed);
    return;
  }
  throw new Error(`exportBayesianMlp: options.posterior must be { kind: 'mean' } or { kind: 'ensemble', samples: K, seed }, got ${JSON.stringify(posterior)}.`);
}

/**
 * The Bayesian keys: `posterior` ('mean' | 'ensemble'), `estimator` (the variational layers' training
 * estimators, comma-separated in layer order, 'none' without variational layers) and, for an
 * ensemble, `ensemble_samples` (K) and `ensemble_seed`, merged with the caller's extra keys.
 */
export function bayesianMetadata(posterior: ExportPosterior, lowered: LoweredMlp, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const reserved = Object.values(BAYESIAN_METADATA_KEYS) as string[];
  const clash = Object.keys(extra).filter((k) => reserved.includes(k));
  if (clash.length > 0) throw new Error(`exportBayesianMlp: extraMetadata key(s) ${clash.map((k) => `'${k}'`).join(', ')} are written by the exporter itself; rename them.`);
  const props: Record<string, string> = {
    ...extra,
    [BAYESIAN_METADATA_KEYS.posterior]: posterior.kind,
    [BAYESIAN_METADATA_KEYS.estimator]: lowered.estimators.length > 0 ? lowered.estimators.join(',') : 'none',
  };
  if (posterior.kind === 'ensemble') {
    props[BAYESIAN_METADATA_KEYS.ensembleSamples] = String(posterior.samples);
    props[BAYESIAN_METADATA_KEYS.ensembleSeed] = String(posterior.seed);
  }
  return props;
}
