import { tf, matmulLeading, type RandomStreams, type Tensor, type Variable } from '@cristal/tensor';
import { associate, type Association } from '../modern/associate';
import { resolveSettings, type AssociationSettings } from './association-settings';
import { assertSize } from './check-layer';
import { disposeParameters, drawVariable, trainableVariables } from './parameters';

/**
 * `Hopfield` of hopfield-layers (Ramsauer et al. 2020), single head, no biases: state patterns
 * R [B, S, dr] associate with stored patterns Y [B, N, dy] through learned projections
 *   Q = R W_Q,  K = Y W_K,  V = Y W_V,  Z = softmax(beta Q K^T) V      [B, S, dv],
 * with `updateSteps` updates Q <- softmax(beta Q K^T) K first. The values come from the stored
 * patterns (hopfield-layers' default "pattern projection").
 */
export interface HopfieldParameters {
  /** W_Q [dr, dk] */
  readonly queryWeight: Tensor;
  /** W_K [dy, dk] */
  readonly keyWeight: Tensor;
  /** W_V [dy, dv] */
  readonly valueWeight: Tensor;
}

export interface HopfieldConfig {
  /** dr: features of a state pattern. */
  stateSize: number;
  /** dy: features of a stored pattern. */
  storedSize: number;
  /** dk: the association space. */
  keySize: number;
  /** dv: features of the output. */
  valueSize: number;
  /** Default 1/sqrt(keySize). */
  beta?: number;
  /** Default 0. */
  updateSteps?: number;
}

const fmt = (t: Tensor) => `[${t.shape.join(', ')}]`;

/** Z = softmax(beta Q K^T) V for R [B, S, dr] and Y [B, N, dy]; also the attention [B, S, N]. */
export function hopfieldForward(params: HopfieldParameters, state: Tensor, stored: Tensor, settings: AssociationSettings): Association {
  const [dr] = params.queryWeight.shape;
  const [dy] = params.keyWeight.shape;
  if (state.rank !== 3 || state.shape[2] !== dr) throw new Error(`Hopfield: state patterns must be [batch, S, ${dr}], got ${fmt(state)}.`);
  if (stored.rank !== 3 || stored.shape[2] !== dy) throw new Error(`Hopfield: stored patterns must be [batch, N, ${dy}], got ${fmt(stored)}.`);
  if (stored.shape[0] !== state.shape[0]) throw new Error(`Hopfield: state ${fmt(state)} and stored ${fmt(stored)} patterns must have the same batch size.`);
  return tf.tidy(() => {
    const queries = matmulLeading(state, params.queryWeight);
    const keys = matmulLeading(stored, params.keyWeight);
    const values = matmulLeading(stored, params.valueWeight);
    return associate({ queries, keys, values }, settings.beta, settings.updateSteps);
  });
}

function checkConfig({ stateSize, storedSize, keySize, valueSize }: HopfieldConfig): void {
  for (const [k, v] of Object.entries({ stateSize, storedSize, keySize, valueSize })) assertSize(v, k, 'Hopfield');
}

/** Draws W_Q, W_K, W_V (in that order) uniform in +-1/sqrt(fan in) from `rng.init`. */
export function initHopfield(config: HopfieldConfig, rng: RandomStreams, scope?: string): HopfieldParameters {
  checkConfig(config);
  const { stateSize, storedSize, keySize, valueSize } = config;
  return {
    queryWeight: drawVariable(rng.init, [stateSize, keySize], { uniform: 1 / Math.sqrt(stateSize) }, 'query_weight', scope),
    keyWeight: drawVariable(rng.init, [storedSize, keySize], { uniform: 1 / Math.sqrt(storedSize) }, 'key_weight', scope),
    valueWeight: drawVariable(rng.init, [storedSize, valueSize], { uniform: 1 / Math.sqrt(storedSize) }, 'value_weight', scope),
  };
}

/** The layer with its trainable variables; `apply` is `hopfieldForward`. */
export class Hopfield {
  readonly params: HopfieldParameters;
  readonly settings: AssociationSettings;

  constructor(config: HopfieldConfig, rng: RandomStreams, options: { name?: string } = {}) {
    checkConfig(config);
    this.settings = resolveSettings(config, config.keySize, 'Hopfield');
    this.params = initHopfield(config, rng, options.name);
  }

  apply(state: Tensor, stored: Tensor): Association {
    return hopfieldForward(this.params, state, stored, this.settings);
  }

  get variables(): Variable[] {
    return trainableVariables(this.params);
  }

  dispose(): void {
    disposeParameters(this.params);
  }
}
