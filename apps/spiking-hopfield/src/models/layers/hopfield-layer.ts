import { tf, type RandomStreams, type Tensor, type Variable } from '@cristal/tensor';
import { associate, type Association } from '../modern/associate';
import { resolveSettings, type AssociationSettings } from './association-settings';
import { assertSize } from './check-layer';
import { disposeParameters, drawVariable, trainableVariables } from './parameters';

/**
 * `HopfieldLayer` of hopfield-layers (lookup), single head: each input xi [d] queries M learned
 * stored patterns (prototypes) P [M, d] and reads out their learned values V [M, dv]:
 *   z = softmax(beta xi P^T) V      [B, dv],
 * after `updateSteps` updates xi <- softmax(beta xi P^T) P (retrieval among the prototypes).
 */
export interface HopfieldLayerParameters {
  /** P [M, d] */
  readonly prototypes: Tensor;
  /** V [M, dv] */
  readonly values: Tensor;
}

export interface HopfieldLayerConfig {
  /** d: features of an input (and of a prototype). */
  inputSize: number;
  /** M: number of prototypes. */
  prototypeCount: number;
  valueSize: number;
  /** Default 1/sqrt(inputSize). */
  beta?: number;
  updateSteps?: number;
}

/** Output [B, dv], attention [B, M] over the prototypes, final query [B, d]. */
export function hopfieldLayerForward(params: HopfieldLayerParameters, inputs: Tensor, settings: AssociationSettings): Association {
  const d = params.prototypes.shape[1];
  if (inputs.rank !== 2 || inputs.shape[1] !== d) throw new Error(`HopfieldLayer: inputs must be [batch, ${d}] (the prototypes' size), got [${inputs.shape.join(', ')}].`);
  return tf.tidy(() => associate({ queries: inputs, keys: params.prototypes, values: params.values }, settings.beta, settings.updateSteps));
}

function checkConfig({ inputSize, prototypeCount, valueSize }: HopfieldLayerConfig): void {
  for (const [k, v] of Object.entries({ inputSize, prototypeCount, valueSize })) assertSize(v, k, 'HopfieldLayer');
}

/** Draws P, then V, from N(0, 1) with `rng.init`. */
export function initHopfieldLayer(config: HopfieldLayerConfig, rng: RandomStreams, scope?: string): HopfieldLayerParameters {
  checkConfig(config);
  const { inputSize, prototypeCount, valueSize } = config;
  return {
    prototypes: drawVariable(rng.init, [prototypeCount, inputSize], { normal: 1 }, 'prototypes', scope),
    values: drawVariable(rng.init, [prototypeCount, valueSize], { normal: 1 }, 'values', scope),
  };
}

export class HopfieldLayer {
  readonly params: HopfieldLayerParameters;
  readonly settings: AssociationSettings;

  constructor(config: HopfieldLayerConfig, rng: RandomStreams, options: { name?: string } = {}) {
    checkConfig(config);
    this.settings = resolveSettings(config, config.inputSize, 'HopfieldLayer');
    this.params = initHopfieldLayer(config, rng, options.name);
  }

  apply(inputs: Tensor): Association {
    return hopfieldLayerForward(this.params, inputs, this.settings);
  }

  get variables(): Variable[] {
    return trainableVariables(this.params);
  }

  dispose(): void {
    disposeParameters(this.params);
  }
}
