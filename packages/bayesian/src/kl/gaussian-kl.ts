import { tf, type Scalar, type Tensor } from '@cristal/tensor';

/** A univariate Gaussian by its mean and standard deviation (std, never the variance). */
export interface GaussianStd {
  mean: number;
  std: number;
}

/**
 * KL(N(m_q, s_q^2) || N(m_p, s_p^2)) = log(s_p / s_q) + (s_q^2 + (m_q - m_p)^2) / (2 s_p^2) - 1/2, in nats.
 */
export function klGaussianScalar(q: GaussianStd, p: GaussianStd): number {
  if (!(q.std > 0) || !(p.std > 0)) throw new Error(`klGaussianScalar: standard deviations must be positive, got ${q.std} and ${p.std}.`);
  const d = q.mean - p.mean;
  return Math.log(p.std / q.std) + (q.std * q.std + d * d) / (2 * p.std * p.std) - 0.5;
}

/**
 * The same closed form over tensors, summed over every element: KL of a factorised Gaussian
 * N(mean, std^2) to a factorised prior N(priorMean, priorStd^2) (numbers or tensors that broadcast).
 * Composed of TF.js ops: the reference the fused kernel (`meanFieldGaussian`) is tested against, and
 * the general form for priors whose scale varies per weight.
 */
export function klGaussian(q: { mean: Tensor; std: Tensor }, p: { mean: number | Tensor; std: number | Tensor }): Scalar {
  return tf.tidy(() => {
    const priorVar = tf.square(p.std);
    const d = tf.sub(q.mean, p.mean);
    const terms = tf.sub(tf.add(tf.sub(tf.log(p.std), tf.log(q.std)), tf.div(tf.add(tf.square(q.std), tf.square(d)), tf.mul(2, priorVar))), 0.5);
    return tf.sum(terms) as Scalar;
  });
}
