/**
 * Closed-form moments of the error channel and its trace, for one unit with a fixed
 * precision-weighted error e (plain numbers: the analysis behind the tests and the README).
 *
 * Channel (one time step): c = r sign(e) B with B ~ Bernoulli(p), p = min(1, |e| / r).
 *   E[c] = r sign(e) p = clip(e, -r, r);   Var[c] = r^2 p (1 - p) = |e| (r - |e|) for |e| <= r, 0 above.
 * Trace after k steps from s_0 (a = dt / tau_s, independent draws each step):
 *   E[s_k] = (1 - a)^k s_0 + (1 - (1 - a)^k) E[c]
 *   Var[s_k] = a^2 Var[c] sum_{j<k} (1 - a)^{2j} = a^2 Var[c] (1 - (1 - a)^{2k}) / (1 - (1 - a)^2)
 *            -> a Var[c] / (2 - a)   (k -> infinity)
 */

/** p = P(a spike on the active channel) = min(1, |e| / r). */
export function spikeProbability(error: number, rMax: number): number {
  return Math.min(1, Math.abs(error) / rMax);
}

/** E[c] = r (p+ - p-) = clip(e, -r, r). */
export function spikeCarriedMean(error: number, rMax: number): number {
  return Math.sign(error) * rMax * spikeProbability(error, rMax);
}

/** Var[c] = r^2 p (1 - p). */
export function spikeCarriedVariance(error: number, rMax: number): number {
  const p = spikeProbability(error, rMax);
  return rMax * rMax * p * (1 - p);
}

/** The bias of the channel, E[c] - e: 0 while |e| <= r, -(|e| - r) sign(e) above (saturation). */
export function spikeCarriedBias(error: number, rMax: number): number {
  return spikeCarriedMean(error, rMax) - error;
}

/** E[s_k] for a trace started at s0 and driven k steps by a channel of mean `mean`. */
export function traceMean(mean: number, gain: number, steps: number, start = 0): number {
  const memory = (1 - gain) ** steps;
  return memory * start + (1 - memory) * mean;
}

/** Var[s_k] for a trace started at a fixed s0 and driven k steps by independent draws of variance `variance`. */
export function traceVariance(variance: number, gain: number, steps: number): number {
  const keep = (1 - gain) ** 2;
  if (keep === 0) return steps > 0 ? variance : 0;
  return (gain * gain * variance * (1 - keep ** steps)) / (1 - keep);
}
