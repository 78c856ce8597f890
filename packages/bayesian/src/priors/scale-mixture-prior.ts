import { tf, logSumExp, type Tensor } from '@cristal/tensor';
import { gaussianLogDensity } from './gaussian-prior';

/**
 * The scale mixture of two zero-mean Gaussians of Blundell et al. 2015 ("Weight uncertainty in neural
 * networks", eq. 7), the same for every weight:
 *   p(w) = pi N(w; 0, std1^2) + (1 - pi) N(w; 0, std2^2),   std1 > std2 (std2 << 1 pulls weights to 0)
 * The paper searched pi in {1/4, 1/2, 3/4}, -log std1 in {0, 1, 2}, -log std2 in {6, 7, 8}. Its KL to a
 * Gaussian posterior has no closed form: the layers estimate it by Monte Carlo (kl/monte-carlo-kl.ts).
 */
export interface ScaleMixturePrior {
  readonly kind: 'scale-mixture';
  readonly pi: number;
  readonly std1: number;
  readonly std2: number;
}

export function scaleMixturePrior(options: { pi: number; std1: number; std2: number }): ScaleMixturePrior {
  const { pi, std1, std2 } = options;
  if (!(pi > 0 && pi < 1)) throw new Error(`scaleMixturePrior: pi must be in (0, 1), got ${pi}.`);
  for (const [name, s] of [['std1', std1], ['std2', std2]] as const) {
    if (!(s > 0) || !Number.isFinite(s)) throw new Error(`scaleMixturePrior: ${name} must be a positive standard deviation, got ${s}.`);
  }
  return { kind: 'scale-mixture', pi, std1, std2 };
}

/** log p(w) of the mixture, elementwise, in nats; through log-sum-exp so tiny std2 does not underflow. */
export function scaleMixtureLogDensity(w: Tensor, prior: ScaleMixturePrior): Tensor {
  return tf.tidy(() => {
    const a = tf.add(gaussianLogDensity(w, 0, prior.std1), Math.log(prior.pi));
    const b = tf.add(gaussianLogDensity(w, 0, prior.std2), Math.log1p(-prior.pi));
    return logSumExp(tf.stack([a, b]), 0, false);
  });
}
