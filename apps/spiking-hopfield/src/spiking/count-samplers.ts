import type { RandomStream } from '@cristal/tensor';

const TWO_POW_32 = 4294967296;

/**
 * Trials per inversion: with p <= 1/2, P(0) = (1 - p)^512 >= 2^-512 stays far from underflow, and
 * Binomial(a, p) + Binomial(b, p) = Binomial(a + b, p) joins the chunks exactly.
 */
const CHUNK = 512;

function binomialByInversion(n: number, p: number, stream: RandomStream): number {
  const u = stream.uniform();
  // (1 - p)^n >= 1 - n p (Bernoulli's inequality), so below it the inversion returns 0: most memory
  // neurons are far from the top rate and skip the exp and log1p.
  if (u < 1 - n * p) return 0;
  const odds = p / (1 - p);
  let k = 0;
  let pk = Math.exp(n * Math.log1p(-p));
  let cdf = pk;
  while (u >= cdf && k < n) {
    pk *= ((n - k) / (k + 1)) * odds;
    k++;
    cdf += pk;
  }
  return k;
}

/**
 * Binomial(n, p) by inversion of the CDF: exact (to the stream's 2^-32 resolution), one uniform per
 * chunk of 512 trials plus O(n p) work; p > 1/2 samples the failures instead.
 */
export function sampleBinomial(n: number, p: number, stream: RandomStream): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`Binomial trials must be a non-negative integer, got ${n}.`);
  if (!(p >= 0 && p <= 1)) throw new Error(`Binomial probability must be in [0, 1], got ${p}.`);
  return binomialUnchecked(n, p, stream);
}

/** sampleBinomial for arguments already known valid (the hot loop over B N memory neurons). */
export function binomialUnchecked(n: number, p: number, stream: RandomStream): number {
  if (p === 0 || n === 0) return 0;
  if (p === 1) return n;
  if (p > 0.5) return n - binomialUnchecked(n, 1 - p, stream);
  let total = 0;
  for (let left = n; left > 0; left -= CHUNK) total += binomialByInversion(Math.min(left, CHUNK), p, stream);
  return total;
}

/**
 * Adds to `counts` the outcome of `draws` independent categorical draws with weights `weights`
 * (non-negative, any total > 0): inverse CDF over the float64 cumulative sum, binary search per draw.
 */
export function addCategoricalCounts(weights: ArrayLike<number>, draws: number, stream: RandomStream, counts: Float32Array, offset = 0): void {
  const n = weights.length;
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += weights[i];
    cumulative[i] = total;
  }
  if (!(total > 0 && Number.isFinite(total))) throw new Error(`Categorical weights must have a positive finite total, got ${total}.`);
  for (let t = 0; t < draws; t++) {
    const target = stream.uniform() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    counts[offset + lo] += 1;
  }
}

/** Standard exponentials -ln U with U in (0, 1) at 2^-32 resolution (never 0 or Infinity). */
export function fillExponential(out: Float32Array, stream: RandomStream): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = -Math.log((stream.uint32() + 0.5) / TWO_POW_32);
  return out;
}
