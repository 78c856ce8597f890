import { tf, type RandomStream, type Tensor } from '@cristal/tensor';
import { denseLocalReparamFused, denseLocalReparamFusedAvailable } from '../kernels/dense-local-reparam-kernel';
import { localReparamOutput } from '../kernels/local-reparam-output';
import { matMul } from '../kernels/tf-ops';
import { activate, type ActivationKind } from './activation';
import { checkDenseInput, sumKl, type DenseVariationalOptions } from './dense-reparam';
import { noiseScaleOf, scaledNoise, type CallOptions, type LayerOutput } from './layer';
import { normalNoise } from './noise';
import { posteriorTerms, tidyLayer, VariationalBase } from './variational-base';

/**
 * The local reparameterisation forward pass: sample the pre-activations, not the weights:
 *   m = x mu_W + mu_b,  v = x^2 sigma_W^2 + sigma_b^2,  y = m + sqrt(v) * eps,  eps ~ N(0, I) [B, out]
 * Takes the variances sigma^2 (not the standard deviations).
 */
export function denseLocalReparamForward(
  x: Tensor,
  weight: { mean: Tensor; variance: Tensor },
  bias: { mean: Tensor; variance: Tensor } | null,
  eps: Tensor,
): Tensor {
  return tf.tidy(() => {
    const m = matMul(x, weight.mean);
    const v = matMul(tf.square(x), weight.variance);
    const units = m.shape[1] as number;
    return localReparamOutput(m, v, bias ? bias.mean : tf.zeros([units]), bias ? bias.variance : tf.zeros([units]), eps);
  });
}

/**
 * Dense layer with a mean-field Gaussian posterior and the local reparameterisation trick (Kingma,
 * Salimans and Welling 2015). With W_ij ~ N(mu_ij, sigma_ij^2) independent, each pre-activation of
 * each example is Gaussian:
 *   y_bj ~ N(m_bj, v_bj),  m = x mu_W + mu_b,  v = x^2 sigma_W^2 + sigma_b^2  (x^2 elementwise)
 *   y = f(m + sqrt(v) * eps),  eps ~ N(0, I) of shape [B, out],  sigma = softplus(rho),  f the activation
 * so every example sees independent weights, the gradient variance drops, and B x out noise values
 * replace in x out. The marginal of each output equals that of `DenseReparam`. KL: closed form for a
 * Gaussian prior; for other priors a Monte-Carlo estimate from a separate weight sample (the layer
 * never samples weights).
 */
export class DenseLocalReparam extends VariationalBase {
  readonly inputSize: number;
  readonly units: number;
  readonly activation: ActivationKind;
  /** Whether sampling passes run as one fused native kernel (see below). */
  readonly fused: boolean;

  /**
   * `fused` (default true): when the native addon is built, the prior is Gaussian with a scalar mean
   * and the layer has a bias, a sampling pass is one kernel (`denseLocalReparamFused`) with the same
   * numbers as the composed path, up to the summation order of the matrix products.
   */
  constructor(options: DenseVariationalOptions & { fused?: boolean }) {
    super('dense_local_reparam', [options.inputSize, options.units], options.inputSize, options.units, options);
    this.inputSize = options.inputSize;
    this.units = options.units;
    this.activation = options.activation ?? 'identity';
    const p = this.prior;
    this.fused = (options.fused ?? true) && denseLocalReparamFusedAvailable() && p.kind === 'gaussian' && typeof p.mean === 'number' && this.bias !== null;
  }

  call(x: Tensor, rng: RandomStream, options: CallOptions = {}): LayerOutput {
    const { mode = 'sample', kl: wantKl = true } = options;
    const noiseScale = noiseScaleOf(this.name, options);
    checkDenseInput(this.name, x, this.inputSize);
    if (this.fused && mode === 'sample' && this.prior.kind === 'gaussian' && this.bias) {
      const prior = { mean: this.prior.mean as number, std: this.prior.std };
      const w = this.weight;
      const b = this.bias;
      // ReLU runs inside the kernel, so that a ReLU MLP's activations never leave JavaScript memory
      const inKernel = this.activation === 'relu' ? 'relu' : 'identity';
      return tidyLayer(() => {
        // the kernel reads sqrt(v) * eps, so a scaled eps is a scaled posterior noise, gradients included
        const eps = scaledNoise(normalNoise(rng, [x.shape[0], this.units]), noiseScale);
        const out = denseLocalReparamFused(x, w.mu, w.rho, b.mu, b.rho, eps, prior, inKernel);
        return { output: inKernel === this.activation ? out.output : activate(this.activation, out.output), kl: wantKl ? out.kl : null };
      });
    }
    return tidyLayer(() => {
      const w = posteriorTerms(this.weight, this.prior, 'variance');
      const b = this.bias ? posteriorTerms(this.bias, this.prior, 'variance') : null;
      const output = activate(
        this.activation,
        mode === 'mean' ? (b ? tf.add(matMul(x, w.mean), b.mean) : matMul(x, w.mean)) : denseLocalReparamForward(x, w, b, scaledNoise(normalNoise(rng, [x.shape[0], this.units]), noiseScale)),
      );
      const kl = wantKl ? (w.closedForm ? sumKl(w.kl, b?.kl) : this.kl(rng)) : null;
      return { output, kl };
    });
  }
}
