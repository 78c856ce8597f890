import { assertComparable, type DiagonalGaussian } from './diagonal-gaussian';

/**
 * Fisher-Rao distance between two univariate Gaussians N(m1, s1^2) and N(m2, s2^2).
 *
 * The Fisher metric of N(m, s^2) is ds^2 = (dm^2 + 2 ds^2) / s^2, i.e. twice the Poincare
 * half-plane metric in (m / sqrt(2), s). Hence (Costa, Santos and Strapasson 2015, "Fisher
 * information distance: a geometrical reading", Discrete Applied Mathematics 197)
 *
 *   d = sqrt(2) * 2 artanh( sqrt( ((m1 - m2)^2 + 2 (s1 - s2)^2) / ((m1 - m2)^2 + 2 (s1 + s2)^2) ) ).
 *
 * Computed as d = 2 sqrt(2) log1p(u), u = (sqrt(A) + A / (sqrt(B) + sqrt(8 s1 s2))) / sqrt(8 s1 s2),
 * with A and B the numerator and denominator above: algebraically the same (B - 8 s1 s2 = A), but
 * without artanh's cancellation near 1 (distant Gaussians) or 1 + log's near 0 (close ones).
 * Special cases: pure mean shift d = 2 sqrt(2) artanh(|dm| / sqrt(dm^2 + 8 s^2)); pure scale change
 * d = sqrt(2) |ln(s1 / s2)|.
 */
export function fisherRaoUnivariate(m1: number, s1: number, m2: number, s2: number): number {
  if (!(s1 > 0 && s2 > 0) || !Number.isFinite(s1) || !Number.isFinite(s2)) {
    throw new Error(`fisherRaoUnivariate: standard deviations must be positive and finite, got ${s1} and ${s2}.`);
  }
  return fisherRaoTerm(m1, s1, m2, s2);
}

function fisherRaoTerm(m1: number, s1: number, m2: number, s2: number): number {
  const dm = m1 - m2;
  const ds = s1 - s2;
  const sum = s1 + s2;
  const a = dm * dm + 2 * ds * ds;
  const b = dm * dm + 2 * sum * sum;
  const c = Math.sqrt(8 * s1 * s2);
  const u = (Math.sqrt(a) + a / (Math.sqrt(b) + c)) / c;
  return 2 * Math.SQRT2 * Math.log1p(u);
}

/**
 * Fisher-Rao distance between diagonal Gaussians (products of independent univariate Gaussians):
 *
 *   d(p, q) = sqrt( sum_i d_i^2 ),   d_i = fisherRaoUnivariate(m_p,i, s_p,i, m_q,i, s_q,i).
 *
 * The Fisher metric of a product of independent families is the sum of their metrics, so the
 * manifold of diagonal Gaussians is the Riemannian product of univariate half-planes; geodesics of a
 * product are products of geodesics traversed at constant speeds, which gives the root sum of squares.
 * This is the distance inside the diagonal family; within all multivariate Gaussians (no closed
 * form) the distance between the same two points can only be shorter.
 */
export function fisherRaoDistance(p: DiagonalGaussian, q: DiagonalGaussian): number {
  assertComparable(p, q, 'fisherRaoDistance');
  return Math.sqrt(fisherRaoSquaredUnchecked(p, q));
}

/** Sum of squared per-dimension distances (what adds up across blocks of a product manifold). */
export function fisherRaoSquaredUnchecked(p: DiagonalGaussian, q: DiagonalGaussian): number {
  let total = 0;
  for (let i = 0; i < p.mean.length; i++) {
    const d = fisherRaoTerm(p.mean[i], p.std[i], q.mean[i], q.std[i]);
    total += d * d;
  }
  return total;
}
