/**
 * A mean-field (diagonal) Gaussian N(mean, diag(std^2)), flattened: one entry per dimension.
 * Typed arrays keep the information-geometry core exact (float64) and cheap to checkpoint.
 */
export interface DiagonalGaussian {
  mean: ArrayLike<number>;
  std: ArrayLike<number>;
}

/** Throws unless `p` and `q` have matching sizes and every std is positive and finite. */
export function assertComparable(p: DiagonalGaussian, q: DiagonalGaussian, what: string): void {
  assertDiagonalGaussian(p, `${what}: first Gaussian`);
  assertDiagonalGaussian(q, `${what}: second Gaussian`);
  if (p.mean.length !== q.mean.length) {
    throw new Error(`${what}: the Gaussians have ${p.mean.length} and ${q.mean.length} dimensions.`);
  }
}

export function assertDiagonalGaussian(p: DiagonalGaussian, what: string): void {
  if (p.mean.length !== p.std.length) throw new Error(`${what} has ${p.mean.length} means and ${p.std.length} standard deviations.`);
  for (let i = 0; i < p.std.length; i++) {
    const s = p.std[i];
    if (!(s > 0) || !Number.isFinite(s)) throw new Error(`${what}: std[${i}] = ${s}; standard deviations must be positive and finite.`);
    if (!Number.isFinite(p.mean[i])) throw new Error(`${what}: mean[${i}] = ${p.mean[i]} is not finite.`);
  }
}
