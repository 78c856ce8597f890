import { tf, type RandomStream, type Scalar, type Tensor, type Variable } from '@cristal/tensor';
import type { MeanFieldPosterior } from '../posterior/mean-field';
import type { Prior } from '../priors/prior';

export interface CallOptions {
  /**
   * `sample` (default): a stochastic forward pass (fresh weight noise, dropout on). `mean`: the
   * deterministic pass through the posterior means (dropout off).
   */
  mode?: 'sample' | 'mean';
  /** Also return the layer's KL (default true). Leave it off for prediction to skip the Monte-Carlo KL of non-Gaussian priors. */
  kl?: boolean;
  /**
   * Posterior noise temperature, a finite number >= 0 (default 1): a sampling pass of a variational
   * layer draws w = mu + noiseScale * sigma * eps (pre-activations likewise for local
   * reparameterisation), so 0 gives the mean pass and the output variance scales by noiseScale^2.
   * The KL is that of the stored posterior, whatever the scale. Dropout and point layers ignore it.
   */
  noiseScale?: number;
}

export interface LayerOutput {
  output: Tensor;
  /** KL(q || p) of the layer's weights in nats; null for layers without a posterior or when not asked for. */
  kl: Scalar | null;
}

/** Anything a `Sequential` model stacks: variational layers, plain dense layers, dropout, activations. */
export interface Layer {
  readonly name: string;
  /** `rng` supplies this pass's noise (weight noise, dropout masks, sign flips); it is drawn from in call order. */
  call(x: Tensor, rng: RandomStream, options?: CallOptions): LayerOutput;
  variables(): Variable[];
  dispose(): void;
}

/** A layer with a mean-field Gaussian posterior over its weights. */
export interface VariationalLayer extends Layer {
  readonly prior: Prior;
  readonly weight: MeanFieldPosterior;
  readonly bias: MeanFieldPosterior | null;
  /** Weights plus biases: each has a mu and a rho, so the layer has twice this many variables' values. */
  readonly parameterCount: number;
  /** KL(q || p) in nats summed over the layer; `rng` is needed by priors without a closed form (Monte Carlo). */
  kl(rng?: RandomStream): Scalar;
}

export function isVariational(layer: Layer): layer is VariationalLayer {
  return 'prior' in layer && 'weight' in layer && typeof (layer as VariationalLayer).kl === 'function';
}

/** `options.noiseScale`, validated, 1 when absent. */
export function noiseScaleOf(layerName: string, options: CallOptions): number {
  const { noiseScale = 1 } = options;
  if (typeof noiseScale !== 'number' || !Number.isFinite(noiseScale) || noiseScale < 0) {
    throw new Error(`${layerName}: noiseScale must be a finite number >= 0 (it multiplies the posterior noise: 0 is the mean pass, 1 the posterior), got ${String(noiseScale)}.`);
  }
  return noiseScale;
}

/** eps scaled by the noise temperature; eps itself at 1, so the default pass stays bit for bit what it was. */
export function scaledNoise(eps: Tensor, noiseScale: number): Tensor {
  return noiseScale === 1 ? eps : tf.mul(eps, noiseScale);
}
