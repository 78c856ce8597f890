import { tf, type RandomStream, type Scalar, type Tensor } from '@cristal/tensor';
import { monteCarloKl } from '../kl/monte-carlo-kl';
import { conv, Conv2dVariationalBase, type Conv2dGeometry, type Conv2dVariationalOptions } from './conv2d-reparam';
import { sumKl } from './dense-reparam';
import { noiseScaleOf, scaledNoise, type CallOptions, type LayerOutput } from './layer';
import { normalNoise, rademacher } from './noise';
import { posteriorTerms, tidyLayer } from './variational-base';

/**
 * The Flipout convolution (Wen et al. 2018), signs per example and channel as in TensorFlow
 * Probability: s_in [B, 1, 1, in], s_out [B, 1, 1, out], dK = sigma_K * eps_K shared:
 *   y = conv(x, mu_K) + conv(x * s_in, dK) * s_out + b,  b = mu_b + sigma_b * eps_b
 */
export function conv2dFlipoutForward(
  x: Tensor,
  kernel: { mean: Tensor; std: Tensor },
  bias: { mean: Tensor; std: Tensor } | null,
  noise: { kernel: Tensor; bias: Tensor | null; signIn: Tensor; signOut: Tensor },
  geometry: Conv2dGeometry,
): Tensor {
  return tf.tidy(() => {
    const delta = tf.mul(kernel.std, noise.kernel);
    const y = tf.add(conv(x, kernel.mean, geometry), tf.mul(conv(tf.mul(x, noise.signIn), delta, geometry), noise.signOut));
    if (!bias) return y;
    if (!noise.bias) throw new Error('conv2dFlipoutForward: bias noise is missing.');
    return tf.add(y, tf.add(bias.mean, tf.mul(bias.std, noise.bias)));
  });
}

/**
 * 2-D convolution with a mean-field Gaussian posterior and Flipout (Wen et al. 2018): each example
 * sees the shared kernel perturbation dK = sigma_K * eps_K with its input channels and output
 * channels sign-flipped,
 *   K_b = mu_K + dK * (s_in,b (x) s_out,b),  y_b = conv(x_b, K_b) + b
 *       = conv(x_b, mu_K) + conv(x_b * s_in,b, dK) * s_out,b
 * so each output keeps the marginal N(conv(x, mu_K) + mu_b, conv(x^2, sigma_K^2) + sigma_b^2) of
 * `Conv2dReparam` while examples decorrelate. Two convolutions per pass. KL: closed form for a
 * Gaussian prior, Monte Carlo at mu + dK otherwise.
 */
export class Conv2dFlipout extends Conv2dVariationalBase {
  constructor(options: Conv2dVariationalOptions) {
    super('conv2d_flipout', options);
  }

  call(x: Tensor, rng: RandomStream, options: CallOptions = {}): LayerOutput {
    const { mode = 'sample', kl: wantKl = true } = options;
    const noiseScale = noiseScaleOf(this.name, options);
    this.checkInput(x);
    return tidyLayer(() => {
      const w = posteriorTerms(this.weight, this.prior, 'std');
      const b = this.bias ? posteriorTerms(this.bias, this.prior, 'std') : null;
      if (mode === 'mean') return { output: this.meanOutput(x, w, b), kl: wantKl ? (w.closedForm ? sumKl(w.kl, b?.kl) : this.kl(rng)) : null };
      const B = x.shape[0];
      const noise = {
        kernel: normalNoise(rng, this.kernelShape),
        bias: b ? normalNoise(rng, [this.filters]) : null,
        signIn: rademacher(rng, [B, 1, 1, this.inChannels]),
        signOut: rademacher(rng, [B, 1, 1, this.filters]),
      };
      const scaled = { ...noise, kernel: scaledNoise(noise.kernel, noiseScale), bias: noise.bias ? scaledNoise(noise.bias, noiseScale) : null };
      const output = conv2dFlipoutForward(x, w, b, scaled, this.geometry);
      // the Monte-Carlo KL keeps the unscaled eps: it estimates the KL of the stored posterior
      let kl: Scalar | null = null;
      if (wantKl) {
        kl = w.closedForm
          ? sumKl(w.kl, b?.kl)
          : sumKl(monteCarloKl(w, this.prior, noise.kernel), b && noise.bias ? monteCarloKl(b, this.prior, noise.bias) : undefined);
      }
      return { output, kl };
    });
  }
}
