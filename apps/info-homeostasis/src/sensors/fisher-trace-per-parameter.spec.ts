import {
  Activation,
  Conv2dReparam,
  DenseFlipout,
  DenseLocalReparam,
  DenseReparam,
  Flatten,
  McDropout,
  sampleTargets,
  ToImage,
  type Layer,
} from '@cristal/bayesian';
import { assertNoTensorLeak, RandomStream, tf, type Tensor } from '@cristal/tensor';
import { fisherTracePerParameter } from './fisher-trace-per-parameter';
import { relativeDifference } from './sensor-layers.test-helpers';

const categorical = { kind: 'categorical' } as const;

/**
 * Softmax regression z = x W + b, the closed form of its Fisher: d log p(y | x) / d z_k = [y = k] - p_k
 * and d z_k / d W_ik = x_i, d z_k / d b_k = 1, so with c_n = ||x_n||^2 + 1
 *   sampled label y:  tr F = (1/N) sum_n c_n sum_k ([y_n = k] - p_nk)^2
 *   expectation:      tr F = (1/N) sum_n c_n sum_k p_nk (1 - p_nk)
 * and the variance of one draw's sum_k ([y = k] - p_k)^2 = 1 - 2 p_y + sum_k p_k^2 is 4 (sum p^3 - (sum p^2)^2).
 */
function softmaxRegression(seed: number, n: number, d: number, c: number) {
  const s = new RandomStream(seed, 'softmax-regression');
  const layer = new DenseReparam({ name: 'softmax', inputSize: d, units: c, rng: s, meanInit: { kind: 'normal', std: 0.8 } });
  // biases away from 0 too, so that every term of the closed form matters
  layer.bias?.mu.assign(s.normalTensor([c], 0, 0.5));
  const x = s.normalTensor([n, d]);
  const xs = x.arraySync() as number[][];
  const logits = tf.tidy(() => tf.add(tf.matMul(x, layer.weight.mu), layer.bias?.mu as Tensor));
  const p = (tf.tidy(() => tf.softmax(logits)).arraySync() as number[][]).map((row) => row.map(Number));
  const cn = xs.map((row) => row.reduce((acc, v) => acc + v * v, 1));
  const sumPow = (row: number[], k: number) => row.reduce((acc, v) => acc + v ** k, 0);
  return {
    layer,
    x,
    logits,
    parameters: (d + 1) * c,
    expected: cn.reduce((acc, cv, i) => acc + cv * p[i].reduce((a, pk) => a + pk * (1 - pk), 0), 0) / n,
    sampledEstimate: (labels: number[][]) =>
      labels.reduce((acc, y) => acc + cn.reduce((a, cv, i) => a + cv * p[i].reduce((b, pk, k) => b + ((y[i] === k ? 1 : 0) - pk) ** 2, 0), 0), 0) / (n * labels.length),
    sampledVariance: (samples: number) => cn.reduce((acc, cv, i) => acc + 4 * cv * cv * (sumPow(p[i], 3) - sumPow(p[i], 2) ** 2), 0) / (n * n * samples),
  };
}

describe('fisherTracePerParameter on softmax regression (closed forms)', () => {
  const problem = softmaxRegression(31, 24, 5, 4);
  afterAll(() => {
    tf.dispose([problem.x, problem.logits]);
    problem.layer.dispose();
  });

  it('gives the exact expectation over the classes, on both paths', () => {
    for (const method of ['dense', 'generic'] as const) {
      const r = fisherTracePerParameter([problem.layer], problem.x, { labels: 'expected', method });
      expect(r.method).toBe(method);
      expect(r.parameters.softmax).toBe(24);
      const diff = relativeDifference(r.trace.softmax, problem.expected);
      console.log(`softmax regression, expected labels, ${method} path: rel diff to the closed form ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-5);
      expect(r.perParameter.softmax).toBe(r.trace.softmax / 24);
    }
  });

  it('gives the closed form for the very labels it sampled (replayed from the same stream), on both paths', () => {
    const samples = 3;
    const replay = new RandomStream(32, 'labels');
    const labels = Array.from({ length: samples }, () => {
      const t = sampleTargets(categorical, problem.logits, replay);
      const y = Array.from(t.dataSync());
      t.dispose();
      return y;
    });
    const exact = problem.sampledEstimate(labels);
    for (const method of ['dense', 'generic'] as const) {
      const r = fisherTracePerParameter([problem.layer], problem.x, { random: new RandomStream(32, 'labels'), samples, method });
      const diff = relativeDifference(r.trace.softmax, exact);
      console.log(`softmax regression, 3 sampled labels replayed, ${method} path: rel diff to the closed form ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-5);
    }
    // a different draw gives a different estimate: the labels really are sampled
    expect(Math.abs(exact - problem.expected)).toBeGreaterThan(1e-3 * problem.expected);
  });

  it('is unbiased: 400 label draws land within 4 standard deviations of the exact expectation', () => {
    const samples = 400;
    const r = fisherTracePerParameter([problem.layer], problem.x, { random: new RandomStream(33, 'labels'), samples });
    const sd = Math.sqrt(problem.sampledVariance(samples));
    console.log(`softmax regression: sampled tr F = ${r.trace.softmax.toFixed(5)}, exact ${problem.expected.toFixed(5)}, z = ${((r.trace.softmax - problem.expected) / sd).toFixed(2)}`);
    expect(Math.abs(r.trace.softmax - problem.expected)).toBeLessThan(4 * sd);
    expect(sd).toBeLessThan(0.02 * problem.expected); // and the test has power
  });

  it('leaks no tensor on either path', () => {
    for (const method of ['dense', 'generic'] as const) {
      assertNoTensorLeak(() => fisherTracePerParameter([problem.layer], problem.x, { random: new RandomStream(34, 'l'), method }), { label: `fisher ${method}`, iterations: 2 });
    }
  });
});

