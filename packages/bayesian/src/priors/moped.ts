import { tf, type Tensor } from '@cristal/tensor';
import type { InitialPosterior } from '../posterior/mean-field';

export interface MopedOptions {
  /** sigma = delta |w|; Krishnan et al. use delta = 0.1. */
  delta?: number;
  /** Floor on sigma, so a weight that is exactly 0 gets a finite rho. Default 1e-5. */
  minStd?: number;
}

/**
 * MOPED (Krishnan, Subedar and Tickoo 2020, "Specifying weight priors in Bayesian deep neural networks
 * with empirical Bayes"): a mean-field posterior initialised from a trained deterministic network,
 *   mu = w,  sigma = max(delta |w|, minStd),  rho = softplus^-1(sigma) = log(e^sigma - 1)
 * Pass the result as `initial.weight` / `initial.bias` of a variational layer. The paper also centres
 * the prior on w: `gaussianPrior({ mean: w, std })`.
 */
export function mopedPosterior(trained: Tensor, options: MopedOptions = {}): InitialPosterior {
  const { delta = 0.1, minStd = 1e-5 } = options;
  if (!(delta > 0) || !Number.isFinite(delta)) throw new Error(`mopedPosterior: delta must be positive, got ${delta}.`);
  if (!(minStd > 0)) throw new Error(`mopedPosterior: minStd must be positive, got ${minStd}.`);
  return tf.tidy(() => {
    const sigma = tf.maximum(tf.mul(tf.abs(trained), delta), minStd);
    // log(expm1(s)) keeps small s exact; s + log1p(-e^-s) is the same value without overflow for large s
    const rho = tf.where(tf.greater(sigma, 20), tf.add(sigma, tf.log1p(tf.neg(tf.exp(tf.neg(sigma))))), tf.log(tf.expm1(sigma)));
    return { mu: tf.cast(trained, 'float32'), rho };
  });
}

/** MOPED for a dense or convolutional layer: its trained kernel and bias -> the layer's `initial` option. */
export function mopedLayer(trained: { kernel: Tensor; bias?: Tensor | null }, options: MopedOptions = {}): { weight: InitialPosterior; bias?: InitialPosterior } {
  const weight = mopedPosterior(trained.kernel, options);
  return trained.bias ? { weight, bias: mopedPosterior(trained.bias, options) } : { weight };
}
