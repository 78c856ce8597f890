import { RandomStream, RandomStreams } from '@cristal/tensor';
import { choleskyLower, choleskySolve } from './cholesky';
import { conjugatePrior, conjugateUpdate, sampleConjugate, solveConjugate, type ConjugateBelief } from './conjugate-last-layer';

/** Independent float64 reference: Gauss-Jordan elimination with partial pivoting, A X = B. */
function gaussSolve(a: number[][], b: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k < m[r].length; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row.slice(n).map((v) => v / m[i][i]));
}

/** Bayesian linear regression posterior from the textbook formulas, all data at once (rho = 1). */
function closedFormPosterior(features: number[][], targets: number[][], lambda0: number, pi: number): { precision: number[][]; mean: number[][] } {
  const phi = features.map((row) => [...row, 1]);
  const d = phi[0].length;
  const precision = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, k) => (i === k ? lambda0 : 0) + pi * phi.reduce((s, row) => s + row[i] * row[k], 0)));
  const rhs = Array.from({ length: d }, (_, i) => targets[0].map((_, c) => pi * phi.reduce((s, row, b) => s + row[i] * targets[b][c], 0)));
  return { precision, mean: gaussSolve(precision, rhs) };
}

const B = 9;
const n = 3;
const m = 2;
const rng = new RandomStreams(21).data;
const features = Array.from({ length: B }, () => Array.from({ length: n }, () => rng.uniform() * 2 - 1));
const targets = Array.from({ length: B }, () => Array.from({ length: m }, () => rng.normal()));
const lambda0 = 0.7;
const pi = 2.5;

function fit(splits: number[], forgetting = 1, solveEvery = 1): ConjugateBelief {
  let belief = conjugatePrior(new Float32Array(n * m).fill(0.25), new Float32Array(m), n, m, lambda0);
  let offset = 0;
  for (const size of splits) {
    const f = features.slice(offset, offset + size).flat();
    const t = targets.slice(offset, offset + size).flat();
    belief = conjugateUpdate(belief, f, t, size, { errorPrecision: pi, forgetting, solveEvery });
    offset += size;
  }
  return belief;
}

const maxAbs = (a: ArrayLike<number>, b: number[]) => Math.max(...b.map((v, i) => Math.abs(a[i] - v)));

