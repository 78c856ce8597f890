import { tf, type RandomStream, type Scalar, type Tensor } from '@cristal/tensor';
import { matMul } from '../kernels/tf-ops';
import { monteCarloKl } from '../kl/monte-carlo-kl';
import { checkDenseInput, sumKl, type DenseVariationalOptions } from './dense-reparam';
import { activate, type ActivationKind } from './activation';
import { noiseScaleOf, scaledNoise, type CallOptions, type LayerOutput } from './layer';
import { normalNoise, rademacher } from './noise';
import { posteriorTerms, tidyLayer, VariationalBase } from './variational-base';

/**
 * The Flipout forward pass (Wen et al. 2018): one shared perturbation dW = sigma_W * eps_W, decorrelated
 * across examples by random signs s_in [B, in] and s_out [B, out] (+-1):
 *   y = x mu_W + ((x * s_in) dW) * s_out + b,  b = mu_b + sigma_b * eps_b
 */
export function denseFlipoutForward(
  x: Tensor,
  weight: { mean: Tensor; std: Tensor },
  bias: { mean: Tensor; std: Tensor } | null,
  noise: { weight: Tensor; bias: Tensor | null; signIn: Tensor; signOut: Tensor },
): Tensor {
  return tf.tidy(() => {
    const delta = tf.mul(weight.std, noise.weight);
    const y = tf.add(matMul(x, weight.mean), tf.mul(matMul(tf.mul(x, noise.signIn), delta), noise.signOut));
    if (!bias) return y;
    if (!noise.bias) throw new Error('denseFlipoutForward: bias noise is missing.');
    return tf.add(y, tf.add(bias.mean, tf.mul(bias.std, noise.bias)));
  });
}

/**
 * Dense layer with a mean-field Gaussian posterior and Flipout (Wen et al. 2018). Because eps is
 * symmetric and independent of the signs, each example's effective perturbation
 * dW_b = dW * (s_in,b s_out,b^T) is again N(0, sigma^2) and the examples' perturbations are
 * pseudo-independent:
 *   W_b = mu_W + (sigma_W * eps_W) * (s_in,b s_out,b^T),   y_b = x_b W_b + b
 *   = x_b mu_W + ((x_b * s_in,b) (sigma_W * eps_W)) * s_out,b     (then the activation, identity by default)
 * Each output's marginal equals that of `DenseReparam`; the cost is two matmuls instead of one.
 * The bias is sampled once per pass (as in TensorFlow Probability). KL: closed form for a Gaussian
 * prior; for other priors the Monte-Carlo estimate at the shared sample mu + dW.
 */
export class DenseFlipout extends VariationalBase {
  readonly inputSize: number;
  readonly units: number;
  readonly activation: ActivationKind;

  constructor(options: DenseVariationalOptions) {
    super('dense_flipout', [options.inputSize, options.units], options.inputSize, options.units, options);
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
      const B = x.shape[0];
      const noise = {
        weight: normalNoise(rng, [this.inputSize, this.units]),
        bias: b ? normalNoise(rng, [this.units]) : null,
        signIn: rademacher(rng, [B, this.inputSize]),
        signOut: rademacher(rng, [B, this.units]),
      };
      const scaled = { ...noise, weight: scaledNoise(noise.weight, noiseScale), bias: noise.bias ? scaledNoise(noise.bias, noiseScale) : null };
      const output = activate(this.activation, denseFlipoutForward(x, w, b, scaled));
      // the Monte-Carlo KL keeps the unscaled eps: it estimates the KL of the stored posterior
      let kl: Scalar | null = null;
      if (wantKl) {
        kl = w.closedForm
          ? sumKl(w.kl, b?.kl)
          : sumKl(monteCarloKl(w, this.prior, noise.weight), b && noise.bias ? monteCarloKl(b, this.prior, noise.bias) : undefined);
      }
      return { output, kl };
    });
  }
}
