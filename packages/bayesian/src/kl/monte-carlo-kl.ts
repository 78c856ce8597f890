import { tf, type Scalar, type Tensor } from '@cristal/tensor';
import { priorLogDensity, type Prior } from '../priors/prior';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export interface MonteCarloKlOptions {
  /**
   * `sampled` (default, Blundell et al. 2015): log q(w) at the sampled w, so the estimator is
   * log q(w) - log p(w). `analytic`: E_q[log q] = -H[q] in closed form and only log p(w) sampled, a
   * lower-variance estimator with the same expectation.
   */
  entropy?: 'sampled' | 'analytic';
}

/**
 * A one-sample Monte-Carlo estimate of KL(q || p), summed over the weights, for a mean-field Gaussian
 * q = N(mean, std^2) and any prior:
 *   w = mean + std * eps,  KL ~ sum_i log q(w_i) - log p(w_i),
 *   log q(w_i) = -eps_i^2 / 2 - log std_i - log sqrt(2 pi).
 * Unbiased; differentiable in mean and std through w (the reparameterisation trick). Pass the eps of
 * the layer's own weight sample to reuse it, as Blundell et al. do.
 */
export function monteCarloKl(q: { mean: Tensor; std: Tensor }, prior: Prior, eps: Tensor, options: MonteCarloKlOptions = {}): Scalar {
  const { entropy = 'sampled' } = options;
  return tf.tidy(() => {
    const w = tf.add(q.mean, tf.mul(q.std, eps));
    const logStd = tf.log(q.std);
    const logQ = entropy === 'sampled' ? tf.sub(tf.mul(-0.5, tf.square(eps)), tf.add(logStd, LOG_SQRT_2PI)) : tf.sub(-0.5 - LOG_SQRT_2PI, logStd);
    return tf.sum(tf.sub(logQ, priorLogDensity(prior, w))) as Scalar;
  });
}
