import { tf, type Tensor } from '@cristal/tensor';
import { associate } from '../modern/associate';
import { assertBeta, assertSteps } from '../modern/check-settings';
import { assertPixels, IMAGE_PIXELS, NUM_CLASSES } from './pixels';

/**
 * An associative-memory classifier: the memory is N labelled stored patterns X [N, 784] (training
 * images or class prototypes). A query image xi is updated `steps` times by the modern Hopfield rule
 * xi <- softmax(beta xi X^T) X, then
 *   a = softmax(beta xi X^T)                 attention over the memories       [B, N]
 *   p_c = sum_{i : label_i = c} a_i          probabilities = a C               [B, 10]
 *   retrieved = a X                          the pattern the memory returns    [B, 784]
 * with C [N, 10] the one-hot labels. Nothing is trained: storing is the fit.
 */
export interface RetrievalMemory {
  /** X [N, 784] */
  readonly patterns: Tensor;
  /** C [N, 10], one-hot rows (float32) */
  readonly classes: Tensor;
}

export interface RetrievalSettings {
  /** Inverse temperature. */
  readonly beta: number;
  /** Query updates before the read-out; 0 classifies the raw query. */
  readonly steps: number;
}

// a type alias so that tf.tidy accepts it
export type RetrievalOutput = {
  probabilities: Tensor;
  retrieved: Tensor;
  attention: Tensor;
};

/** A memory of copies of `patterns` [N, 784] with labels 0..9 (one per row); dispose with `disposeParameters`. */
export function retrievalMemory(patterns: Tensor, labels: ArrayLike<number>): RetrievalMemory {
  if (patterns.rank !== 2 || patterns.shape[1] !== IMAGE_PIXELS || patterns.shape[0] === 0) {
    throw new Error(`retrievalMemory: patterns must be [N, ${IMAGE_PIXELS}] with N >= 1 (one image per row), got [${patterns.shape.join(', ')}].`);
  }
  const n = patterns.shape[0] as number;
  if (labels.length !== n) throw new Error(`retrievalMemory: ${labels.length} labels for ${n} patterns; give one label per pattern.`);
  const oneHot = new Float32Array(n * NUM_CLASSES);
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= NUM_CLASSES) throw new Error(`retrievalMemory: label ${i} is ${label}; labels must be integers 0..${NUM_CLASSES - 1}.`);
    oneHot[i * NUM_CLASSES + label] = 1;
  }
  return { patterns: tf.clone(patterns), classes: tf.tensor2d(oneHot, [n, NUM_CLASSES]) };
}

export function checkRetrievalSettings(settings: RetrievalSettings, fn: string): void {
  assertBeta(settings.beta, fn);
  assertSteps(settings.steps, fn, 'steps');
}

export function retrievalClassifierForward(memory: RetrievalMemory, pixels: Tensor, settings: RetrievalSettings): RetrievalOutput {
  assertPixels(pixels, 'HopfieldRetrievalClassifier');
  checkRetrievalSettings(settings, 'HopfieldRetrievalClassifier');
  return tf.tidy(() => {
    const { output, attention } = associate({ queries: pixels, keys: memory.patterns, values: memory.patterns }, settings.beta, settings.steps);
    return { probabilities: tf.matMul(attention, memory.classes), retrieved: output, attention };
  });
}

/** The memory and settings bound together; owns the memory (`dispose()` frees it). */
export class HopfieldRetrievalClassifier {
  constructor(
    readonly memory: RetrievalMemory,
    readonly settings: RetrievalSettings,
  ) {
    checkRetrievalSettings(settings, 'HopfieldRetrievalClassifier');
  }

  forward(pixels: Tensor): RetrievalOutput {
    return retrievalClassifierForward(this.memory, pixels, this.settings);
  }

  /** Class probabilities [B, 10] (the rows sum to 1). */
  predict(pixels: Tensor): Tensor {
    return tf.tidy(() => this.forward(pixels).probabilities);
  }

  dispose(): void {
    tf.dispose([this.memory.patterns, this.memory.classes]);
  }
}
