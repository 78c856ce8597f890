import { assertComparable, type DiagonalGaussian } from './diagonal-gaussian';

/**
 * KL(p || q) between diagonal Gaussians, in nats, summed over dimensions:
 *
 *   KL = sum_i [ ln(s_q / s_p) + (s_p^2 + (m_p - m_q)^2) / (2 s_q^2) - 1/2 ]
 *      = sum_i [ (x_i - ln(1 + x_i)) / 2 + (m_p - m_q)^2 / (2 s_q^2) ],   x_i = s_p^2 / s_q^2 - 1
 *
 * (the Gaussian closed form, one dimension at a time). The second form, with
 * x_i = (s_p - s_q)(s_p + s_q) / s_q^2 and log1p, keeps nearby Gaussians, as successive posteriors
 * are, from cancelling to noise. Accumulated in float64, on flat arrays (posterior snapshots, trust
 * regions); `klGaussian` in ../kl is the differentiable tensor form of the same closed form.
 */
export function diagonalGaussianKl(p: DiagonalGaussian, q: DiagonalGaussian): number {
  assertComparable(p, q, 'diagonalGaussianKl');
  return diagonalGaussianKlUnchecked(p, q);
}

/** `diagonalGaussianKl` without argument checks, for inner loops that already validated their inputs. */
export function diagonalGaussianKlUnchecked(p: DiagonalGaussian, q: DiagonalGaussian): number {
  let kl = 0;
  for (let i = 0; i < p.mean.length; i++) {
    const sp = p.std[i];
    const sq = q.std[i];
    const x = ((sp - sq) * (sp + sq)) / (sq * sq);
    const dm = p.mean[i] - q.mean[i];
    kl += 0.5 * (x - Math.log1p(x)) + (0.5 * dm * dm) / (sq * sq);
  }
  return kl;
}
