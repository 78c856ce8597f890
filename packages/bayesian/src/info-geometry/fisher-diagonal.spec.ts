import { assertNoTensorLeak, RandomStream, tf, type Tensor } from '@cristal/tensor';
import { fisherDiagonal } from './fisher-diagonal';
import { flatten, logisticProblem } from './fisher.test-helpers';

const bernoulli = { kind: 'bernoulli' } as const;

describe('fisherDiagonal (generic per-example path)', () => {
  const lr = logisticProblem(1);
  const model = (x: Tensor) => tf.add(tf.matMul(x, lr.w), lr.b);

  it('gives the empirical Fisher of logistic regression from its definition', () => {
    const f = fisherDiagonal(model, [lr.w, lr.b], lr.x, lr.y, { likelihood: bernoulli });
    expect(f[lr.w.name].shape).toEqual([3, 1]);
    flatten(f[lr.w.name], f[lr.b.name]).forEach((v, j) => expect(Math.abs(v - lr.empirical[j])).toBeLessThan(1e-5 * lr.empirical[j]));
    tf.dispose(f);
  });

  it('gives the true Fisher diag(X^T diag(p (1 - p)) X) / N with the expectation over labels in closed form', () => {
    const f = fisherDiagonal(model, [lr.w, lr.b], lr.x, lr.y, { likelihood: bernoulli, labels: 'expected' });
    flatten(f[lr.w.name], f[lr.b.name]).forEach((v, j) => expect(Math.abs(v - lr.expected[j])).toBeLessThan(1e-5 * lr.expected[j]));
    tf.dispose(f);
  });

  it('gives the true Fisher of a Gaussian regression, diag(X^T X) / (N s^2), whatever the targets', () => {
    const s = new RandomStream(2, 'gauss-fisher');
    const x = s.normalTensor([25, 2]);
    const y = s.normalTensor([25]);
    const w = tf.variable(s.normalTensor([2, 1]), true, 'gauss-w');
    const f = fisherDiagonal((xb) => tf.matMul(xb, w), [w], x, y, { likelihood: { kind: 'gaussian', std: 0.5 }, labels: 'expected' });
    const xv = x.dataSync();
    [0, 1].forEach((j) => {
      let sum = 0;
      for (let i = 0; i < 25; i++) sum += xv[2 * i + j] ** 2;
      expect(f[w.name].dataSync()[j] / (sum / 25 / 0.25)).toBeCloseTo(1, 5);
    });
    tf.dispose([x, y, w, f]);
  });

  it('gives zeros for variables the outputs do not use, and does not leak', () => {
    const unused = tf.variable(tf.ones([2]), true, 'unused-1');
    const f = fisherDiagonal(model, [lr.w, unused], lr.x, lr.y, { likelihood: bernoulli });
    expect(Array.from(f[unused.name].dataSync())).toEqual([0, 0]);
    tf.dispose(f);
    const random = new RandomStream(3, 'leak');
    assertNoTensorLeak(() => tf.dispose(fisherDiagonal(model, [lr.w, lr.b], lr.x, lr.y, { likelihood: bernoulli, labels: 'sampled', random })), { iterations: 2 });
    unused.dispose();
  });
});
