import { tf, type RandomStreams, type Tensor, type Variable } from '@cristal/tensor';
import { resolveSettings, type AssociationSettings } from '../layers/association-settings';
import { assertSize } from '../layers/check-layer';
import { hopfieldPoolingForward, initHopfieldPooling, type HopfieldPoolingParameters } from '../layers/hopfield-pooling';
import { initLinear, linearForward, type LinearParameters } from '../layers/linear';
import { disposeParameters, drawVariable, trainableVariables } from '../layers/parameters';
import type { ClassifierOutput } from './classifier-output';
import { imagePatches, patchGrid } from './patches';
import { assertPixels, NUM_CLASSES } from './pixels';

/**
 * Pixels [B, 784] -> patches [B, P, s*s] (`imagePatches`; s = 7 gives 16 patches of 49 pixels) ->
 * embedding E = patches W_e + b_e + position [B, P, e] -> HopfieldPooling with a learned query
 * [B, dv] -> logits = z W_r + b_r [B, 10]. The learned position embedding [P, e] tells the patches
 * apart: pooling is blind to the order of its set, and a digit is not a bag of patches.
 */
export interface PoolingClassifierParameters {
  /** [s*s, e] */
  readonly embedding: LinearParameters;
  /** [P, e] */
  readonly positions: Tensor;
  readonly pooling: HopfieldPoolingParameters;
  /** [dv, 10] */
  readonly readout: LinearParameters;
}

export interface PoolingClassifierConfig {
  /** Side of a square patch, a divisor of 28 (default 7). */
  patchSize?: number;
  embedSize: number;
  keySize: number;
  valueSize: number;
  /** Default 1/sqrt(keySize). */
  beta?: number;
  updateSteps?: number;
}

/** The patch side these parameters were built for (from the embedding's input size). */
export function poolingPatchSize(params: PoolingClassifierParameters): number {
  return Math.round(Math.sqrt(params.embedding.weight.shape[0] as number));
}

export function poolingClassifierForward(params: PoolingClassifierParameters, pixels: Tensor, settings: AssociationSettings): ClassifierOutput {
  assertPixels(pixels, 'HopfieldPoolingClassifier');
  return tf.tidy(() => {
    const patches = imagePatches(pixels, poolingPatchSize(params));
    const embedded = tf.add(linearForward(params.embedding, patches, 'HopfieldPoolingClassifier embedding'), params.positions);
    const { output, attention } = hopfieldPoolingForward(params.pooling, embedded, settings);
    const logits = linearForward(params.readout, output, 'HopfieldPoolingClassifier readout');
    return { logits, probabilities: tf.softmax(logits), attention };
  });
}

/** Checks every size before any variable exists (a half-built model would leak its variables). */
function checkConfig({ embedSize, keySize, valueSize }: PoolingClassifierConfig): void {
  for (const [k, v] of Object.entries({ embedSize, keySize, valueSize })) assertSize(v, k, 'HopfieldPoolingClassifier');
}

/** Draws, from `rng.init` in this order: the embedding, the positions, the pooling layer, the readout. */
export function initPoolingClassifier(config: PoolingClassifierConfig, rng: RandomStreams, scope?: string): PoolingClassifierParameters {
  checkConfig(config);
  const grid = patchGrid(config.patchSize ?? 7);
  const sub = (name: string) => (scope ? `${scope}/${name}` : undefined);
  return {
    embedding: initLinear(grid.pixels, config.embedSize, rng.init, sub('embedding')),
    positions: drawVariable(rng.init, [grid.count, config.embedSize], { uniform: 1 / Math.sqrt(grid.pixels) }, 'positions', scope),
    pooling: initHopfieldPooling({ inputSize: config.embedSize, keySize: config.keySize, valueSize: config.valueSize }, rng, sub('pooling')),
    readout: initLinear(config.valueSize, NUM_CLASSES, rng.init, sub('readout')),
  };
}

/** Trainable parameters (TF.js variables) and settings; `forward` is `poolingClassifierForward`. */
export class HopfieldPoolingClassifier {
  readonly params: PoolingClassifierParameters;
  readonly settings: AssociationSettings;

  constructor(config: PoolingClassifierConfig, rng: RandomStreams, options: { name?: string } = {}) {
    checkConfig(config);
    this.settings = resolveSettings(config, config.keySize, 'HopfieldPoolingClassifier');
    this.params = initPoolingClassifier(config, rng, options.name);
  }

  forward(pixels: Tensor): ClassifierOutput {
    return poolingClassifierForward(this.params, pixels, this.settings);
  }

  predict(pixels: Tensor): Tensor {
    return tf.tidy(() => this.forward(pixels).probabilities);
  }

  get variables(): Variable[] {
    return trainableVariables(this.params);
  }

  dispose(): void {
    disposeParameters(this.params);
  }
}