describe('fisherTracePerParameter, dense path against the generic path', () => {
  it('agree on an MLP of all three estimators with Activation, McDropout and a point-free chain', () => {
    const s = new RandomStream(35, 'mlp');
    const layers: Layer[] = [
      new Flatten(),
      new DenseLocalReparam({ name: 'h1', inputSize: 6, units: 5, activation: 'relu', rng: s }),
      new McDropout(0.3),
      new DenseFlipout({ name: 'h2', inputSize: 5, units: 4, rng: s }),
      new Activation('tanh'),
      new DenseReparam({ name: 'out', inputSize: 4, units: 3, rng: s }),
    ];
    const x = s.normalTensor([12, 6]);
    const dense = fisherTracePerParameter(layers, x, { random: new RandomStream(36, 'labels'), samples: 2 });
    const generic = fisherTracePerParameter(layers, x, { random: new RandomStream(36, 'labels'), samples: 2, method: 'generic' });
    expect(dense.method).toBe('dense');
    expect(generic.method).toBe('generic');
    expect(dense.parameters).toEqual({ h1: 35, h2: 24, out: 15 });
    let worst = 0;
    for (const name of ['h1', 'h2', 'out']) {
      expect(dense.trace[name]).toBeGreaterThan(0);
      worst = Math.max(worst, relativeDifference(dense.perParameter[name], generic.perParameter[name]));
    }
    console.log(`Fisher trace per parameter, dense vs generic path: max rel diff ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
    x.dispose();
    layers.forEach((l) => l.dispose());
  });

  it('a whole-image convolution is a dense layer: the conv net (generic path) equals its MLP twin (dense path)', () => {
    const s = new RandomStream(37, 'conv-twin');
    const conv = new Conv2dReparam({ name: 'conv', inChannels: 1, filters: 4, kernelSize: 3, rng: s, meanInit: { kind: 'normal', std: 0.6 } });
    conv.bias?.mu.assign(s.normalTensor([4], 0, 0.3));
    const head = new DenseReparam({ name: 'head', inputSize: 4, units: 3, rng: s, meanInit: { kind: 'normal', std: 0.6 } });
    const twin = new DenseReparam({
      name: 'conv',
      inputSize: 9,
      units: 4,
      rng: s,
      // a [3, 3, 1, 4] kernel read row-major is the [9, 4] matrix of the flattened 3 x 3 image
      initial: { weight: { mu: tf.reshape(conv.weight.mu, [9, 4]), rho: tf.reshape(conv.weight.rho, [9, 4]) }, bias: { mu: conv.bias?.mu as Tensor, rho: conv.bias?.rho as Tensor } },
      activation: 'tanh',
    });
    const convNet: Layer[] = [new ToImage(3, 3, 1), conv, new Activation('tanh'), new Flatten(), head];
    const mlp: Layer[] = [twin, head];
    const x = s.uniformTensor([10, 9]);
    const a = fisherTracePerParameter(convNet, x, { random: new RandomStream(38, 'labels') });
    const b = fisherTracePerParameter(mlp, x, { random: new RandomStream(38, 'labels') });
    expect([a.method, b.method]).toEqual(['generic', 'dense']);
    expect(a.parameters).toEqual({ conv: 40, head: 15 });
    expect(b.parameters).toEqual(a.parameters);
    const worst = Math.max(...['conv', 'head'].map((name) => relativeDifference(a.perParameter[name], b.perParameter[name])));
    console.log(`whole-image conv net (generic) vs its MLP twin (dense): max rel diff ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
    x.dispose();
    [conv, head, twin].forEach((l) => l.dispose());
  });
});

describe('fisherTracePerParameter errors', () => {
  const s = new RandomStream(39, 'errors');
  const layer = new DenseReparam({ name: 'only', inputSize: 3, units: 2, rng: s });
  const x = s.normalTensor([4, 3]);
  afterAll(() => {
    x.dispose();
    layer.dispose();
  });

  it('say what is wrong and what to do', () => {
    expect(() => fisherTracePerParameter([layer], x)).toThrow(/labels 'sampled' needs a seeded `random` stream/);
    expect(() => fisherTracePerParameter([layer], x, { labels: 'observed' as 'sampled' })).toThrow(/the empirical Fisher is deliberately not offered/);
    expect(() => fisherTracePerParameter([layer], x, { labels: 'expected', method: 'fast' as 'dense' })).toThrow(/method must be 'auto', 'dense' or 'generic'/);
    expect(() => fisherTracePerParameter([new Flatten()], x, { labels: 'expected' })).toThrow(/no variational layer/);
    const empty = tf.zeros([0, 3]);
    expect(() => fisherTracePerParameter([layer], empty, { labels: 'expected' })).toThrow(/batch is empty/);
    empty.dispose();
    const conv = new Conv2dReparam({ name: 'c', inChannels: 1, filters: 2, kernelSize: 2, rng: s });
    const images = tf.zeros([2, 3, 3, 1]);
    expect(() => fisherTracePerParameter([conv, new Flatten()], images, { labels: 'expected', method: 'dense' })).toThrow(
      /method 'dense' needs a chain of dense layers, but layer 0 'c' \(Conv2dReparam\) is not a dense map/,
    );
    tf.dispose([images]);
    conv.dispose();
  });
});
