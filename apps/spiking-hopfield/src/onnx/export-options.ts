import { classifierMetadataProps, type ClassifierMetadata } from '@cristal/onnx';

/** The `model_family` each exporter writes. */
export const MODEL_FAMILIES = {
  retrieval: 'modern-hopfield-retrieval',
  pooling: 'modern-hopfield-pooling',
  lookup: 'modern-hopfield-lookup',
} as const;

export interface HopfieldExportOptions {
  /** Provenance; `model_family` is set by the exporter. */
  metadata: Omit<ClassifierMetadata, 'modelFamily'>;
  /** Free-form `metadata_props`; the keys the exporter writes itself (beta, steps, ...) are refused. */
  extraMetadata?: Record<string, string>;
  /** Default-domain opset (default that of @cristal/onnx, 21). */
  opset?: number;
}

/**
 * `metadata_props` of an exported Hopfield classifier: the shared classifier metadata, the family,
 * the model's own settings (`beta`, `steps`, ...) and the caller's extra keys. Numbers are written
 * with JavaScript's shortest round-trip form (String(0.1) = '0.1').
 */
export function hopfieldMetadataProps(family: string, options: HopfieldExportOptions, settings: Record<string, number>): Record<string, string> {
  const own = Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)]));
  for (const key of Object.keys(options.extraMetadata ?? {})) {
    if (key in own) throw new Error(`extraMetadata key '${key}' is written by the ${family} exporter itself (from the model's settings); remove it.`);
  }
  return classifierMetadataProps({ ...options.metadata, modelFamily: family }, { ...options.extraMetadata, ...own });
}
