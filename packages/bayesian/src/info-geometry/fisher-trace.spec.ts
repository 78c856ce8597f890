import { tf } from '@cristal/tensor';
import { denseFisherDiagonal } from './dense-fisher';
import { logisticProblem } from './fisher.test-helpers';
import { fisherTrace } from './fisher-trace';

describe('fisherTrace', () => {
  it('is the sum of the diagonal: for logistic regression mean_i p_i (1 - p_i) |x~_i|^2', () => {
    const lr = logisticProblem(21);
    const f = denseFisherDiagonal([{ name: 'logit', kernel: lr.w, bias: lr.b }], lr.x, lr.y, { likelihood: { kind: 'bernoulli' }, labels: 'expected' });
    const expected = lr.features.reduce((acc, row, i) => acc + lr.p[i] * (1 - lr.p[i]) * row.reduce((a, v) => a + v * v, 0), 0) / lr.n;
    const { perLayer, total } = fisherTrace(f);
    expect(perLayer.logit / expected).toBeCloseTo(1, 5);
    expect(total).toBe(perLayer.logit);
    tf.dispose(f);
  });

  it('sums per variable, or per group of variables', () => {
    const diag = { 'l1/kernel': tf.tensor1d([1, 2]), 'l1/bias': tf.tensor1d([0.5]), 'l2/kernel': tf.tensor2d([[1, 1], [1, 1]]) };
    const before = tf.memory().numTensors;
    expect(fisherTrace(diag)).toEqual({ perLayer: { 'l1/kernel': 3, 'l1/bias': 0.5, 'l2/kernel': 4 }, total: 7.5 });
    expect(fisherTrace(diag, { l1: ['l1/kernel', 'l1/bias'], l2: ['l2/kernel'] }).perLayer).toEqual({ l1: 3.5, l2: 4 });
    // the sums are read back and freed: nothing is left behind per entry
    expect(tf.memory().numTensors).toBe(before);
    expect(() => fisherTrace(diag, { l1: ['nope'] })).toThrow('"nope", which has no Fisher diagonal');
    tf.dispose(diag);
  });
});
