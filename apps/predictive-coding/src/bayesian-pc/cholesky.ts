// Dense float64 linear algebra for the conjugate last layer (row-major Float64Arrays): the matrices
// are small ((n_{L-1} + 1)^2, e.g. 257 x 257), and float64 keeps the accumulated precision matrix
// well conditioned where float32 would not be.

/** The lower Cholesky factor L of a symmetric positive-definite d x d matrix A = L L^T. */
export function choleskyLower(a: Float64Array, d: number): Float64Array {
  if (a.length !== d * d) throw new Error(`choleskyLower: expected a ${d} x ${d} matrix (${d * d} entries), got ${a.length}.`);
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let diag = a[j * d + j];
    for (let k = 0; k < j; k++) diag -= l[j * d + k] * l[j * d + k];
    if (!(diag > 0)) throw new Error(`choleskyLower: the matrix is not positive definite (pivot ${j} is ${diag}); a precision matrix lambda0 I + pi Phi^T Phi with lambda0 > 0 always is, so check for NaN features.`);
    const ljj = Math.sqrt(diag);
    l[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let s = a[i * d + j];
      const li = i * d;
      const lj = j * d;
      for (let k = 0; k < j; k++) s -= l[li + k] * l[lj + k];
      l[li + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L X = B for X (d x m), L lower triangular (forward substitution). */
export function solveLower(l: Float64Array, b: Float64Array, d: number, m: number): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < i; k++) {
      const lik = l[i * d + k];
      if (lik !== 0) for (let c = 0; c < m; c++) x[i * m + c] -= lik * x[k * m + c];
    }
    const lii = l[i * d + i];
    for (let c = 0; c < m; c++) x[i * m + c] /= lii;
  }
  return x;
}

/** Solves L^T X = B for X (d x m), L lower triangular (back substitution on the transpose). */
export function solveLowerTransposed(l: Float64Array, b: Float64Array, d: number, m: number): Float64Array {
  const x = Float64Array.from(b);
  for (let i = d - 1; i >= 0; i--) {
    for (let k = i + 1; k < d; k++) {
      const lki = l[k * d + i];
      if (lki !== 0) for (let c = 0; c < m; c++) x[i * m + c] -= lki * x[k * m + c];
    }
    const lii = l[i * d + i];
    for (let c = 0; c < m; c++) x[i * m + c] /= lii;
  }
  return x;
}

/** A^{-1} B for A = L L^T: forward then back substitution. */
export function choleskySolve(l: Float64Array, b: Float64Array, d: number, m: number): Float64Array {
  return solveLowerTransposed(l, solveLower(l, b, d, m), d, m);
}
