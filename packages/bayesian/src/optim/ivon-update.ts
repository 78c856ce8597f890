/**
 * The functional core of IVON (Shen et al. 2024, "Variational learning is effective for large deep
 * networks", ICML, Algorithm 1): one update of a mean-field Gaussian posterior q = N(m, sigma^2)
 * from a Monte-Carlo gradient and Hessian estimate, on plain float64 arrays.
 */

/** The per-parameter state: mean m, curvature estimate h and gradient momentum g. */
export interface IvonBuffers {
  mean: Float64Array;
  hess: Float64Array;
  momentum: Float64Array;
}

export interface IvonUpdateParameters {
  beta1: number;
  beta2: number;
  /** delta: the prior precision per unit of ess (prior N(0, 1 / (ess delta))). */
  weightDecay: number;
  /** The learning rate actually applied (alpha, times h0 + delta when the rate is rescaled). */
  stepSize: number;
  /** xi: elementwise bound on the preconditioned step (g_bar + delta m) / (h + delta). */
  clipRadius: number;
  /** 1 - beta1^t, or 1 without bias correction. */
  debias: number;
}

/**
 * Posterior standard deviation sigma = 1 / sqrt(ess (h + delta)): q's precision is ess times the
 * per-example curvature plus the prior's, as for a Laplace approximation of ess examples.
 */
export function ivonStd(hess: ArrayLike<number>, ess: number, weightDecay: number, out: Float64Array = new Float64Array(hess.length)): Float64Array {
  for (let i = 0; i < hess.length; i++) out[i] = 1 / Math.sqrt(ess * (hess[i] + weightDecay));
  return out;
}

/**
 * IVON's curvature update (Shen et al. 2024, Algorithm 1; the Riemannian correction of Lin, Schmidt and
 * Khan 2020, "Handling the positive-definite constraint in the Bayesian learning rule"):
 *
 *   h <- beta2 h + (1 - beta2) h_hat + 0.5 (1 - beta2)^2 (h - h_hat)^2 / (h + delta).
 *
 * With a = h + delta > 0 and u = (1 - beta2)(h_hat - h), the new h + delta is
 * (a^2 + (a + u)^2) / (2a) > 0 whatever h_hat is: the posterior variance stays positive even when a
 * reparameterisation estimate h_hat is negative.
 */
export function ivonHessianUpdate(hess: number, hessEstimate: number, beta2: number, weightDecay: number): number {
  const diff = hess - hessEstimate;
  return beta2 * hess + (1 - beta2) * hessEstimate + (0.5 * (1 - beta2) * (1 - beta2) * diff * diff) / (hess + weightDecay);
}

/**
 * One IVON step, in place, in the order of Algorithm 1:
 *
 *   g     <- beta1 g + (1 - beta1) g_hat                     (g_hat: mean MC gradient of the mean loss)
 *   h     <- ivonHessianUpdate(h, h_hat)                     (h_hat: mean of g_hat eps / sigma)
 *   m     <- m - stepSize clip((g / debias + delta m) / (h + delta), -xi, xi)
 *
 * The mean step uses the updated h, and the clip bounds each coordinate of the preconditioned
 * step (clipping after preconditioning, as the authors' PyTorch implementation, team-approx-bayes/ivon).
 */
export function ivonUpdate(buffers: IvonBuffers, gradient: ArrayLike<number>, hessEstimate: ArrayLike<number>, p: IvonUpdateParameters): void {
  const { mean, hess, momentum } = buffers;
  const { beta1, beta2, weightDecay, stepSize, clipRadius, debias } = p;
  for (let i = 0; i < mean.length; i++) {
    momentum[i] = beta1 * momentum[i] + (1 - beta1) * gradient[i];
    hess[i] = ivonHessianUpdate(hess[i], hessEstimate[i], beta2, weightDecay);
    let step = (momentum[i] / debias + weightDecay * mean[i]) / (hess[i] + weightDecay);
    if (step > clipRadius) step = clipRadius;
    else if (step < -clipRadius) step = -clipRadius;
    mean[i] -= stepSize * step;
  }
}
