// Direct, loop-based float64 implementations of the formulas, written from the equations and not
// from the TF.js code: the independent side of every parity test in this folder.
import type { Tensor } from '@cristal/tensor';

export type Matrix = number[][];

export function toMatrix(t: Tensor): Matrix {
  return t.arraySync() as Matrix;
}

export function toTensor3(t: Tensor): Matrix[] {
  return t.arraySync() as Matrix[];
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** a [n, k] x b [k, m] */
export function matmul(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

export function transpose(a: Matrix): Matrix {
  return a[0].map((_, j) => a.map((row) => row[j]));
}

export function softmaxRow(z: readonly number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** For one query q: repeat steps: q <- sum_n softmax_n(beta q.k_n) k_n; then a = softmax(beta q.k), z = sum_n a_n v_n. */
export function associateOne(q: readonly number[], keys: Matrix, values: Matrix, beta: number, steps: number): { output: number[]; attention: number[]; query: number[] } {
  let query = [...q];
  for (let t = 0; t < steps; t++) {
    const a = softmaxRow(keys.map((k) => beta * dot(query, k)));
    query = keys[0].map((_, j) => a.reduce((s, an, n) => s + an * keys[n][j], 0));
  }
  const attention = softmaxRow(keys.map((k) => beta * dot(query, k)));
  const output = values[0].map((_, j) => attention.reduce((s, an, n) => s + an * values[n][j], 0));
  return { output, attention, query };
}

export function addBias(a: Matrix, bias: readonly number[]): Matrix {
  return a.map((row) => row.map((v, j) => v + bias[j]));
}

export function maxAbsDiff(a: unknown, b: unknown): number {
  const fa = (a as number[]).flat(Infinity as 1) as number[];
  const fb = (b as number[]).flat(Infinity as 1) as number[];
  if (fa.length !== fb.length) throw new Error(`maxAbsDiff: ${fa.length} vs ${fb.length} values`);
  return fa.reduce((m, v, i) => Math.max(m, Math.abs(v - fb[i])), 0);
}

/** E = -1/2 s^T W s in float64 from W's float32 values. */
export function classicalEnergy64(w: ArrayLike<number>, s: ArrayLike<number>): number {
  const d = s.length;
  let e = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) e += w[i * d + j] * s[i] * s[j];
  return -0.5 * e;
}

/** Local field h_i = sum_j W_ij s_j in float64. */
export function localField64(w: ArrayLike<number>, s: ArrayLike<number>, i: number): number {
  const d = s.length;
  let h = 0;
  for (let j = 0; j < d; j++) h += w[i * d + j] * s[j];
  return h;
}
