import { tf, type Tensor } from '@cristal/tensor';

/** A row-major [rows, cols] matrix as plain data. */
export interface Matrix {
  data: ArrayLike<number>;
  rows: number;
  cols: number;
}

/** Probabilities or scores [N, C]: a rank-2 tensor, nested arrays, or a Matrix over a typed array. */
export type MatrixInput = Tensor | number[][] | Matrix;
/** One value per sample: a rank-1 tensor or any array of numbers. */
export type VectorInput = Tensor | ArrayLike<number>;

export function matrix(data: ArrayLike<number>, rows: number, cols: number): Matrix {
  if (data.length !== rows * cols) throw new Error(`matrix: ${data.length} values cannot fill [${rows}, ${cols}].`);
  return { data, rows, cols };
}

export function toMatrix(x: MatrixInput, name: string): Matrix {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2) throw new Error(`${name}: expected a rank-2 tensor [N, C], got shape [${x.shape.join(', ')}].`);
    return { data: x.dataSync() as Float32Array, rows: x.shape[0] as number, cols: x.shape[1] as number };
  }
  if (Array.isArray(x)) {
    const rows = x.length;
    const cols = rows > 0 ? x[0].length : 0;
    const data = new Float64Array(rows * cols);
    x.forEach((row, i) => {
      if (row.length !== cols) throw new Error(`${name}: row ${i} has ${row.length} values, row 0 has ${cols}.`);
      data.set(row, i * cols);
    });
    return { data, rows, cols };
  }
  const m = x as Matrix;
  if (m.data.length !== m.rows * m.cols) throw new Error(`${name}: ${m.data.length} values cannot fill [${m.rows}, ${m.cols}].`);
  return m;
}

export function toVector(x: VectorInput, name: string): ArrayLike<number> {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 1) throw new Error(`${name}: expected a rank-1 tensor, got shape [${x.shape.join(', ')}].`);
    return x.dataSync() as Float32Array;
  }
  return x;
}

export function assertNonEmpty(n: number, name: string): void {
  if (n === 0) throw new Error(`${name}: no samples; metrics of an empty set are undefined.`);
}

/** Checks every value is finite; names the first offender. */
export function assertFiniteValues(values: ArrayLike<number>, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${name}: value at flat index ${i} is ${values[i]}; expected finite numbers.`);
  }
}

/**
 * Probabilities [N, C]: finite, within [0, 1], rows summing to 1 within `tolerance` (float32 softmax
 * outputs are off by ~1e-7 per class). Logits are rejected rather than silently softmaxed.
 */
export function toProbabilities(x: MatrixInput, name = 'probabilities', tolerance = 1e-3): Matrix {
  const m = toMatrix(x, name);
  assertNonEmpty(m.rows, name);
  assertFiniteValues(m.data, name);
  for (let i = 0; i < m.rows; i++) {
    let sum = 0;
    for (let c = 0; c < m.cols; c++) {
      const p = m.data[i * m.cols + c];
      if (p < -1e-6 || p > 1 + 1e-6) throw new Error(`${name}[${i}][${c}] = ${p} is not a probability; pass softmax outputs, not logits.`);
      sum += p;
    }
    if (Math.abs(sum - 1) > tolerance) throw new Error(`${name}: row ${i} sums to ${sum}, not 1; pass normalised probabilities.`);
  }
  return m;
}

/** Integer class labels in [0, numClasses), as many as `n`. */
export function toLabels(x: VectorInput, numClasses: number, n: number, name = 'labels'): Int32Array {
  const v = toVector(x, name);
  if (v.length !== n) throw new Error(`${name}: ${v.length} labels for ${n} predictions; they must match.`);
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const y = v[i];
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) throw new Error(`${name}[${i}] = ${y} is not a class index in [0, ${numClasses - 1}].`);
    out[i] = y;
  }
  return out;
}

/** Index of the largest value in row i (the first one on ties, as argmax does). */
export function argmaxRow(m: Matrix, i: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let c = 0; c < m.cols; c++) {
    const v = m.data[i * m.cols + c];
    if (v > bestValue) {
      bestValue = v;
      best = c;
    }
  }
  return best;
}
