import { tf, type RandomStreams, type Tensor, type Variable } from '@cristal/tensor';
import { resolveSettings, type AssociationSettings } from '../layers/association-settings';
import { assertSize } from '../layers/check-layer';
import { hopfieldLayerForward, initHopfieldLayer, type HopfieldLayerParameters } from '../layers/hopfield-layer';
import { initLinear, linearForward, type LinearParameters } from '../layers/linear';
import { disposeParameters, trainableVariables } from '../layers/parameters';
import type { ClassifierOutput } from './classifier-output';
import { assertPixels, IMAGE_PIXELS, NUM_CLASSES } from './pixels';

/**
 * Pixels [B, 784] -> h = x W_p + b_p [B, d] -> HopfieldLayer lookup over M learned prototypes
 * z = softmax(beta h P^T) V [B, dv] -> logits = z W_r + b_r [B, 10].
 */
export interface LookupClassifierParameters {
  /** [784, d] */
  readonly projection: LinearParameters;
  readonly lookup: HopfieldLayerParameters;
  /** [dv, 10] */
  readonly readout: LinearParameters;
}

export interface LookupClassifierConfig {
  /** d: the space in which pixels meet the prototypes. */
  hiddenSize: number;
  /** M */
  prototypeCount: number;
  valueSize: number;
  /** Default 1/sqrt(hiddenSize). */
  beta?: number;
  updateSteps?: number;
}

export function lookupClassifierForward(params: LookupClassifierParameters, pixels: Tensor, settings: AssociationSettings): ClassifierOutput {
  assertPixels(pixels, 'HopfieldLookupClassifier');
  return tf.tidy(() => {
    const hidden = linearForward(params.projection, pixels, 'HopfieldLookupClassifier projection');
    const { output, attention } = hopfieldLayerForward(params.lookup, hidden, settings);
    const logits = linearForward(params.readout, output, 'HopfieldLookupClassifier readout');
    return { logits, probabilities: tf.softmax(logits), attention };
  });
}

/** Checks every size before any variable exists (a half-built model would leak its variables). */
function checkConfig({ hiddenSize, prototypeCount, valueSize }: LookupClassifierConfig): void {
  for (const [k, v] of Object.entries({ hiddenSize, prototypeCount, valueSize })) assertSize(v, k, 'HopfieldLookupClassifier');
}

/** Draws, from `rng.init` in this order: the projection, the lookup layer, the readout. */
export function initLookupClassifier(config: LookupClassifierConfig, rng: RandomStreams, scope?: string): LookupClassifierParameters {
  checkConfig(config);
  const sub = (name: string) => (scope ? `${scope}/${name}` : undefined);
  const projection = initLinear(IMAGE_PIXELS, config.hiddenSize, rng.init, sub('projection'));
  return {
    projection,
    lookup: initHopfieldLayer({ inputSize: config.hiddenSize, prototypeCount: config.prototypeCount, valueSize: config.valueSize }, rng, sub('lookup')),
    readout: initLinear(config.valueSize, NUM_CLASSES, rng.init, sub('readout')),
  };
}

/** Trainable parameters (TF.js variables) and settings; `forward` is `lookupClassifierForward`. */
export class HopfieldLookupClassifier {
  readonly params: LookupClassifierParameters;
  readonly settings: AssociationSettings;

  constructor(config: LookupClassifierConfig, rng: RandomStreams, options: { name?: string } = {}) {
    checkConfig(config);
    this.settings = resolveSettings(config, config.hiddenSize, 'HopfieldLookupClassifier');
    this.params = initLookupClassifier(config, rng, options.name);
  }

  forward(pixels: Tensor): ClassifierOutput {
    return lookupClassifierForward(this.params, pixels, this.settings);
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