describe('the conjugate last layer (exact Bayesian linear regression, float64)', () => {
  const reference = closedFormPosterior(features, targets, lambda0, pi);

  it('equals the closed-form posterior computed independently, whatever the split of the data into batches', () => {
    for (const splits of [[9], [4, 5], [1, 1, 1, 6], Array.from({ length: 9 }, () => 1)]) {
      const belief = fit(splits);
      expect(maxAbs(belief.precision, reference.precision.flat())).toBeLessThan(1e-12);
      const dMean = maxAbs(belief.mean, reference.mean.flat());
      expect(dMean).toBeLessThan(1e-12);
    }
    // solving only every 4 updates: after the 9th update 1 is pending and the mean is the 8-datum posterior; a solve catches up
    const lazy = fit(Array.from({ length: 9 }, () => 1), 1, 4);
    expect(lazy.pending).toBe(1);
    expect(maxAbs(lazy.mean, closedFormPosterior(features.slice(0, 8), targets.slice(0, 8), lambda0, pi).mean.flat())).toBeLessThan(1e-12);
    expect(maxAbs(solveConjugate(lazy).mean, reference.mean.flat())).toBeLessThan(1e-12);
    // before any solve the mean is the network's initial draw
    expect(Array.from(fit([]).mean)).toEqual([...new Array<number>(n * m).fill(0.25), ...new Array<number>(m).fill(0)]);
  });

  it('forgetting rho down-weights older batches and re-mixes the prior: Lambda = lambda0 I + pi (rho P_1 + P_2), H = pi (rho R_1 + R_2)', () => {
    const rho = 0.6;
    const belief = fit([4, 5], rho);
    const first = closedFormPosterior(features.slice(0, 4), targets.slice(0, 4), 0, pi);
    const second = closedFormPosterior(features.slice(4), targets.slice(4), 0, pi);
    const expected = first.precision.map((row, i) => row.map((v, k) => (i === k ? lambda0 : 0) + rho * v + second.precision[i][k]));
    expect(maxAbs(belief.precision, expected.flat())).toBeLessThan(1e-12);
    const natural = (f: number[][], t: number[][]) => f.map((row) => [...row, 1]).reduce((acc, phi, b) => acc.map((r, i) => r.map((v, c) => v + pi * phi[i] * t[b][c])), Array.from({ length: n + 1 }, () => new Array<number>(m).fill(0)));
    const [r1, r2] = [natural(features.slice(0, 4), targets.slice(0, 4)), natural(features.slice(4), targets.slice(4))];
    expect(maxAbs(belief.natural, r1.flatMap((row, i) => row.map((v, c) => rho * v + r2[i][c])))).toBeLessThan(1e-12);
    // diagonal never below lambda0
    for (let i = 0; i <= n; i++) expect(belief.precision[i * (n + 1) + i]).toBeGreaterThanOrEqual(lambda0);
  });

  it('Cholesky: L L^T = Lambda and the solve inverts it; a non-positive-definite matrix is refused', () => {
    const belief = fit([9]);
    const d = n + 1;
    const l = choleskyLower(belief.precision, d);
    const product = Array.from({ length: d * d }, (_, idx) => {
      const [i, k] = [Math.floor(idx / d), idx % d];
      let s = 0;
      for (let j = 0; j < d; j++) s += l[i * d + j] * l[k * d + j];
      return s;
    });
    expect(maxAbs(belief.precision, product)).toBeLessThan(1e-12);
    const identity = Float64Array.from({ length: d * d }, (_, idx) => (Math.floor(idx / d) === idx % d ? 1 : 0));
    const inverse = choleskySolve(l, identity, d, d);
    const back = gaussSolve(reference.precision, reference.precision.map((_, i) => reference.precision.map((__, k) => (i === k ? 1 : 0))));
    expect(maxAbs(inverse, back.flat())).toBeLessThan(1e-12);
    expect(() => choleskyLower(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite \(pivot 1/);
  });

  it('samples W ~ MN(M, Lambda^{-1}, I): sample mean M and covariance Lambda^{-1} (20,000 draws), seeded', () => {
    const belief = fit([9]);
    const d = n + 1;
    const draws = 20000;
    const stream = new RandomStream(5, 'test');
    const covariance = gaussSolve(reference.precision, reference.precision.map((_, i) => reference.precision.map((__, k) => (i === k ? 1 : 0))));
    const sum = new Float64Array(d * m);
    const outer = new Float64Array(d * d); // column 0
    for (let s = 0; s < draws; s++) {
      const w = sampleConjugate(belief, stream);
      for (let i = 0; i < d * m; i++) sum[i] += w[i];
      for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) outer[i * d + k] += (w[i * m] - belief.mean[i * m]) * (w[k * m] - belief.mean[k * m]);
    }
    for (let i = 0; i < d; i++) {
      for (let c = 0; c < m; c++) {
        // z-score of the sample mean: sd sqrt(Sigma_ii / draws)
        const z = (sum[i * m + c] / draws - belief.mean[i * m + c]) / Math.sqrt(covariance[i][i] / draws);
        expect(Math.abs(z)).toBeLessThan(4.5);
      }
      for (let k = 0; k < d; k++) {
        // sd of a sample covariance entry: sqrt((S_ik^2 + S_ii S_kk) / draws)
        const sd = Math.sqrt((covariance[i][k] ** 2 + covariance[i][i] * covariance[k][k]) / draws);
        expect(Math.abs(outer[i * d + k] / draws - covariance[i][k]) / sd).toBeLessThan(4.5);
      }
    }
    expect(Array.from(sampleConjugate(belief, new RandomStream(5, 'x')))).toEqual(Array.from(sampleConjugate(belief, new RandomStream(5, 'x'))));
  });

  it('rejects a batch whose sizes do not match, naming the shapes', () => {
    expect(() => conjugateUpdate(fit([]), [1, 2], [1, 2], 1, { errorPrecision: 1, forgetting: 1, solveEvery: 1 })).toThrow('a batch of 1 needs features [1, 3] and targets [1, 2], got 2 and 2 entries');
  });
});
