import type { Tensor } from '@cristal/tensor';
import { gaussianLogDensity, type GaussianPrior } from './gaussian-prior';
import { scaleMixtureLogDensity, type ScaleMixturePrior } from './scale-mixture-prior';

/** Every prior a variational layer accepts. The KL is closed-form for `gaussian`, Monte Carlo otherwise. */
export type Prior = GaussianPrior | ScaleMixturePrior;

/** log p(w), elementwise, in nats. */
export function priorLogDensity(prior: Prior, w: Tensor): Tensor {
  return prior.kind === 'gaussian' ? gaussianLogDensity(w, prior.mean, prior.std) : scaleMixtureLogDensity(w, prior);
}

/** Whether the KL of a Gaussian posterior to this prior has a closed form. */
export function hasClosedFormKl(prior: Prior): prior is GaussianPrior {
  return prior.kind === 'gaussian';
}
