import { CLASSIFIER_SIGNATURE, GraphBuilder, PIXELS, PROBABILITIES, writeModelFile } from '@cristal/onnx';
import type { AssociationSettings } from '../models/layers/association-settings';
import type { LookupClassifierParameters } from '../models/classifiers/hopfield-lookup-classifier';
import { IMAGE_PIXELS, NUM_CLASSES } from '../models/classifiers/pixels';
import { assertBeta, assertSteps } from '../models/modern/check-settings';
import { emitAssociation } from './emit-association';
import { MODEL_FAMILIES, hopfieldMetadataProps, type HopfieldExportOptions } from './export-options';

/**
 * The lookup classifier (`lookupClassifierForward`) as an ONNX model with the shared signature:
 * projection Gemm, HopfieldLayer lookup with the prototypes and values as initializers, readout
 * Gemm, softmax.
 */
export function exportLookupClassifier(params: LookupClassifierParameters, settings: AssociationSettings, options: HopfieldExportOptions): Uint8Array {
  assertBeta(settings.beta, 'exportLookupClassifier');
  assertSteps(settings.updateSteps, 'exportLookupClassifier', 'updateSteps');
  const [inSize] = params.projection.weight.shape;
  const outSize = params.readout.weight.shape[1];
  if (inSize !== IMAGE_PIXELS || outSize !== NUM_CLASSES) {
    throw new Error(`exportLookupClassifier: the classifier signature needs ${IMAGE_PIXELS} inputs and ${NUM_CLASSES} outputs, the parameters map ${inSize} -> ${outSize}.`);
  }
  const g = new GraphBuilder({ name: 'hopfield_lookup_classifier', opset: options.opset });
  const pixels = g.input(PIXELS, 'float32', CLASSIFIER_SIGNATURE.input.shape);
  const hidden = g.scope('projection', () => g.gemm(pixels, g.initializer('weight', params.projection.weight), g.initializer('bias', params.projection.bias)));
  const looked = g.scope('lookup', () => {
    const prototypes = g.initializer('prototypes', params.lookup.prototypes);
    return emitAssociation(g, hidden, prototypes, g.initializer('values', params.lookup.values), settings).output;
  });
  const logits = g.scope('readout', () => g.gemm(looked, g.initializer('weight', params.readout.weight), g.initializer('bias', params.readout.bias)));
  g.output(g.scope('output', () => g.softmax(logits, -1)), PROBABILITIES);
  return g.toBytes({ metadata: hopfieldMetadataProps(MODEL_FAMILIES.lookup, options, { beta: settings.beta, steps: settings.updateSteps, prototypes: params.lookup.prototypes.shape[0] as number }) });
}

/** `exportLookupClassifier` written to `file` atomically (temp file + rename). */
export function exportLookupClassifierToFile(file: string, params: LookupClassifierParameters, settings: AssociationSettings, options: HopfieldExportOptions): void {
  writeModelFile(file, exportLookupClassifier(params, settings, options));
}
