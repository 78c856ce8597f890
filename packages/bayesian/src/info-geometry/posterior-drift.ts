import { assertComparable, type DiagonalGaussian } from './diagonal-gaussian';
import { fisherRaoSquaredUnchecked } from './fisher-rao';
import { diagonalGaussianKlUnchecked } from './diagonal-gaussian-kl';

export interface PosteriorDrift {
  /** KL(after || before), summed over all variables (nats). */
  kl: number;
  /** Fisher-Rao distance on the product of all variables' diagonal Gaussians. */
  fisherRao: number;
  perVariable: Record<string, { kl: number; fisherRao: number }>;
}

/**
 * How far a mean-field posterior moved between two training steps, variable by variable and in
 * total. The KL is taken as KL(q_after || q_before), the proximal term of natural-gradient VI
 * (Khan and Rue 2023, "The Bayesian learning rule"); KLs of independent blocks add, Fisher-Rao
 * distances of blocks of a product manifold add in quadrature (see `fisherRaoDistance`).
 * Both records must hold the same variable names with the same sizes.
 */
export function posteriorDrift(before: Record<string, DiagonalGaussian>, after: Record<string, DiagonalGaussian>): PosteriorDrift {
  const names = Object.keys(before);
  const extra = Object.keys(after).filter((n) => !(n in before));
  if (extra.length > 0) throw new Error(`posteriorDrift: "${extra[0]}" is in the second posterior only.`);
  let kl = 0;
  let squared = 0;
  const perVariable: PosteriorDrift['perVariable'] = {};
  for (const name of names) {
    const q = after[name];
    if (!q) throw new Error(`posteriorDrift: "${name}" is in the first posterior only.`);
    assertComparable(q, before[name], `posteriorDrift("${name}")`);
    const k = diagonalGaussianKlUnchecked(q, before[name]);
    const d2 = fisherRaoSquaredUnchecked(q, before[name]);
    perVariable[name] = { kl: k, fisherRao: Math.sqrt(d2) };
    kl += k;
    squared += d2;
  }
  return { kl, fisherRao: Math.sqrt(squared), perVariable };
}
