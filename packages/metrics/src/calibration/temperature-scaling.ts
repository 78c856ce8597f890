import { toLabels, toMatrix, assertFiniteValues, assertNonEmpty, type Matrix, type MatrixInput, type VectorInput } from '../input/inputs';

export interface TemperatureFit {
  /** T > 0: calibrated probabilities are softmax(logits / T). */
  temperature: number;
  nllBefore: number;
  nllAfter: number;
  /** softmax(logits / T) for the logits the temperature was fitted on. */
  probabilities: Matrix;
}

/** softmax(logits / T) row by row, in float64, max-shifted. */
export function temperatureSoftmax(logits: MatrixInput, temperature: number): Matrix {
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new Error(`temperature must be a positive finite number, got ${temperature}.`);
  const z = toMatrix(logits, 'logits');
  const out = new Float64Array(z.rows * z.cols);
  for (let i = 0; i < z.rows; i++) {
    let max = -Infinity;
    for (let c = 0; c < z.cols; c++) max = Math.max(max, z.data[i * z.cols + c] / temperature);
    let sum = 0;
    for (let c = 0; c < z.cols; c++) sum += out[i * z.cols + c] = Math.exp(z.data[i * z.cols + c] / temperature - max);
    for (let c = 0; c < z.cols; c++) out[i * z.cols + c] /= sum;
  }
  return { data: out, rows: z.rows, cols: z.cols };
}

/**
 * NLL of softmax(beta * z) and its first two derivatives in beta (inverse temperature):
 * f = mean[logsumexp(beta z) - beta z_y], f' = mean[E_p z - z_y], f'' = mean[Var_p z] >= 0.
 * f is convex in beta, so Newton's method with a bisection safeguard finds the global optimum.
 */
function nllInBeta(z: Matrix, y: Int32Array, beta: number): { f: number; d1: number; d2: number } {
  let f = 0;
  let d1 = 0;
  let d2 = 0;
  for (let i = 0; i < z.rows; i++) {
    let max = -Infinity;
    for (let c = 0; c < z.cols; c++) max = Math.max(max, beta * z.data[i * z.cols + c]);
    let sum = 0;
    let ez = 0;
    let ez2 = 0;
    for (let c = 0; c < z.cols; c++) {
      const v = z.data[i * z.cols + c];
      const w = Math.exp(beta * v - max);
      sum += w;
      ez += w * v;
      ez2 += w * v * v;
    }
    ez /= sum;
    ez2 /= sum;
    const zy = z.data[i * z.cols + y[i]];
    f += max + Math.log(sum) - beta * zy;
    d1 += ez - zy;
    d2 += ez2 - ez * ez;
  }
  return { f: f / z.rows, d1: d1 / z.rows, d2: d2 / z.rows };
}

/**
 * Temperature scaling (Guo et al. 2017): the single T > 0 minimising validation NLL of
 * softmax(logits / T). Solved exactly in beta = 1/T (convex); never returns a T with a higher NLL
 * than T = 1. Pass logits, not probabilities.
 */
export function fitTemperature(logits: MatrixInput, labels: VectorInput): TemperatureFit {
  const z = toMatrix(logits, 'logits');
  assertNonEmpty(z.rows, 'logits');
  assertFiniteValues(z.data, 'logits');
  const y = toLabels(labels, z.cols, z.rows);
  const before = nllInBeta(z, y, 1);
  // Bracket the root of f' (increasing): f'(0) >= 0 means "predict uniform", T -> infinity.
  let lo = 0;
  let hi = 1;
  const minBeta = 1e-4;
  if (nllInBeta(z, y, minBeta).d1 >= 0) {
    const f = nllInBeta(z, y, minBeta).f;
    return { temperature: 1 / minBeta, nllBefore: before.f, nllAfter: Math.min(f, before.f), probabilities: temperatureSoftmax(z, f <= before.f ? 1 / minBeta : 1) };
  }
  while (nllInBeta(z, y, hi).d1 < 0 && hi < 1e6) hi *= 2;
  let beta = Math.min(Math.max(1, lo), hi);
  for (let iter = 0; iter < 200; iter++) {
    const { d1, d2 } = nllInBeta(z, y, beta);
    if (Math.abs(d1) < 1e-12) break;
    if (d1 < 0) lo = beta;
    else hi = beta;
    const newton = d2 > 0 ? beta - d1 / d2 : NaN;
    beta = newton > lo && newton < hi ? newton : (lo + hi) / 2;
    if (hi - lo < 1e-12 * Math.max(1, hi)) break;
  }
  const after = nllInBeta(z, y, beta).f;
  const temperature = after <= before.f ? 1 / beta : 1;
  return { temperature, nllBefore: before.f, nllAfter: Math.min(after, before.f), probabilities: temperatureSoftmax(z, temperature) };
}
