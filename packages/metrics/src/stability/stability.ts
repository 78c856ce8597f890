import { assertNonEmpty, toVector, type VectorInput } from '../input/inputs';

export interface LossSpikeOptions {
  /** A step spikes when its loss exceeds `factor` times the running median (default 2). */
  factor?: number;
  /** Number of preceding steps in the running median (default 50). */
  window?: number;
  /** Steps needed before spikes are counted (default 10): early losses have no stable median. */
  warmup?: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Loss spikes: steps t >= warmup where loss_t > factor * median(loss over the previous `window`
 * finite steps). A non-finite loss is always a spike (divergence). Returns the count and the steps.
 */
export function lossSpikes(losses: VectorInput, options: LossSpikeOptions = {}): { count: number; steps: number[] } {
  const { factor = 2, window = 50, warmup = 10 } = options;
  if (!(factor > 1)) throw new Error(`factor must be > 1, got ${factor}.`);
  if (!Number.isInteger(window) || window < 1) throw new Error(`window must be a positive integer, got ${window}.`);
  const loss = toVector(losses, 'losses');
  const history: number[] = [];
  const steps: number[] = [];
  for (let t = 0; t < loss.length; t++) {
    const v = loss[t];
    if (!Number.isFinite(v)) {
      steps.push(t);
      continue;
    }
    if (t >= warmup && history.length > 0 && v > factor * median(history)) steps.push(t);
    history.push(v);
    if (history.length > window) history.shift();
  }
  return { count: steps.length, steps };
}

/** Unbiased sample variance (n - 1) of gradient norms over training steps. */
export function gradientNormVariance(norms: VectorInput): number {
  const x = toVector(norms, 'norms');
  if (x.length < 2) throw new Error(`norms: need at least 2 values for a variance, got ${x.length}.`);
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i] / x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - mean) ** 2;
  return ss / (x.length - 1);
}

// Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Student's t 0.975 quantile: tabulated to 30 degrees of freedom, a Cornish-Fisher expansion beyond. */
export function studentT975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`degrees of freedom must be a positive integer, got ${df}.`);
  if (df <= 30) return T975[df - 1];
  const z = 1.959963984540054;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

export interface SeedAggregate {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1); 0 for a single run. */
  std: number;
  /** 95% confidence interval of the mean, mean +- t(0.975, n - 1) std / sqrt(n); NaN for one run. */
  ci95: [number, number];
}

/** Mean, standard deviation and 95% t-interval of one metric over seeds. */
export function aggregateSeeds(values: VectorInput): SeedAggregate {
  const x = toVector(values, 'values');
  assertNonEmpty(x.length, 'values');
  let mean = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new Error(`values[${i}] = ${x[i]}: a diverged run must be reported, not averaged.`);
    mean += x[i] / x.length;
  }
  if (x.length === 1) return { n: 1, mean, std: 0, ci95: [NaN, NaN] };
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - mean) ** 2;
  const std = Math.sqrt(ss / (x.length - 1));
  const half = (studentT975(x.length - 1) * std) / Math.sqrt(x.length);
  return { n: x.length, mean, std, ci95: [mean - half, mean + half] };
}
