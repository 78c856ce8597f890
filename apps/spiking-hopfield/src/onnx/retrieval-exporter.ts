import { CLASSIFIER_SIGNATURE, GraphBuilder, PIXELS, PROBABILITIES, writeModelFile } from '@cristal/onnx';
import { checkRetrievalSettings, type RetrievalMemory, type RetrievalSettings } from '../models/classifiers/hopfield-retrieval-classifier';
import { IMAGE_PIXELS, NUM_CLASSES } from '../models/classifiers/pixels';
import { emitAssociation } from './emit-association';
import { MODEL_FAMILIES, hopfieldMetadataProps, type HopfieldExportOptions } from './export-options';

/** Name of the extra output holding the retrieved pattern a X [batch, 784]. */
export const RETRIEVED = 'retrieved';

/**
 * The retrieval classifier (`retrievalClassifierForward`) as an ONNX model with the shared
 * signature: the stored patterns X and their one-hot labels C are initializers
 * (`memory/patterns`, `memory/classes`), beta is a constant, the `steps` query updates are unrolled.
 * Outputs `probabilities` = a C [batch, 10] and `retrieved` = a X [batch, 784].
 */
export function exportRetrievalClassifier(memory: RetrievalMemory, settings: RetrievalSettings, options: HopfieldExportOptions): Uint8Array {
  checkRetrievalSettings(settings, 'exportRetrievalClassifier');
  const [n, d] = memory.patterns.shape as number[];
  if (memory.patterns.rank !== 2 || d !== IMAGE_PIXELS) throw new Error(`exportRetrievalClassifier: stored patterns must be [N, ${IMAGE_PIXELS}], got [${memory.patterns.shape.join(', ')}].`);
  if (memory.classes.rank !== 2 || memory.classes.shape[0] !== n || memory.classes.shape[1] !== NUM_CLASSES) {
    throw new Error(`exportRetrievalClassifier: classes must be [${n}, ${NUM_CLASSES}] (one-hot labels of the stored patterns), got [${memory.classes.shape.join(', ')}].`);
  }
  const g = new GraphBuilder({ name: 'hopfield_retrieval', opset: options.opset });
  const pixels = g.input(PIXELS, 'float32', CLASSIFIER_SIGNATURE.input.shape);
  const { patterns, classes } = g.scope('memory', () => ({ patterns: g.initializer('patterns', memory.patterns), classes: g.initializer('classes', memory.classes) }));
  const { attention, output } = g.scope('retrieval', () => emitAssociation(g, pixels, patterns, patterns, { beta: settings.beta, updateSteps: settings.steps }));
  g.output(g.scope('output', () => g.matMul(attention, classes, 'class_sum')), PROBABILITIES);
  g.output(output, RETRIEVED);
  return g.toBytes({ metadata: hopfieldMetadataProps(MODEL_FAMILIES.retrieval, options, { beta: settings.beta, steps: settings.steps, memory_size: n }) });
}

/** `exportRetrievalClassifier` written to `file` atomically (temp file + rename). */
export function exportRetrievalClassifierToFile(file: string, memory: RetrievalMemory, settings: RetrievalSettings, options: HopfieldExportOptions): void {
  writeModelFile(file, exportRetrievalClassifier(memory, settings, options));
}
