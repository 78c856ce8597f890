import { assertNoTensorLeak, RandomStream, tf, type Tensor } from '@cristal/tensor';
import { denseFisherDiagonal, denseForward, type DenseFisher, type DenseLayer } from './dense-fisher';
import { fisherDiagonal, type FisherOptions } from './fisher-diagonal';
import { flatten, logisticProblem } from './fisher.test-helpers';

const bernoulli = { kind: 'bernoulli' } as const;

function biasOf(f: DenseFisher): Tensor {
  if (!f.bias) throw new Error('expected a bias Fisher');
  return f.bias;
}

describe('denseFisherDiagonal (x_i outer delta_i, one backward pass per label term)', () => {
  const lr = logisticProblem(11);
  const layers: DenseLayer[] = [{ name: 'logit', kernel: lr.w, bias: lr.b }];

  it('gives the empirical and the true Fisher of logistic regression in closed form', () => {
    const emp = denseFisherDiagonal(layers, lr.x, lr.y, { likelihood: bernoulli });
    flatten(emp.logit.kernel, biasOf(emp.logit)).forEach((v, j) => expect(Math.abs(v - lr.empirical[j])).toBeLessThan(1e-5 * lr.empirical[j]));
    const exp = denseFisherDiagonal(layers, lr.x, lr.y, { likelihood: bernoulli, labels: 'expected' });
    flatten(exp.logit.kernel, biasOf(exp.logit)).forEach((v, j) => expect(Math.abs(v - lr.expected[j])).toBeLessThan(1e-5 * lr.expected[j]));
    tf.dispose([emp, exp]);
  });

  it('converges to the true Fisher with labels sampled from the model (within 4 standard deviations)', () => {
    const samples = 400;
    const f = denseFisherDiagonal(layers, lr.x, lr.y, { likelihood: bernoulli, labels: 'sampled', samples, random: new RandomStream(12, 'mc-labels') });
    const sd = lr.sampledVariance(samples).map(Math.sqrt);
    const values = flatten(f.logit.kernel, biasOf(f.logit));
    values.forEach((v, j) => expect(Math.abs(v - lr.expected[j])).toBeLessThan(4 * sd[j]));
    // and the estimate is not the empirical Fisher of the observed labels
    expect(values.some((v, j) => Math.abs(v - lr.empirical[j]) > 4 * sd[j])).toBe(true);
    tf.dispose(f);
  });

  it('agrees with the generic path on a two-layer tanh network, for all three kinds of labels', () => {
    const s = new RandomStream(13, 'mlp');
    const [n, inputs, hidden, classes] = [10, 4, 5, 3];
    const net = {
      k1: tf.variable(s.normalTensor([inputs, hidden], 0, 0.7), true, 'mlp-k1'),
      b1: tf.variable(s.normalTensor([hidden], 0, 0.1), true, 'mlp-b1'),
      k2: tf.variable(s.normalTensor([hidden, classes], 0, 0.7), true, 'mlp-k2'),
      b2: tf.variable(s.normalTensor([classes], 0, 0.1), true, 'mlp-b2'),
    };
    const mlp: DenseLayer[] = [
      { name: 'hidden', kernel: net.k1, bias: net.b1, activation: (z) => tf.tanh(z) },
      { name: 'out', kernel: net.k2, bias: net.b2 },
    ];
    const x = s.normalTensor([n, inputs]);
    const y = tf.tensor1d([0, 1, 2, 0, 1, 2, 2, 1, 0, 0], 'int32');
    const likelihood = { kind: 'categorical' } as const;
    const cases: FisherOptions[] = [
      { likelihood },
      { likelihood, labels: 'expected' },
      { likelihood, labels: 'sampled', samples: 2, random: new RandomStream(14, 'a') },
    ];
    for (const options of cases) {
      const again = options.random ? { ...options, random: new RandomStream(14, 'a') } : options;
      const fast = denseFisherDiagonal(mlp, x, y, options);
      const slow = fisherDiagonal((xb: Tensor) => denseForward(mlp, xb), Object.values(net), x, y, again);
      const pairs: [Tensor, Tensor][] = [
        [fast.hidden.kernel, slow[net.k1.name]],
        [biasOf(fast.hidden), slow[net.b1.name]],
        [fast.out.kernel, slow[net.k2.name]],
        [biasOf(fast.out), slow[net.b2.name]],
      ];
      for (const [a, b] of pairs) {
        const bv = b.dataSync();
        const scale = Math.max(...bv);
        expect(scale).toBeGreaterThan(0);
        a.dataSync().forEach((v, i) => expect(Math.abs(v - bv[i])).toBeLessThan(1e-5 * scale));
      }
      tf.dispose([fast, slow]);
    }
    tf.dispose([x, y, ...Object.values(net)]);
  });

  it('gives the true Fisher of a Gaussian output layer, diag(X^T X) / (N s^2), and omits missing biases', () => {
    const s = new RandomStream(15, 'gauss-dense');
    const x = s.normalTensor([30, 2]);
    const kernel = s.normalTensor([2, 2]);
    const f = denseFisherDiagonal([{ name: 'linear', kernel }], x, s.normalTensor([30, 2]), { likelihood: { kind: 'gaussian', std: 2 }, labels: 'expected' });
    expect(f.linear.bias).toBeUndefined();
    const xv = x.dataSync();
    const fv = f.linear.kernel.dataSync();
    for (let j = 0; j < 2; j++) {
      let sum = 0;
      for (let i = 0; i < 30; i++) sum += xv[2 * i + j] ** 2;
      // every output column sees the same inputs: F[j, k] = mean x_j^2 / s^2
      for (let k = 0; k < 2; k++) expect(fv[2 * j + k] / (sum / 30 / 4)).toBeCloseTo(1, 5);
    }
    tf.dispose([x, kernel, f]);
  });

  it('does not leak', () => {
    const random = new RandomStream(16, 'leak');
    assertNoTensorLeak(() => tf.dispose(denseFisherDiagonal(layers, lr.x, lr.y, { likelihood: bernoulli, labels: 'sampled', samples: 3, random })), { iterations: 3 });
    assertNoTensorLeak(() => tf.dispose(denseFisherDiagonal(layers, lr.x, lr.y, { likelihood: bernoulli, labels: 'expected' })), { iterations: 3 });
  });
});
