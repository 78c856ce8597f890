import { tf, RandomStreams, assertNoTensorLeak } from '@cristal/tensor';
import { HopfieldPooling } from './hopfield-pooling';
import { gradientNorms, weightedSum } from './layers.test-helpers';
import { associateOne, matmul, maxAbsDiff, toMatrix, toTensor3 } from '../reference.test-helpers';

describe('HopfieldPooling', () => {
  const config = { inputSize: 6, keySize: 4, valueSize: 3 };

  it.each([0, 2])('equals z = softmax(beta q K^T) V with K = Y W_K, V = Y W_V and the learned q, from loops (%i query updates)', (updateSteps) => {
    const rng = new RandomStreams(1);
    const layer = new HopfieldPooling({ ...config, updateSteps, beta: 0.8 }, rng);
    const y = rng.data.normalTensor([3, 5, 6]);
    const out = layer.apply(y);
    const [q] = toMatrix(layer.params.query);
    const [wk, wv] = [toMatrix(layer.params.keyWeight), toMatrix(layer.params.valueWeight)];
    const expected = toTensor3(y).map((set) => associateOne(q, matmul(set, wk), matmul(set, wv), 0.8, updateSteps));
    expect(out.output.shape).toEqual([3, 3]);
    expect(out.attention.shape).toEqual([3, 5]);
    expect(out.query.shape).toEqual([3, 4]);
    expect(maxAbsDiff(out.output.arraySync(), expected.map((e) => e.output))).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.attention.arraySync(), expected.map((e) => e.attention))).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.query.arraySync(), expected.map((e) => e.query))).toBeLessThan(1e-5);
    tf.dispose([y, out.output, out.attention, out.query]);
    layer.dispose();
  });

  it('is invariant to the order of the set (pooling, not sequence modelling)', () => {
    const rng = new RandomStreams(2);
    const layer = new HopfieldPooling(config, rng);
    const y = rng.data.normalTensor([2, 5, 6]);
    const reversed = tf.reverse(y, 1);
    const a = layer.apply(y);
    const b = layer.apply(reversed);
    expect(maxAbsDiff(a.output.arraySync(), b.output.arraySync())).toBeLessThan(1e-6);
    tf.dispose([y, reversed, a.output, a.attention, a.query, b.output, b.attention, b.query]);
    layer.dispose();
  });

  it('passes gradients to the query, W_K and W_V', () => {
    const rng = new RandomStreams(3);
    const layer = new HopfieldPooling({ ...config, updateSteps: 1 }, rng);
    const y = rng.data.normalTensor([2, 5, 6]);
    const norms = gradientNorms(layer.variables, () => tf.tidy(() => weightedSum(layer.apply(y).output)));
    expect(Object.keys(norms)).toHaveLength(3);
    for (const n of Object.values(norms)) expect(n).toBeGreaterThan(1e-4);
    tf.dispose(y);
    layer.dispose();
  });

  it('says what is wrong with a bad shape or size, and leaves no tensors behind', () => {
    const rng = new RandomStreams(4);
    const layer = new HopfieldPooling(config, rng);
    const flat = tf.zeros([2, 6]);
    const empty = tf.zeros([2, 0, 6]);
    expect(() => layer.apply(flat)).toThrow('HopfieldPooling: inputs must be a non-empty set [batch, N, 6], got [2, 6].');
    expect(() => layer.apply(empty)).toThrow('got [2, 0, 6]');
    expect(() => new HopfieldPooling({ ...config, valueSize: 2.5 }, rng)).toThrow('HopfieldPooling: valueSize must be a positive integer, got 2.5.');
    const y = rng.data.normalTensor([2, 5, 6]);
    assertNoTensorLeak(() => {
      const out = layer.apply(y);
      tf.dispose([out.output, out.attention, out.query]);
      gradientNorms(layer.variables, () => tf.tidy(() => weightedSum(layer.apply(y).output)));
    }, { label: 'HopfieldPooling' });
    tf.dispose([flat, empty, y]);
    layer.dispose();
  });
});
