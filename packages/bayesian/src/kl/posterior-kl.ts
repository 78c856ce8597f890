import { tf, type RandomStream, type Scalar } from '@cristal/tensor';
import { meanFieldGaussian } from '../kernels/mean-field-gaussian';
import type { MeanFieldPosterior } from '../posterior/mean-field';
import { gaussianPrior } from '../priors/gaussian-prior';
import type { Prior } from '../priors/prior';
import { monteCarloKl, type MonteCarloKlOptions } from './monte-carlo-kl';

/** N(0, 1): the default prior of every layer, as in the reference (`torch_bnn.py`). */
export const STANDARD_NORMAL_PRIOR = gaussianPrior({ std: 1 });

/**
 * KL(q || p) of one mean-field posterior in nats, summed over its parameters: closed form through the
 * fused kernel for a Gaussian prior, a one-sample Monte-Carlo estimate (drawing from `rng`) otherwise.
 */
export function posteriorKl(posterior: MeanFieldPosterior, prior: Prior, rng?: RandomStream, options?: MonteCarloKlOptions): Scalar {
  return tf.tidy(() => {
    if (prior.kind === 'gaussian') return meanFieldGaussian(posterior.mu, posterior.rho, prior, 'std').kl;
    if (!rng) throw new Error(`posteriorKl: the ${prior.kind} prior has no closed-form KL; pass a random stream for the Monte-Carlo estimate.`);
    const q = meanFieldGaussian(posterior.mu, posterior.rho, STANDARD_NORMAL_PRIOR, 'std');
    return monteCarloKl({ mean: q.mean, std: q.std }, prior, rng.normalTensor(posterior.mu.shape), options);
  });
}
