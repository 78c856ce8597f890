import { CLASSIFIER_SIGNATURE, GraphBuilder, PIXELS, PROBABILITIES, writeModelFile } from '@cristal/onnx';
import type { AssociationSettings } from '../models/layers/association-settings';
import { poolingPatchSize, type PoolingClassifierParameters } from '../models/classifiers/hopfield-pooling-classifier';
import { patchGrid } from '../models/classifiers/patches';
import { NUM_CLASSES } from '../models/classifiers/pixels';
import { assertBeta, assertSteps } from '../models/modern/check-settings';
import { emitAssociation } from './emit-association';
import { MODEL_FAMILIES, hopfieldMetadataProps, type HopfieldExportOptions } from './export-options';

/**
 * The pooling classifier (`poolingClassifierForward`) as an ONNX model with the shared signature:
 * patches by Reshape [batch, g, s, g, s] -> Transpose (0, 1, 3, 2, 4) -> Reshape [batch, P, s*s]
 * (the same three ops as `imagePatches`), embedding MatMul + bias + positions, HopfieldPooling with
 * the learned query as an initializer (broadcast over the batch by MatMul), readout Gemm, softmax.
 */
export function exportPoolingClassifier(params: PoolingClassifierParameters, settings: AssociationSettings, options: HopfieldExportOptions): Uint8Array {
  assertBeta(settings.beta, 'exportPoolingClassifier');
  assertSteps(settings.updateSteps, 'exportPoolingClassifier', 'updateSteps');
  const s = poolingPatchSize(params);
  const { perSide, count, pixels: size } = patchGrid(s);
  const valueSize = params.pooling.valueWeight.shape[1] as number;
  if (params.readout.weight.shape[1] !== NUM_CLASSES) throw new Error(`exportPoolingClassifier: the readout must give ${NUM_CLASSES} logits, its weight is [${params.readout.weight.shape.join(', ')}].`);
  const g = new GraphBuilder({ name: 'hopfield_pooling_classifier', opset: options.opset });
  const pixels = g.input(PIXELS, 'float32', CLASSIFIER_SIGNATURE.input.shape);
  const patches = g.scope('patches', () => g.reshape(g.transpose(g.reshape(pixels, [-1, perSide, s, perSide, s], 'grid'), [0, 1, 3, 2, 4]), [-1, count, size], 'flatten'));
  const embedded = g.scope('embedding', () => {
    const projected = g.add(g.matMul(patches, g.initializer('weight', params.embedding.weight)), g.initializer('bias', params.embedding.bias));
    return g.add(projected, g.initializer('positions', params.positions), 'add_positions');
  });
  const pooled = g.scope('pooling', () => {
    const keys = g.matMul(embedded, g.initializer('key_weight', params.pooling.keyWeight), 'keys');
    const values = g.matMul(embedded, g.initializer('value_weight', params.pooling.valueWeight), 'values');
    const { output } = emitAssociation(g, g.initializer('query', params.pooling.query), keys, values, settings);
    return g.reshape(output, [-1, valueSize], 'pooled');
  });
  const logits = g.scope('readout', () => g.gemm(pooled, g.initializer('weight', params.readout.weight), g.initializer('bias', params.readout.bias)));
  g.output(g.scope('output', () => g.softmax(logits, -1)), PROBABILITIES);
  return g.toBytes({ metadata: hopfieldMetadataProps(MODEL_FAMILIES.pooling, options, { beta: settings.beta, steps: settings.updateSteps, patch_size: s }) });
}

/** `exportPoolingClassifier` written to `file` atomically (temp file + rename). */
export function exportPoolingClassifierToFile(file: string, params: PoolingClassifierParameters, settings: AssociationSettings, options: HopfieldExportOptions): void {
  writeModelFile(file, exportPoolingClassifier(params, settings, options));
}
