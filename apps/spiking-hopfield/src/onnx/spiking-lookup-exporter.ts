import { CLASSIFIER_SIGNATURE, GraphBuilder, PIXELS, PROBABILITIES, writeModelFile } from '@cristal/onnx';
import { SPIKE_COUNTS, emitLifLayer, spikeCostMetadataProps } from '@cristal/spiking';
import type { AssociationSettings } from '../models/layers/association-settings';
import type { LookupClassifierParameters } from '../models/classifiers/hopfield-lookup-classifier';
import { IMAGE_PIXELS, NUM_CLASSES } from '../models/classifiers/pixels';
import { resolveLifEncoder, type LifEncoderSettings } from '../models/classifiers/spiking-lookup-classifier';
import { assertBeta, assertSteps } from '../models/modern/check-settings';
import { emitAssociation } from './emit-association';
import { hopfieldMetadataProps, type HopfieldExportOptions } from './export-options';

/** The `model_family` of an exported spiking lookup classifier. */
export const SPIKING_LOOKUP_FAMILY = 'spiking-hopfield-lookup';

/** String `metadata_props` the exporter writes (the numeric ones come from the settings). */
function encoderMetadata(lif: LifEncoderSettings): Record<string, string> {
  return { neuron_model: 'lif', encoding: 'direct', reset: lif.reset };
}

/**
 * The cost metadata scorers read (@cristal/spiking's spike-cost-metadata.ts), with the classifier
 * experiment's accounting: the input current x W_p once, A V and the readout dense (784 d + M dv +
 * dv 10 MACs); each encoder spike adds its prototype column to the M memory currents (fan-out M).
 */
function lookupCost(params: LookupClassifierParameters): Record<string, string> {
  const [inputs, hidden] = params.projection.weight.shape;
  const [prototypes, valueSize] = params.lookup.values.shape;
  const classes = params.readout.weight.shape[1] as number;
  return spikeCostMetadataProps({ macsPerSample: inputs * hidden + prototypes * valueSize + valueSize * classes, spikeFanout: [prototypes] });
}

function checkTimeSteps(timeSteps: number | undefined, steps: number): void {
  if (timeSteps !== undefined && timeSteps !== steps) {
    throw new Error(`exportSpikingLookupClassifier: metadata.timeSteps is ${timeSteps} but the encoder runs ${steps} steps; leave timeSteps out (it is taken from lif.steps) or make them equal.`);
  }
}

/**
 * The spiking lookup classifier (`spikingLookupForward`) as an ONNX model with the shared signature
 * plus `spike_counts` float32 [batch, 1] (encoder spikes per sample):
 *   projection/current   Gemm: I = pixels W_p + b_p, once
 *   encoder/tNN/...      the LIF encoder unrolled over T steps (`emitLifLayer`), no Loop
 *   encoder/rate         r = count / T
 *   lookup/...           `emitAssociation` over the prototypes and values (initializers)
 *   readout/gemm, output/softmax -> probabilities
 *   spike_counts/encoder ReduceSum of the counts over the neurons
 * Metadata: model_family `spiking-hopfield-lookup`, time_steps = T, and `beta`, `steps` (query
 * updates), `prototypes`, `lif_beta`, `threshold`, `reset`, `neuron_model` 'lif', `encoding` 'direct',
 * and the cost: `macs_per_sample`, `spike_fanout` (see lookupCost).
 */
export function exportSpikingLookupClassifier(params: LookupClassifierParameters, settings: AssociationSettings, lif: LifEncoderSettings, options: HopfieldExportOptions): Uint8Array {
  const where = 'exportSpikingLookupClassifier';
  assertBeta(settings.beta, where);
  assertSteps(settings.updateSteps, where, 'updateSteps');
  const encoder = resolveLifEncoder(lif, where);
  const [inSize] = params.projection.weight.shape;
  const outSize = params.readout.weight.shape[1];
  if (inSize !== IMAGE_PIXELS || outSize !== NUM_CLASSES) {
    throw new Error(`${where}: the classifier signature needs ${IMAGE_PIXELS} inputs and ${NUM_CLASSES} outputs, the parameters map ${inSize} -> ${outSize}.`);
  }
  checkTimeSteps(options.metadata.timeSteps, encoder.steps);
  const strings = { ...encoderMetadata(encoder), ...lookupCost(params) };
  const clash = Object.keys(options.extraMetadata ?? {}).filter((k) => k in strings);
  if (clash.length > 0) throw new Error(`${where}: extraMetadata key(s) ${clash.map((k) => `'${k}'`).join(', ')} are written by the exporter itself (from the encoder settings); remove them.`);

  const g = new GraphBuilder({ name: 'spiking_hopfield_lookup_classifier', opset: options.opset });
  const pixels = g.input(PIXELS, 'float32', CLASSIFIER_SIGNATURE.input.shape);
  const current = g.scope('projection', () => g.gemm(pixels, g.initializer('weight', params.projection.weight), g.initializer('bias', params.projection.bias), {}, 'current'));
  const lifLayer = emitLifLayer(g, current, encoder, encoder.steps, 'encoder');
  const rate = g.scope('encoder', () => g.div(lifLayer.count, g.initializer('steps', Float32Array.of(encoder.steps), []), 'rate'));
  const looked = g.scope('lookup', () => {
    const prototypes = g.initializer('prototypes', params.lookup.prototypes);
    return emitAssociation(g, rate, prototypes, g.initializer('values', params.lookup.values), settings).output;
  });
  const logits = g.scope('readout', () => g.gemm(looked, g.initializer('weight', params.readout.weight), g.initializer('bias', params.readout.bias)));
  g.output(g.scope('output', () => g.softmax(logits, -1)), PROBABILITIES);
  g.output(g.scope('spike_counts', () => g.reduceSum(lifLayer.count, [1], true, 'encoder')), SPIKE_COUNTS);

  const metadataOptions: HopfieldExportOptions = { ...options, metadata: { ...options.metadata, timeSteps: encoder.steps }, extraMetadata: { ...options.extraMetadata, ...strings } };
  const numbers = { beta: settings.beta, steps: settings.updateSteps, prototypes: params.lookup.prototypes.shape[0] as number, lif_beta: encoder.beta, threshold: encoder.threshold };
  return g.toBytes({ metadata: hopfieldMetadataProps(SPIKING_LOOKUP_FAMILY, metadataOptions, numbers) });
}

/** `exportSpikingLookupClassifier` written to `file` atomically (temp file + rename). */
export function exportSpikingLookupClassifierToFile(file: string, params: LookupClassifierParameters, settings: AssociationSettings, lif: LifEncoderSettings, options: HopfieldExportOptions): void {
  writeModelFile(file, exportSpikingLookupClassifier(params, settings, lif, options));
}
