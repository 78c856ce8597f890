import { tf, type Tensor } from '../backend/backend';
import { assertFinite, assertShape, assertDtype, assertSameShape } from './assertions';
import { clampProbabilities, logSoftmax, logSumExp, softmax } from './log-space';
import { batchMatMul, matmulLeading } from './matmul';
import { oneHot } from './one-hot';

const values = (t: Tensor): number[] => {
  const v = Array.from(t.dataSync() as Float32Array);
  t.dispose();
  return v;
};

describe('log-space numerics', () => {
  it('logSumExp equals the naive formula where that is safe', () => {
    const x = tf.tensor2d([[0.1, -2, 3], [1, 1, 1]]);
    const naive = [Math.log(Math.exp(0.1) + Math.exp(-2) + Math.exp(3)), 1 + Math.log(3)];
    values(logSumExp(x)).forEach((v, i) => expect(v).toBeCloseTo(naive[i], 5));
    expect(logSumExp(x, 0, true).shape).toEqual([1, 3]);
  });

  it('logSumExp does not overflow on huge logits or produce NaN on -Infinity rows', () => {
    const x = tf.tensor2d([[1000, 1000], [-1000, -1001], [-Infinity, -Infinity]]);
    const [a, b, c] = values(logSumExp(x));
    expect(a).toBeCloseTo(1000 + Math.log(2), 3);
    expect(b).toBeCloseTo(-1000 + Math.log(1 + Math.exp(-1)), 3);
    expect(c).toBe(-Infinity);
  });

  it('softmax rows sum to one and match tf.softmax; log-softmax is its log', () => {
    const x = tf.tensor2d([[2, 1, 0.1], [500, 0, -500]]);
    const p = softmax(x);
    values(p.sum(1)).forEach((s) => expect(s).toBeCloseTo(1, 6));
    values(tf.sub(p, tf.softmax(x)).abs().max()).forEach((d) => expect(d).toBeLessThan(1e-6));
    expect(values(logSoftmax(x))[5]).toBeCloseTo(-1000, 3); // finite where exp underflows
    expect(values(clampProbabilities(tf.tensor1d([0, 0.5, 1]), 1e-6))).toEqual([1e-6, 0.5, 1 - 1e-6].map(Math.fround));
  });
});

describe('oneHot', () => {
  it('encodes labels and rejects labels outside the classes', () => {
    expect(values(oneHot([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => oneHot([0, 3], 3, 'y')).toThrow('y[1] = 3 is not a class index in [0, 2].');
    expect(() => oneHot([1.5], 3)).toThrow('labels[0] = 1.5');
  });
});

describe('matmul helpers', () => {
  it('matmulLeading equals a per-slice matmul', () => {
    const x = tf.randomNormal([4, 3, 5], 0, 1, 'float32', 1);
    const w = tf.randomNormal([5, 2], 0, 1, 'float32', 2);
    const y = matmulLeading(x, w);
    expect(y.shape).toEqual([4, 3, 2]);
    const slice = tf.matMul(x.slice([2, 0, 0], [1, 3, 5]).reshape([3, 5]), w);
    values(tf.sub(y.slice([2, 0, 0], [1, 3, 2]).reshape([3, 2]), slice).abs().max()).forEach((d) => expect(d).toBeLessThan(1e-6));
    expect(() => matmulLeading(x, tf.zeros([4, 2]))).toThrow("input's last dimension 5 does not match the weights' first dimension 4");
  });

  it('batchMatMul accepts a shared or a batched right-hand side', () => {
    const a = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 3);
    const w = tf.randomNormal([4, 5], 0, 1, 'float32', 4);
    const shared = batchMatMul(a, w);
    const batched = batchMatMul(a, tf.stack([w, w]));
    values(tf.sub(shared, batched).abs().max()).forEach((d) => expect(d).toBeLessThan(1e-5));
    expect(() => batchMatMul(tf.zeros([3, 4]), w)).toThrow('left operand must be rank 3');
  });
});

describe('assertions', () => {
  it('name the tensor and the expected shape or dtype', () => {
    const t = tf.zeros([32, 785]);
    expect(() => assertShape(t, [null, 784], 'pixels')).toThrow('pixels: expected shape [*, 784], got [32, 785].');
    expect(() => assertShape(t, [32, 785], 'pixels')).not.toThrow();
    expect(() => assertDtype(t, 'int32', 'labels')).toThrow('labels: expected dtype int32, got float32.');
    expect(() => assertSameShape(t, tf.zeros([2]), 'a', 'b')).toThrow('a has shape [32, 785] but b has shape [2]');
  });

  it('assertFinite reports NaN and Infinity with their position', () => {
    expect(() => assertFinite(tf.tensor1d([1, NaN, Infinity]), 'loss')).toThrow('loss: 2 of 3 values are not finite (first at flat index 1: NaN).');
    expect(() => assertFinite(tf.tensor1d([1, 2]), 'loss')).not.toThrow();
  });
});
