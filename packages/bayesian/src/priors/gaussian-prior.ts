import { tf, type Tensor } from '@cristal/tensor';

/**
 * The prior N(mean, std^2) on every weight of a layer. `std` is a standard deviation, never a
 * variance: build it with `gaussianPrior({ std })` or `gaussianPrior({ variance })`, which converts.
 * `mean` is a number, or a tensor of the weights' shape (MOPED centres the prior on trained weights).
 */
export interface GaussianPrior {
  readonly kind: 'gaussian';
  readonly mean: number | Tensor;
  readonly std: number;
}

export type GaussianPriorOptions = { std: number; mean?: number | Tensor } | { variance: number; mean?: number | Tensor };

export function gaussianPrior(options: GaussianPriorOptions): GaussianPrior {
  const std = 'std' in options ? options.std : Math.sqrt(options.variance);
  if ('std' in options && 'variance' in options) throw new Error('gaussianPrior: give std or variance, not both.');
  if (!(std > 0) || !Number.isFinite(std)) throw new Error(`gaussianPrior: the standard deviation must be positive and finite, got ${std}.`);
  const mean = options.mean ?? 0;
  if (typeof mean === 'number' && !Number.isFinite(mean)) throw new Error(`gaussianPrior: the mean must be finite, got ${mean}.`);
  return { kind: 'gaussian', mean, std };
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log N(w; mean, std^2), elementwise, in nats. */
export function gaussianLogDensity(w: Tensor, mean: number | Tensor, std: number | Tensor): Tensor {
  return tf.tidy(() => {
    const z = tf.div(tf.sub(w, mean), std);
    return tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.log(std), LOG_SQRT_2PI));
  });
}
