import type { RandomStream } from '@cristal/tensor';
import { choleskyLower, choleskySolve, solveLowerTransposed } from './cholesky';

/**
 * The exact (conjugate) belief over the last layer for a squared-error output. Given the
 * penultimate activities, the clamped output is linear-Gaussian in the weights:
 *   y_b = phi_b W + noise,  noise ~ N(0, I / pi_L),  phi_b = [f(x_{L-1,b}), 1]  (bias as the last row)
 * so with the prior W ~ MN(0, I / lambda0, I) the posterior is matrix normal MN(M, Lambda^{-1}, I):
 * one row precision Lambda = lambda0 I + pi_L sum_b phi_b^T phi_b ([d, d], d = n_{L-1} + 1) shared by
 * every output column, and M = Lambda^{-1} H with the natural mean H = pi_L sum_b phi_b^T y_b. Both
 * are sums over data, so batches may come in any split. Forgetting rho re-mixes the prior:
 * Lambda <- rho Lambda + (1 - rho) lambda0 I + ..., H <- rho H + ... (the prior's natural mean is 0).
 * Kept in float64 in JavaScript; M and the Cholesky factor of Lambda are recomputed every
 * `solveEvery` updates (until the first solve, M is the initial draw the network started from).
 */
export interface ConjugateBelief {
  /** d = n_{L-1} + 1 rows (features and the bias' constant 1). */
  readonly rows: number;
  /** n_L output columns. */
  readonly columns: number;
  readonly priorPrecision: number;
  /** Lambda, d x d row-major. */
  readonly precision: Float64Array;
  /** H = Lambda M, d x columns. */
  readonly natural: Float64Array;
  /** M as of the last solve, d x columns (rows 0..d-2 are W, row d-1 is b). */
  readonly mean: Float64Array;
  /** Lower Cholesky factor of Lambda as of the last solve. */
  readonly cholesky: Float64Array;
  /** Updates since the last solve. */
  readonly pending: number;
}

/** The prior MN(0, I / lambda0, I), with the network's initial weights as the mean until the first solve. */
export function conjugatePrior(initialWeights: Float32Array | Float64Array, initialBias: Float32Array | Float64Array, inputs: number, outputs: number, priorPrecision: number): ConjugateBelief {
  if (initialWeights.length !== inputs * outputs || initialBias.length !== outputs) {
    throw new Error(`conjugatePrior: initial weights must be ${inputs} x ${outputs} and the bias ${outputs} long, got ${initialWeights.length} and ${initialBias.length} entries.`);
  }
  const d = inputs + 1;
  const precision = new Float64Array(d * d);
  const cholesky = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    precision[i * d + i] = priorPrecision;
    cholesky[i * d + i] = Math.sqrt(priorPrecision);
  }
  const mean = new Float64Array(d * outputs);
  mean.set(initialWeights);
  mean.set(initialBias, inputs * outputs);
  return { rows: d, columns: outputs, priorPrecision, precision, natural: new Float64Array(d * outputs), mean, cholesky, pending: 0 };
}

/**
 * Adds a batch: `features` f(x_{L-1}) [B, n_{L-1}] and `targets` x_L [B, n_L] (row-major), output
 * precision pi. Returns a new belief (the input is not modified); solves when `solveEvery` updates
 * have accumulated.
 */
export function conjugateUpdate(
  belief: ConjugateBelief,
  features: ArrayLike<number>,
  targets: ArrayLike<number>,
  batch: number,
  options: { errorPrecision: number; forgetting: number; solveEvery: number },
): ConjugateBelief {
  const { rows: d, columns: m, priorPrecision: lambda0 } = belief;
  const n = d - 1;
  if (features.length !== batch * n || targets.length !== batch * m) {
    throw new Error(`conjugateUpdate: a batch of ${batch} needs features [${batch}, ${n}] and targets [${batch}, ${m}], got ${features.length} and ${targets.length} entries.`);
  }
  const { errorPrecision: pi, forgetting: rho, solveEvery } = options;
  const precision = Float64Array.from(belief.precision, (v) => rho * v);
  const natural = Float64Array.from(belief.natural, (v) => rho * v);
  if (rho !== 1) for (let i = 0; i < d; i++) precision[i * d + i] += (1 - rho) * lambda0;
  const phi = new Float64Array(d);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < n; i++) phi[i] = features[b * n + i];
    phi[n] = 1;
    // lower triangle of pi phi^T phi (mirrored below), and pi phi^T y
    for (let i = 0; i < d; i++) {
      const pi_phi = pi * phi[i];
      if (pi_phi === 0) continue;
      const row = i * d;
      for (let k = 0; k <= i; k++) precision[row + k] += pi_phi * phi[k];
      for (let c = 0; c < m; c++) natural[i * m + c] += pi_phi * targets[b * m + c];
    }
  }
  for (let i = 0; i < d; i++) for (let k = 0; k < i; k++) precision[k * d + i] = precision[i * d + k];
  const updated = { ...belief, precision, natural, pending: belief.pending + 1 };
  return updated.pending >= solveEvery ? solveConjugate(updated) : updated;
}

/** M = Lambda^{-1} H through the Cholesky factor Lambda = L L^T (float64). */
export function solveConjugate(belief: ConjugateBelief): ConjugateBelief {
  const cholesky = choleskyLower(belief.precision, belief.rows);
  return { ...belief, cholesky, mean: choleskySolve(cholesky, belief.natural, belief.rows, belief.columns), pending: 0 };
}

/** One draw W ~ MN(M, Lambda^{-1}, I): M + L^{-T} Z, Z standard normal [d, columns] (cov L^{-T} L^{-1} = Lambda^{-1}). */
export function sampleConjugate(belief: ConjugateBelief, rng: RandomStream): Float64Array {
  const z = rng.fillNormal(new Float64Array(belief.rows * belief.columns));
  const offset = solveLowerTransposed(belief.cholesky, z, belief.rows, belief.columns);
  return belief.mean.map((v, i) => v + offset[i]);
}

/** Splits a d x columns matrix into the weights [n_{L-1}, n_L] and the bias [n_L], as float32. */
export function splitConjugateMatrix(belief: ConjugateBelief, matrix: Float64Array): { weights: Float32Array; bias: Float32Array } {
  const split = (belief.rows - 1) * belief.columns;
  return { weights: Float32Array.from(matrix.subarray(0, split)), bias: Float32Array.from(matrix.subarray(split)) };
}
