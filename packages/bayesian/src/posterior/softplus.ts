/**
 * sigma = softplus(rho) = log(1 + e^rho) keeps a standard deviation positive while rho is optimised
 * freely (Blundell et al. 2015). rho = -5 gives sigma ~ 0.0067.
 */
export function softplus(rho: number): number {
  return Math.max(rho, 0) + Math.log1p(Math.exp(-Math.abs(rho)));
}

/** rho = log(e^sigma - 1), the raw scale whose softplus is the standard deviation `std`. */
export function inverseSoftplus(std: number): number {
  if (!(std > 0)) throw new Error(`inverseSoftplus: the standard deviation must be positive, got ${std}.`);
  // log(expm1(s)) = s + log(1 - e^-s): the second form does not overflow for large s
  return std > 20 ? std + Math.log1p(-Math.exp(-std)) : Math.log(Math.expm1(std));
}
