import type { ClassifierMetadata } from '@cristal/onnx';
import { PC_OUTPUTS, type PcOutput } from '../pc/pc-options';
import type { PcArchitecture } from '../pc/architecture';

export interface PcExportOptions {
  metadata: ClassifierMetadata;
  /**
   * The output the network was trained with (default 'squared-error'); recorded in the metadata.
   * Either way the file computes softmax(x̄_L): the trained logits for 'categorical', a squashing
   * of the squared-error scores (not calibrated probabilities) otherwise.
   */
  output?: PcOutput;
  /** Free-form keys; `pc_output` and `pc_probabilities` (and `bpc_*` for Bayesian PC) are written by the exporter. */
  extraMetadata?: Record<string, string>;
  opset?: number;
}

/** `metadata_props` keys the PC exporters write. */
export const PC_METADATA_KEYS = {
  output: 'pc_output',
  probabilities: 'pc_probabilities',
  weightSamples: 'bpc_weight_samples',
  sampleSeed: 'bpc_sample_seed',
} as const;

/** Validates the options and returns the PC keys merged with the caller's extra keys. */
export function pcExtraMetadata(options: PcExportOptions, label: string, own: Record<string, string> = {}): Record<string, string> {
  const output = options.output ?? 'squared-error';
  if (!PC_OUTPUTS.includes(output)) throw new Error(`${label}: options.output must be 'squared-error' or 'categorical' (what the network was trained with), got "${String(output)}".`);
  const extra = options.extraMetadata ?? {};
  const reserved = Object.values(PC_METADATA_KEYS) as string[];
  const clash = Object.keys(extra).filter((k) => reserved.includes(k));
  if (clash.length > 0) throw new Error(`${label}: extraMetadata key(s) ${clash.map((k) => `'${k}'`).join(', ')} are written by the exporter itself; rename them.`);
  return {
    ...extra,
    ...own,
    [PC_METADATA_KEYS.output]: output,
    [PC_METADATA_KEYS.probabilities]: output === 'categorical' ? 'softmax(logits)' : 'softmax(squared-error outputs)',
  };
}

/** The shared classifier signature maps 784 pixels to 10 classes: refuse other networks up front. */
export function assertClassifierShape(architecture: PcArchitecture, label: string): void {
  const { sizes } = architecture;
  if (sizes[0] !== 784 || sizes[sizes.length - 1] !== 10) {
    throw new Error(`${label}: the shared classifier signature needs 784 inputs and 10 outputs, the architecture is [${sizes.join(', ')}]; export an MNIST-shaped network.`);
  }
}
