import { CLASSIFIER_SIGNATURE, GraphBuilder, PIXELS, PROBABILITIES, classifierMetadataProps, writeModelFile, type ClassifierMetadata } from '@cristal/onnx';
import { checkSpikingMlpSpec, spikingMlpSizes, type SpikingMlpSpec } from '../networks/spiking-mlp-spec';
import { spikeCostMetadataProps } from './spike-cost-metadata';
import { emitSpikingMlp } from './spiking-mlp-graph';

/** The extra output: float32 [batch, L], total spikes of each LIF layer per sample. */
export const SPIKE_COUNTS = 'spike_counts';

export interface SpikingMlpExportOptions {
  /** Provenance; `timeSteps` is filled in from the spec (and must equal `spec.steps` if given). */
  metadata: ClassifierMetadata;
  extraMetadata?: Record<string, string>;
  opset?: number;
}

/**
 * Free-form `metadata_props` the exporter writes itself, so a file says how to interpret it:
 * `neuron_model` 'lif', `encoding` 'direct', `readout`, `reset` (the mode, or one per layer comma
 * separated when they differ), `layer_sizes` ('784-1000-10'), and its cost (spike-cost-metadata.ts):
 * `macs_per_sample` = inputs x first width (the pixels' current, computed once: direct encoding) and
 * `spike_fanout` = the next layer's width for each LIF layer but the last, whose spikes (or
 * membranes) only feed the readout, 0.
 */
export function spikingMlpMetadata(spec: SpikingMlpSpec): Record<string, string> {
  const resets = spec.layers.map((l) => l.reset);
  return {
    neuron_model: 'lif',
    encoding: 'direct',
    readout: spec.readout,
    reset: resets.every((r) => r === resets[0]) ? resets[0] : resets.join(','),
    layer_sizes: spikingMlpSizes(spec).join('-'),
    ...spikingMlpCost(spec),
  };
}

function spikingMlpCost(spec: SpikingMlpSpec): Record<string, string> {
  const sizes = spikingMlpSizes(spec);
  // sizes = [inputs, width of LIF layer 1, ..., width of LIF layer L]: layer l's spikes drive layer l + 1
  return spikeCostMetadataProps({ macsPerSample: sizes[0] * sizes[1], spikeFanout: [...sizes.slice(2), 0] });
}

function metadataWithSteps(metadata: ClassifierMetadata, steps: number): ClassifierMetadata {
  if (metadata.timeSteps !== undefined && metadata.timeSteps !== steps) {
    throw new Error(`metadata.timeSteps is ${metadata.timeSteps} but the network runs ${steps} steps; leave timeSteps out (it is taken from spec.steps) or make them equal.`);
  }
  return { ...metadata, timeSteps: steps };
}

/**
 * A feedforward LIF network as an ONNX model with the shared classifier signature plus
 * `spike_counts`: `probabilities` = softmax(readout), both float32 with a symbolic batch.
 */
export function exportSpikingMlp(spec: SpikingMlpSpec, options: SpikingMlpExportOptions): Uint8Array {
  checkSpikingMlpSpec(spec);
  const ours = spikingMlpMetadata(spec);
  const clash = Object.keys(options.extraMetadata ?? {}).filter((k) => k in ours);
  if (clash.length > 0) throw new Error(`extraMetadata key(s) ${clash.map((k) => `'${k}'`).join(', ')} are written by the spiking exporter from the spec; remove them.`);
  const metadata = metadataWithSteps(options.metadata, spec.steps);
  const g = new GraphBuilder({ name: 'spiking_mlp', opset: options.opset });
  const pixels = g.input(PIXELS, 'float32', CLASSIFIER_SIGNATURE.input.shape);
  const net = emitSpikingMlp(g, pixels, spec);
  g.output(g.scope('output', () => g.softmax(net.logits, -1)), PROBABILITIES);
  g.output(net.spikeCounts, SPIKE_COUNTS);
  return g.toBytes({ metadata: classifierMetadataProps(metadata, { ...options.extraMetadata, ...ours }) });
}

/** `exportSpikingMlp` written to `file` atomically (temp file + rename). */
export function exportSpikingMlpToFile(file: string, spec: SpikingMlpSpec, options: SpikingMlpExportOptions): void {
  writeModelFile(file, exportSpikingMlp(spec, options));
}
