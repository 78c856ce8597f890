import { tf, assertShape, type RandomStream, type Scalar, type Tensor, type Tensor4D } from '@cristal/tensor';
import { monteCarloKl } from '../kl/monte-carlo-kl';
import { sumKl } from './dense-reparam';
import { noiseScaleOf, scaledNoise, type CallOptions, type LayerOutput } from './layer';
import { normalNoise } from './noise';
import { posteriorTerms, tidyLayer, VariationalBase, type VariationalLayerOptions } from './variational-base';

export interface Conv2dGeometry {
  strides: [number, number];
  padding: 'same' | 'valid';
}

export interface Conv2dVariationalOptions extends VariationalLayerOptions {
  inChannels: number;
  filters: number;
  kernelSize: number | [number, number];
  /** Default 1. */
  strides?: number | [number, number];
  /** Default 'valid' (LeNet). */
  padding?: 'same' | 'valid';
}

export function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

export function conv(x: Tensor, kernel: Tensor, g: Conv2dGeometry): Tensor4D {
  return tf.conv2d(x as Tensor4D, kernel as Tensor4D, g.strides, g.padding);
}

/**
 * The reparameterised convolution with one kernel sample for the batch (NHWC, kernel [kh, kw, in, out]):
 *   K = mu_K + sigma_K * eps_K,  b = mu_b + sigma_b * eps_b,  y = conv(x, K) + b
 */
export function conv2dReparamForward(
  x: Tensor,
  kernel: { mean: Tensor; std: Tensor },
  bias: { mean: Tensor; std: Tensor } | null,
  eps: { kernel: Tensor; bias: Tensor | null },
  geometry: Conv2dGeometry,
): Tensor {
  return tf.tidy(() => {
    const y = conv(x, tf.add(kernel.mean, tf.mul(kernel.std, eps.kernel)), geometry);
    if (!bias) return y;
    if (!eps.bias) throw new Error('conv2dReparamForward: bias noise is missing.');
    return tf.add(y, tf.add(bias.mean, tf.mul(bias.std, eps.bias)));
  });
}

/** Shared by the variational convolutions: kernel shape, geometry and input checks. */
export abstract class Conv2dVariationalBase extends VariationalBase {
  readonly inChannels: number;
  readonly filters: number;
  readonly kernelShape: [number, number, number, number];
  readonly geometry: Conv2dGeometry;

  protected constructor(kind: string, options: Conv2dVariationalOptions) {
    const [kh, kw] = pair(options.kernelSize);
    // fan-in and fan-out as Keras counts them for convolutions: receptive field times channels
    super(kind, [kh, kw, options.inChannels, options.filters], kh * kw * options.inChannels, kh * kw * options.filters, options);
    this.inChannels = options.inChannels;
    this.filters = options.filters;
    this.kernelShape = [kh, kw, options.inChannels, options.filters];
    this.geometry = { strides: pair(options.strides ?? 1), padding: options.padding ?? 'valid' };
  }

  protected checkInput(x: Tensor): void {
    assertShape(x, [null, null, null, this.inChannels], `${this.name} input (NHWC)`);
  }

  protected meanOutput(x: Tensor, w: { mean: Tensor }, b: { mean: Tensor } | null): Tensor {
    const y = conv(x, w.mean, this.geometry);
    return b ? tf.add(y, b.mean) : y;
  }
}

/**
 * 2-D convolution with a mean-field Gaussian posterior on its kernel and bias, reparameterisation
 * trick, one kernel sample per forward pass shared by the batch (Blundell et al. 2015):
 *   sigma = softplus(rho),  K = mu_K + sigma_K * eps_K,  b = mu_b + sigma_b * eps_b
 *   y = conv(x, K) + b,  so y ~ N(conv(x, mu_K) + mu_b, conv(x^2, sigma_K^2) + sigma_b^2) per output
 * KL: closed form for a Gaussian prior, Monte Carlo at the same sample otherwise.
 */
export class Conv2dReparam extends Conv2dVariationalBase {
  constructor(options: Conv2dVariationalOptions) {
    super('conv2d_reparam', options);
  }

  call(x: Tensor, rng: RandomStream, options: CallOptions = {}): LayerOutput {
    const { mode = 'sample', kl: wantKl = true } = options;
    const noiseScale = noiseScaleOf(this.name, options);
    this.checkInput(x);
    return tidyLayer(() => {
      const w = posteriorTerms(this.weight, this.prior, 'std');
      const b = this.bias ? posteriorTerms(this.bias, this.prior, 'std') : null;
      if (mode === 'mean') return { output: this.meanOutput(x, w, b), kl: wantKl ? (w.closedForm ? sumKl(w.kl, b?.kl) : this.kl(rng)) : null };
      const eps = { kernel: normalNoise(rng, this.kernelShape), bias: b ? normalNoise(rng, [this.filters]) : null };
      const scaled = { kernel: scaledNoise(eps.kernel, noiseScale), bias: eps.bias ? scaledNoise(eps.bias, noiseScale) : null };
      const output = conv2dReparamForward(x, w, b, scaled, this.geometry);
      // the Monte-Carlo KL keeps the unscaled eps: it estimates the KL of the stored posterior
      let kl: Scalar | null = null;
      if (wantKl) {
        kl = w.closedForm
          ? sumKl(w.kl, b?.kl)
          : sumKl(monteCarloKl(w, this.prior, eps.kernel), b && eps.bias ? monteCarloKl(b, this.prior, eps.bias) : undefined);
      }
      return { output, kl };
    });
  }
}
