import { lifScan, surrogate as makeSurrogate, type ResetMode, type Surrogate } from '@cristal/spiking';
import { tf, type RandomStreams, type Tensor, type Variable } from '@cristal/tensor';
import { resolveSettings, type AssociationSettings } from '../layers/association-settings';
import { assertSize } from '../layers/check-layer';
import { hopfieldLayerForward } from '../layers/hopfield-layer';
import { linearForward } from '../layers/linear';
import { disposeParameters, trainableVariables } from '../layers/parameters';
import type { ClassifierOutput } from './classifier-output';
import { initLookupClassifier, type LookupClassifierConfig, type LookupClassifierParameters } from './hopfield-lookup-classifier';
import { assertPixels } from './pixels';

/**
 * The spiking twin of the lookup classifier: the same parameters (`LookupClassifierParameters`), with
 * the hidden code h replaced by the firing rate of d LIF neurons driven by h as a constant current:
 *   I = x W_p + b_p                          [B, d], computed once (direct encoding)
 *   s_t = LIF(I), t = 1..T                   u_t = beta v_{t-1} + I, s_t = H(u_t - theta), reset
 *   r = (1/T) sum_t s_t                      [B, d] in {0, 1/T, ..., 1}
 *   z = softmax(beta_H r P^T) V              HopfieldLayer lookup over the M prototypes
 *   logits = z W_r + b_r
 * Event-driven reading: r P^T = (1/T) sum of the prototype columns P[:, i] of every encoder spike
 * (neuron i firing), so each spike costs M accumulates instead of a d x M product.
 * Trained through the surrogate gradient of the spike.
 */
export interface LifEncoderSettings {
  /** T: simulation steps. */
  readonly steps: number;
  /** Membrane decay per step, in (0, 1]. */
  readonly beta: number;
  /** Firing threshold theta > 0. */
  readonly threshold: number;
  readonly reset: ResetMode;
  /** Backward stand-in for the Heaviside spike. */
  readonly surrogate: Surrogate;
}

/** T = 16, beta 0.95, theta 1, subtractive reset, fast sigmoid of slope 25 (snnTorch's defaults). */
export const DEFAULT_LIF_ENCODER: LifEncoderSettings = { steps: 16, beta: 0.95, threshold: 1, reset: 'subtract', surrogate: makeSurrogate('fastSigmoid', 25) };

/** Fills in the defaults and checks every value. */
export function resolveLifEncoder(config: Partial<LifEncoderSettings> = {}, where = 'SpikingLookupClassifier'): LifEncoderSettings {
  const given = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as Partial<LifEncoderSettings>;
  const lif = { ...DEFAULT_LIF_ENCODER, ...given };
  if (!Number.isInteger(lif.steps) || lif.steps < 1) throw new Error(`${where}: lif.steps (time steps T) must be an integer >= 1, got ${lif.steps}.`);
  if (!(lif.beta > 0 && lif.beta <= 1)) throw new Error(`${where}: lif.beta (membrane decay per step) must be in (0, 1], got ${lif.beta}.`);
  if (!(lif.threshold > 0 && Number.isFinite(lif.threshold))) throw new Error(`${where}: lif.threshold must be a finite positive number, got ${lif.threshold}.`);
  if (!['subtract', 'zero', 'none'].includes(lif.reset)) throw new Error(`${where}: lif.reset must be "subtract", "zero" or "none", got "${String(lif.reset)}".`);
  makeSurrogate(lif.surrogate.kind, lif.surrogate.slope); // throws on an unknown kind or a bad slope
  return lif;
}

// a type alias so that tf.tidy accepts it
export type SpikingLookupOutput = ClassifierOutput & {
  /** r [B, d]: encoder spikes per neuron / T. */
  rate: Tensor;
  /** [B]: encoder spikes per sample (over all d neurons and T steps). */
  spikeCounts: Tensor;
};

/** I = x W_p + b_p [B, d] -> LIF spikes [T, B, d] (surrogate gradients through lifScan). */
function encoderSpikes(params: LookupClassifierParameters, pixels: Tensor, lif: LifEncoderSettings): Tensor {
  const current = linearForward(params.projection, pixels, 'SpikingLookupClassifier projection');
  return lifScan(current, lif.beta, lif.threshold, null, { steps: lif.steps, reset: lif.reset, surrogate: lif.surrogate }).spikes;
}

export function spikingLookupForward(params: LookupClassifierParameters, pixels: Tensor, settings: AssociationSettings, lif: LifEncoderSettings): SpikingLookupOutput {
  assertPixels(pixels, 'SpikingLookupClassifier');
  return tf.tidy(() => {
    const counts = tf.sum(encoderSpikes(params, pixels, lif), 0);
    // counts / T, not counts * (1/T): the ONNX export divides too, so both round identically
    const rate = tf.div(counts, lif.steps);
    const { output, attention } = hopfieldLayerForward(params.lookup, rate, settings);
    const logits = linearForward(params.readout, output, 'SpikingLookupClassifier readout');
    return { logits, probabilities: tf.softmax(logits), attention, rate, spikeCounts: tf.sum(counts, 1) };
  });
}

/**
 * [B]: per sample, the smallest |u_t - theta| over the encoder's neurons and steps (u_t = beta v_{t-1}
 * + I, the membrane compared with the threshold). An implementation that sums x W_p in another order
 * (onnxruntime) can flip a spike only where this is within its rounding error times 1 / (1 - beta),
 * so parity checks keep the samples whose margin is comfortably larger.
 */
export function encoderThresholdMargin(params: LookupClassifierParameters, pixels: Tensor, lif: LifEncoderSettings): Tensor {
  assertPixels(pixels, 'encoderThresholdMargin');
  return tf.tidy(() => {
    const current = linearForward(params.projection, pixels, 'encoderThresholdMargin projection');
    const v = lifScan(current, lif.beta, lif.threshold, null, { steps: lif.steps, reset: lif.reset, membrane: true }).membrane as Tensor;
    const previous = tf.concat([tf.zeros([1, ...current.shape]), v.slice([0, 0, 0], [lif.steps - 1, -1, -1])], 0);
    const u = tf.add(tf.mul(lif.beta, previous), current);
    return tf.min(tf.abs(tf.sub(u, lif.threshold)), [0, 2]);
  });
}

export interface SpikingLookupClassifierConfig extends LookupClassifierConfig {
  /** The LIF encoder; every field defaults to `DEFAULT_LIF_ENCODER`. */
  lif?: Partial<LifEncoderSettings>;
}

/**
 * Trainable parameters (drawn exactly as `HopfieldLookupClassifier` draws them: the same seed gives
 * the same initial weights), the lookup settings and the encoder; `forward` is `spikingLookupForward`.
 */
export class SpikingLookupClassifier {
  readonly params: LookupClassifierParameters;
  readonly settings: AssociationSettings;
  readonly lif: LifEncoderSettings;

  constructor(config: SpikingLookupClassifierConfig, rng: RandomStreams, options: { name?: string } = {}) {
    // every check runs before any variable exists (a half-built model would leak its variables)
    for (const [k, v] of Object.entries({ hiddenSize: config.hiddenSize, prototypeCount: config.prototypeCount, valueSize: config.valueSize })) assertSize(v, k, 'SpikingLookupClassifier');
    this.lif = resolveLifEncoder(config.lif);
    this.settings = resolveSettings(config, config.hiddenSize, 'SpikingLookupClassifier');
    this.params = initLookupClassifier(config, rng, options.name);
  }

  forward(pixels: Tensor): SpikingLookupOutput {
    return spikingLookupForward(this.params, pixels, this.settings, this.lif);
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
