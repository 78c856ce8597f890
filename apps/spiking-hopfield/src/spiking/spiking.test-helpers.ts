import { tf, type RandomStream, type Tensor } from '@cristal/tensor';
import type { SynapseKind } from './synaptic-integration';

/** N random +-1 patterns of dimension d, [N, d]. */
export function signPatterns(stream: RandomStream, size: number, dim: number): Tensor {
  const values = new Float32Array(size * dim);
  for (let i = 0; i < values.length; i++) values[i] = stream.uniform() < 0.5 ? -1 : 1;
  return tf.tensor2d(values, [size, dim]);
}

/** Copies of `patterns` rows `rows` with round(fraction d) distinct coordinates of each flipped in sign. */
export function corrupt(stream: RandomStream, patterns: Tensor, rows: number[], fraction: number): Tensor {
  const [, dim] = patterns.shape as [number, number];
  const x = patterns.arraySync() as number[][];
  const flips = Math.round(fraction * dim);
  const out = rows.map((r) => {
    const q = [...x[r]];
    for (const j of stream.permutation(dim).subarray(0, flips)) q[j] = -q[j];
    return q;
  });
  return tf.tensor2d(out);
}

/**
 * The event-driven definition, one spike at a time, in float64: memory membranes v[t][b][i] when
 * the signed spikes [T][B][d] arrive through synapses X [N][d] (delta: the membrane jumps by
 * s X[i][j]; step: the current jumps by s X[i][j] and the membrane integrates it from the next step).
 * Independent of the vectorised presynaptic-trace implementation.
 */
export function eventDrivenMembranes(patterns: number[][], spikes: number[][][], synapse: SynapseKind, leak: number): number[][][] {
  const size = patterns.length;
  const out: number[][][] = [];
  const batch = spikes[0].length;
  const v = Array.from({ length: batch }, () => new Float64Array(size));
  const current = Array.from({ length: batch }, () => new Float64Array(size));
  for (let t = 0; t < spikes.length; t++) {
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < size; i++) v[b][i] = leak * v[b][i] + (synapse === 'step' ? current[b][i] : 0);
      spikes[t][b].forEach((s, j) => {
        if (s === 0) return;
        for (let i = 0; i < size; i++) {
          if (synapse === 'delta') v[b][i] += s * patterns[i][j];
          else current[b][i] += s * patterns[i][j];
        }
      });
    }
    out.push(v.map((row) => Array.from(row)));
  }
  return out;
}

/** Least-squares slope of log y against log x. */
export function logLogSlope(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i] - mx) * (ly[i] - my);
    den += (lx[i] - mx) ** 2;
  }
  return num / den;
}

/** softmax of a plain vector, float64. */
export function softmaxOf(h: number[]): number[] {
  const m = Math.max(...h);
  const e = h.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** Pearson chi-square of observed counts against expected counts, merging cells with expectation < 5 into one. */
export function chiSquare(observed: number[], expected: number[]): { statistic: number; dof: number } {
  let statistic = 0;
  let cells = 0;
  let restObserved = 0;
  let restExpected = 0;
  expected.forEach((e, k) => {
    if (e >= 5) {
      statistic += (observed[k] - e) ** 2 / e;
      cells++;
    } else {
      restObserved += observed[k];
      restExpected += e;
    }
  });
  if (restExpected > 0) {
    statistic += (restObserved - restExpected) ** 2 / restExpected;
    cells++;
  }
  return { statistic, dof: cells - 1 };
}

/** Upper 0.999 quantile of chi-square (Wilson-Hilferty), good to a few percent for dof >= 3. */
export function chiSquareCritical999(dof: number): number {
  const z = 3.0902;
  const a = 2 / (9 * dof);
  return dof * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** Exact Binomial(n, p) probabilities, float64. */
export function binomialPmf(n: number, p: number): number[] {
  const pmf: number[] = [];
  let logC = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logC += Math.log((n - k + 1) / k);
    pmf.push(Math.exp(logC + k * Math.log(p) + (n - k) * Math.log1p(-p)));
  }
  return pmf;
}

/** A [B, N] field whose every row is `h`: B independent realisations of one input. */
export function replicatedField(h: number[], rows: number): Tensor {
  return tf.tile(tf.tensor2d([h]), [rows, 1]);
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** A tensor's values as a plain number array. */
export function numbers(t: Tensor): number[] {
  return Array.from(t.dataSync() as Float32Array | Int32Array);
}
