import { tf, matmulLeading, type RandomStreams, type Tensor, type Variable } from '@cristal/tensor';
import { associate, type Association } from '../modern/associate';
import { resolveSettings, type AssociationSettings } from './association-settings';
import { assertSize } from './check-layer';
import { disposeParameters, drawVariable, trainableVariables } from './parameters';

/**
 * `HopfieldPooling` of hopfield-layers, single head and one query: a learned state pattern q [1, dk]
 * pools a set Y [B, N, d] into one vector per example,
 *   K = Y W_K,  V = Y W_V,  z = softmax(beta q K^T) V      [B, dv],
 * after `updateSteps` query updates q <- softmax(beta q K^T) K (per example, so the query becomes
 * [B, dk]). The query lives directly in key space: a projection W_Q of a learned vector would add
 * parameters but no expressiveness.
 */
export interface HopfieldPoolingParameters {
  /** q [1, dk] */
  readonly query: Tensor;
  /** W_K [d, dk] */
  readonly keyWeight: Tensor;
  /** W_V [d, dv] */
  readonly valueWeight: Tensor;
}

export interface HopfieldPoolingConfig {
  /** d: features of each input in the set. */
  inputSize: number;
  keySize: number;
  valueSize: number;
  /** Default 1/sqrt(keySize). */
  beta?: number;
  updateSteps?: number;
}

/** Output [B, dv], attention [B, N] over the set, final query [B, dk]. */
export function hopfieldPoolingForward(params: HopfieldPoolingParameters, inputs: Tensor, settings: AssociationSettings): Association {
  const [d] = params.keyWeight.shape;
  if (inputs.rank !== 3 || inputs.shape[2] !== d || inputs.shape[1] === 0) {
    throw new Error(`HopfieldPooling: inputs must be a non-empty set [batch, N, ${d}], got [${inputs.shape.join(', ')}].`);
  }
  const [batch, n] = inputs.shape as number[];
  const dk = params.query.shape[1] as number;
  return tf.tidy(() => {
    const keys = matmulLeading(inputs, params.keyWeight);
    const values = matmulLeading(inputs, params.valueWeight);
    const queries = tf.tile(tf.reshape(params.query, [1, 1, dk]), [batch, 1, 1]);
    const { output, attention, query } = associate({ queries, keys, values }, settings.beta, settings.updateSteps);
    return { output: tf.reshape(output, [batch, -1]), attention: tf.reshape(attention, [batch, n]), query: tf.reshape(query, [batch, dk]) };
  });
}

function checkConfig({ inputSize, keySize, valueSize }: HopfieldPoolingConfig): void {
  for (const [k, v] of Object.entries({ inputSize, keySize, valueSize })) assertSize(v, k, 'HopfieldPooling');
}

/** Draws q ~ N(0, 1), then W_K and W_V uniform in +-1/sqrt(d), from `rng.init`. */
export function initHopfieldPooling(config: HopfieldPoolingConfig, rng: RandomStreams, scope?: string): HopfieldPoolingParameters {
  checkConfig(config);
  const { inputSize, keySize, valueSize } = config;
  const bound = 1 / Math.sqrt(inputSize);
  return {
    query: drawVariable(rng.init, [1, keySize], { normal: 1 }, 'query', scope),
    keyWeight: drawVariable(rng.init, [inputSize, keySize], { uniform: bound }, 'key_weight', scope),
    valueWeight: drawVariable(rng.init, [inputSize, valueSize], { uniform: bound }, 'value_weight', scope),
  };
}

export class HopfieldPooling {
  readonly params: HopfieldPoolingParameters;
  readonly settings: AssociationSettings;

  constructor(config: HopfieldPoolingConfig, rng: RandomStreams, options: { name?: string } = {}) {
    checkConfig(config);
    this.settings = resolveSettings(config, config.keySize, 'HopfieldPooling');
    this.params = initHopfieldPooling(config, rng, options.name);
  }

  apply(inputs: Tensor): Association {
    return hopfieldPoolingForward(this.params, inputs, this.settings);
  }

  get variables(): Variable[] {
    return trainableVariables(this.params);
  }

  dispose(): void {
    disposeParameters(this.params);
  }
}
