import { tf, type RandomStream, type Scalar, type Tensor, type Variable } from '@cristal/tensor';
import { meanFieldGaussian, type MeanFieldTerms, type ScaleKind } from '../kernels/mean-field-gaussian';
import { posteriorKl, STANDARD_NORMAL_PRIOR } from '../kl/posterior-kl';
import { createMeanFieldPosterior, type InitialPosterior, type MeanFieldPosterior, type MeanInit } from '../posterior/mean-field';
import type { Prior } from '../priors/prior';
import type { CallOptions, LayerOutput, VariationalLayer } from './layer';

/** Options shared by every variational layer. */
export interface VariationalLayerOptions {
  name?: string;
  /** Prior on every weight and bias. Default N(0, 1). */
  prior?: Prior;
  /** Posterior means at initialisation (default He: N(0, 2 / fanIn)); biases start at 0. */
  meanInit?: MeanInit;
  /** Raw scale at initialisation, sigma = softplus(rho). Default -5 (sigma ~ 0.0067). */
  rhoInit?: number;
  /** A posterior to start from (e.g. `mopedPosterior` of a trained network); overrides meanInit and rhoInit. */
  initial?: { weight: InitialPosterior; bias?: InitialPosterior };
  /** Default true. */
  useBias?: boolean;
  /** Draws the initial means. */
  rng: RandomStream;
}

/** The posterior of one weight tensor as the forward pass uses it, with its closed-form KL when there is one. */
export type PosteriorTerms<K extends ScaleKind> = MeanFieldTerms<K> & { closedForm: boolean };

export function posteriorTerms<K extends ScaleKind>(p: MeanFieldPosterior, prior: Prior, scale: K): PosteriorTerms<K> {
  // A non-Gaussian prior still goes through the fused kernel for sigma; its KL is estimated elsewhere.
  const terms = meanFieldGaussian(p.mu, p.rho, prior.kind === 'gaussian' ? prior : STANDARD_NORMAL_PRIOR, scale);
  return { ...terms, closedForm: prior.kind === 'gaussian' };
}

/** Runs a layer's forward in tf.tidy, keeping the output and the KL when there is one. */
export function tidyLayer(fn: () => LayerOutput): LayerOutput {
  let hasKl = false;
  const kept = tf.tidy(() => {
    const r = fn();
    hasKl = r.kl !== null;
    return r.kl ? [r.output, r.kl] : [r.output];
  });
  return { output: kept[0], kl: hasKl ? (kept[1] as Scalar) : null };
}

/**
 * What every mean-field variational layer shares: a weight posterior and an optional bias posterior,
 * each N(mu, softplus(rho)^2), the prior, and the KL. Subclasses only write the forward pass.
 */
export abstract class VariationalBase implements VariationalLayer {
  readonly name: string;
  readonly prior: Prior;
  readonly weight: MeanFieldPosterior;
  readonly bias: MeanFieldPosterior | null;
  readonly parameterCount: number;

  protected constructor(kind: string, weightShape: number[], fanIn: number, fanOut: number, options: VariationalLayerOptions) {
    this.name = options.name ?? kind;
    this.prior = options.prior ?? STANDARD_NORMAL_PRIOR;
    const common = { meanInit: options.meanInit, rhoInit: options.rhoInit, rng: options.rng };
    this.weight = createMeanFieldPosterior({ ...common, shape: weightShape, fanIn, fanOut, initial: options.initial?.weight, name: `${this.name}/weight` });
    const useBias = options.useBias ?? true;
    if (!useBias && options.initial?.bias) throw new Error(`${this.name}: an initial bias was given to a layer without bias.`);
    const units = weightShape[weightShape.length - 1];
    this.bias = useBias
      ? createMeanFieldPosterior({ ...common, meanInit: { kind: 'zeros' }, shape: [units], fanIn, fanOut, initial: options.initial?.bias, name: `${this.name}/bias` })
      : null;
    this.parameterCount = this.weight.mu.size + (this.bias ? this.bias.mu.size : 0);
  }

  abstract call(x: Tensor, rng: RandomStream, options?: CallOptions): LayerOutput;

  kl(rng?: RandomStream): Scalar {
    return tf.tidy(() => {
      const w = posteriorKl(this.weight, this.prior, rng);
      return this.bias ? (tf.add(w, posteriorKl(this.bias, this.prior, rng)) as Scalar) : w;
    });
  }

  variables(): Variable[] {
    return this.bias ? [this.weight.mu, this.weight.rho, this.bias.mu, this.bias.rho] : [this.weight.mu, this.weight.rho];
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
