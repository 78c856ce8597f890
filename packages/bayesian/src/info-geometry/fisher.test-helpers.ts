import { RandomStream, tf, type Tensor, type Variable } from '@cristal/tensor';

/**
 * Logistic regression p(y = 1 | x) = sigmoid(x w + b) at a fixed, arbitrary (not maximum-likelihood)
 * point, with labels drawn once from a seeded stream, and its Fisher diagonals in float64 from the
 * definitions. Parameters are ordered [w_1..w_d, b], i.e. features x~ = [x, 1].
 */
export function logisticProblem(seed: number, n = 40) {
  const s = new RandomStream(seed, 'logistic-fixture');
  const wValues = [0.8, -1.2, 0.4];
  const bValue = 0.3;
  const d = wValues.length;
  const x = s.fillNormal(new Float32Array(n * d));
  const features: number[][] = [];
  const p: number[] = [];
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const row = [...x.subarray(i * d, (i + 1) * d)];
    features.push([...row, 1]);
    const z = row.reduce((acc, v, j) => acc + v * Math.fround(wValues[j]), Math.fround(bValue));
    p.push(1 / (1 + Math.exp(-z)));
    y[i] = s.uniform() < p[i] ? 1 : 0;
  }
  const mean = (f: (i: number, j: number) => number) => Array.from({ length: d + 1 }, (_, j) => features.reduce((acc, _r, i) => acc + f(i, j), 0) / n);
  return {
    n,
    d,
    x: tf.tensor2d(x, [n, d]),
    y: tf.tensor1d(y),
    w: tf.variable(tf.tensor2d(wValues, [d, 1]), true, `w-${seed}`) as Variable,
    b: tf.variable(tf.tensor1d([bValue]), true, `b-${seed}`) as Variable,
    features,
    p,
    /** Empirical Fisher from its definition: mean_i ((y_i - p_i) x~_ij)^2. */
    empirical: mean((i, j) => ((y[i] - p[i]) * features[i][j]) ** 2),
    /** True Fisher, diag(X~^T diag(p (1 - p)) X~) / N. */
    expected: mean((i, j) => p[i] * (1 - p[i]) * features[i][j] ** 2),
    /** Variance of one label draw's (y - p)^2 x~^2, summed into the variance of the Monte-Carlo estimate. */
    sampledVariance(samples: number): number[] {
      return Array.from({ length: d + 1 }, (_, j) =>
        features.reduce((acc, f, i) => {
          const q = p[i];
          const fourth = q * (1 - q) * ((1 - q) ** 3 + q ** 3); // E[(y - p)^4]
          return acc + (f[j] ** 4 * (fourth - (q * (1 - q)) ** 2)) / (n * n * samples);
        }, 0),
      );
    },
  };
}

/** Kernel then bias, as one flat list, to compare with the fixture's [w, b] order. */
export function flatten(kernel: Tensor, bias: Tensor): number[] {
  return [...kernel.dataSync(), ...bias.dataSync()];
}
