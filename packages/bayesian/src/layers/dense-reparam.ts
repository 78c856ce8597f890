import { tf, assertShape, type RandomStream, type Scalar, type Tensor } from '@cristal/tensor';
import { matMul } from '../kernels/tf-ops';
import { monteCarloKl } from '../kl/monte-carlo-kl';
import { activate, type ActivationKind } from './activation';
import { noiseScaleOf, scaledNoise, type CallOptions, type LayerOutput } from './layer';
import { normalNoise } from './noise';
import { posteriorTerms, tidyLayer, VariationalBase, type VariationalLayerOptions } from './variational-base';

export interface DenseVariationalOptions extends VariationalLayerOptions {
  inputSize: number;
  units: number;
  /** Applied to the output, after the sampling (default identity: the layer outputs pre-activations). */
  activation?: ActivationKind;
}

/**
 * The reparameterised dense forward pass with one weight sample for the whole batch:
 *   W = mu_W + sigma_W * eps_W,  b = mu_b + sigma_b * eps_b,  y = x W + b
 * x [B, in], eps_W [in, out], eps_b [out].
 */
export function denseReparamForward(
  x: Tensor,
  weight: { mean: Tensor; std: Tensor },
  bias: { mean: Tensor; std: Tensor } | null,
  eps: { weight: Tensor; bias: Tensor | null },
): Tensor {
  return tf.tidy(() => {
    const w = tf.add(weight.mean, tf.mul(weight.std, eps.weight));
    const y = matMul(x, w);
    if (!bias) return y;
    if (!eps.bias) throw new Error('denseReparamForward: bias noise is missing.');
    return tf.add(y, tf.add(bias.mean, tf.mul(bias.std, eps.bias)));
  });
}

export function checkDenseInput(name: string, x: Tensor, inputSize: number): void {
  assertShape(x, [null, inputSize], `${name} input`);
}

/**
 * Dense layer with a mean-field Gaussian posterior, trained by the reparameterisation trick (Bayes by
 * backprop, Blundell et al. 2015):
 *   sigma = softplus(rho),  W = mu_W + sigma_W * eps_W,  b = mu_b + sigma_b * eps_b,  eps ~ N(0, I)
 *   y = f(x W + b)   (f the activation, identity by default)
 * One weight sample per forward pass, shared by the batch, so the examples' gradients are correlated;
 * `DenseLocalReparam` and `DenseFlipout` decorrelate them. KL: closed form for a Gaussian prior;
 * for other priors log q(W) - log p(W) at this same sample (Blundell et al.'s estimator).
 */
export class DenseReparam extends VariationalBase {
  readonly inputSize: number;
  readonly units: number;
  readonly activation: ActivationKind;

  constructor(options: DenseVariationalOptions) {
    super('dense_reparam', [options.inputSize, options.units], options.inputSize, options.units, options);
    this.inputSize = options.inputSize;
    this.units = options.units;
    this.activation = options.activation ?? 'identity';
  }

  call(x: Tensor, rng: RandomStream, options: CallOptions = {}): LayerOutput {
    const { mode = 'sample', kl: wantKl = true } = options;
    const noiseScale = noiseScaleOf(this.name, options);
    checkDenseInput(this.name, x, this.inputSize);
    return tidyLayer(() => {
      const w = posteriorTerms(this.weight, this.prior, 'std');
      const b = this.bias ? posteriorTerms(this.bias, this.prior, 'std') : null;
      if (mode === 'mean') {
        const output = activate(this.activation, b ? tf.add(matMul(x, w.mean), b.mean) : matMul(x, w.mean));
        return { output, kl: wantKl ? (w.closedForm ? sumKl(w.kl, b?.kl) : this.kl(rng)) : null };
      }
      const eps = { weight: normalNoise(rng, [this.inputSize, this.units]), bias: b ? normalNoise(rng, [this.units]) : null };
      const scaled = { weight: scaledNoise(eps.weight, noiseScale), bias: eps.bias ? scaledNoise(eps.bias, noiseScale) : null };
      const output = activate(this.activation, denseReparamForward(x, w, b, scaled));
      // the Monte-Carlo KL keeps the unscaled eps: it estimates the KL of the stored posterior
      let kl: Scalar | null = null;
      if (wantKl) {
        kl = w.closedForm
          ? sumKl(w.kl, b?.kl)
          : sumKl(monteCarloKl(w, this.prior, eps.weight), b && eps.bias ? monteCarloKl(b, this.prior, eps.bias) : undefined);
      }
      return { output, kl };
    });
  }
}

export function sumKl(a: Scalar, b: Scalar | undefined): Scalar {
  return b ? (tf.add(a, b) as Scalar) : a;
}
