import type { ModelProto } from 'onnx-buf';

/**
 * Provenance stored in `metadata_props` of every exported classifier, so a model file alone says
 * which run made it and what it scored at training time.
 */
export interface ClassifierMetadata {
  project: string;
  experiment: string;
  runId: string;
  gitCommit: string;
  configHash: string;
  modelFamily: string;
  /** Simulation steps of spiking models; absent for models without time. */
  timeSteps?: number;
  /** The training-time test metrics (accuracy, ECE, ...), stored as JSON. */
  testMetrics: Record<string, number>;
}

const KEYS = {
  project: 'project',
  experiment: 'experiment',
  runId: 'run_id',
  gitCommit: 'git_commit',
  configHash: 'config_hash',
  modelFamily: 'model_family',
  timeSteps: 'time_steps',
  testMetrics: 'test_metrics',
} as const;

export const METADATA_KEYS: readonly string[] = Object.values(KEYS);

/** `metadata_props` entries for `GraphBuilder.build({ metadata })`; `extra` adds free-form keys. */
export function classifierMetadataProps(meta: ClassifierMetadata, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  for (const key of Object.keys(extra)) {
    if (METADATA_KEYS.includes(key)) throw new Error(`metadata key '${key}' is reserved for the classifier metadata`);
  }
  const props: Record<string, string> = {
    ...extra,
    [KEYS.project]: meta.project,
    [KEYS.experiment]: meta.experiment,
    [KEYS.runId]: meta.runId,
    [KEYS.gitCommit]: meta.gitCommit,
    [KEYS.configHash]: meta.configHash,
    [KEYS.modelFamily]: meta.modelFamily,
    // sorted keys: the same metrics in another order must give the same bytes
    [KEYS.testMetrics]: JSON.stringify(Object.fromEntries(Object.entries(meta.testMetrics).sort(([a], [b]) => (a < b ? -1 : 1)))),
  };
  if (meta.timeSteps !== undefined) props[KEYS.timeSteps] = String(meta.timeSteps);
  return props;
}

/** What a model file says about itself. Fields are missing when a foreign exporter did not write them. */
export interface ModelMetadata {
  classifier: Partial<ClassifierMetadata>;
  /** Every `metadata_props` entry as written. */
  props: Record<string, string>;
  producer: string;
  opset: number;
  irVersion: number;
}

export function readModelMetadata(model: ModelProto): ModelMetadata {
  const props = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
  const classifier: Partial<ClassifierMetadata> = {};
  const text = (k: keyof typeof KEYS) => props[KEYS[k]];
  for (const k of ['project', 'experiment', 'runId', 'gitCommit', 'configHash', 'modelFamily'] as const) {
    if (text(k) !== undefined) classifier[k] = text(k);
  }
  if (text('timeSteps') !== undefined) classifier.timeSteps = Number(text('timeSteps'));
  if (text('testMetrics') !== undefined) {
    try {
      classifier.testMetrics = JSON.parse(text('testMetrics') as string) as Record<string, number>;
    } catch {
      // a foreign file's malformed metrics stay readable as the raw string in `props`
    }
  }
  const opset = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return {
    classifier,
    props,
    producer: `${model.producerName} ${model.producerVersion}`.trim(),
    opset: opset ? Number(opset.version) : 0,
    irVersion: Number(model.irVersion),
  };
}
