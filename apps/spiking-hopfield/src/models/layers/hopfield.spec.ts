import { tf, RandomStreams, assertNoTensorLeak } from '@cristal/tensor';
import { Hopfield, hopfieldForward } from './hopfield';
import { gradientNorms, weightedSum } from './layers.test-helpers';
import { associateOne, matmul, maxAbsDiff, toMatrix, toTensor3 } from '../reference.test-helpers';

describe('Hopfield (association layer)', () => {
  const config = { stateSize: 5, storedSize: 6, keySize: 3, valueSize: 4 };

  it.each([0, 2])('equals Z = softmax(beta Q K^T) V with Q = R W_Q, K = Y W_K, V = Y W_V, from loops (%i query updates)', (updateSteps) => {
    const rng = new RandomStreams(1);
    const layer = new Hopfield({ ...config, updateSteps }, rng);
    expect(layer.settings).toEqual({ beta: 1 / Math.sqrt(3), updateSteps });
    const r = rng.data.normalTensor([2, 3, 5]);
    const y = rng.data.normalTensor([2, 7, 6]);
    const out = layer.apply(r, y);
    const [wq, wk, wv] = [toMatrix(layer.params.queryWeight), toMatrix(layer.params.keyWeight), toMatrix(layer.params.valueWeight)];
    const ys = toTensor3(y);
    const expected = toTensor3(r).map((rows, b) => {
      const keys = matmul(ys[b], wk);
      const values = matmul(ys[b], wv);
      return matmul(rows, wq).map((q) => associateOne(q, keys, values, 1 / Math.sqrt(3), updateSteps));
    });
    expect(out.output.shape).toEqual([2, 3, 4]);
    expect(out.attention.shape).toEqual([2, 3, 7]);
    expect(maxAbsDiff(out.output.arraySync(), expected.map((b) => b.map((e) => e.output)))).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.attention.arraySync(), expected.map((b) => b.map((e) => e.attention)))).toBeLessThan(1e-5);
    tf.dispose([r, y, out.output, out.attention, out.query]);
    layer.dispose();
  });

  it('passes gradients to W_Q, W_K and W_V', () => {
    const rng = new RandomStreams(2);
    const layer = new Hopfield({ ...config, updateSteps: 1 }, rng);
    const r = rng.data.normalTensor([2, 3, 5]);
    const y = rng.data.normalTensor([2, 4, 6]);
    const norms = gradientNorms(layer.variables, () =>
      tf.tidy(() => {
        const out = layer.apply(r, y);
        return weightedSum(out.output);
      }),
    );
    expect(Object.keys(norms)).toHaveLength(3);
    for (const n of Object.values(norms)) expect(n).toBeGreaterThan(1e-4);
    tf.dispose([r, y]);
    layer.dispose();
  });

  it('draws the same weights from the same seed and names them under a scope', () => {
    const a = new Hopfield(config, new RandomStreams(3), { name: 'hopfield-spec-a' });
    const b = new Hopfield(config, new RandomStreams(3));
    expect(a.params.queryWeight.arraySync()).toEqual(b.params.queryWeight.arraySync());
    expect(a.params.valueWeight.arraySync()).toEqual(b.params.valueWeight.arraySync());
    expect(a.variables.map((v) => v.name)).toEqual(['hopfield-spec-a/query_weight', 'hopfield-spec-a/key_weight', 'hopfield-spec-a/value_weight']);
    a.dispose();
    b.dispose();
  });

  it('says what is wrong with a bad shape or setting', () => {
    const rng = new RandomStreams(4);
    const layer = new Hopfield(config, rng);
    const r = tf.zeros([2, 3, 5]);
    const y = tf.zeros([2, 4, 6]);
    const r2 = tf.zeros([2, 5]);
    const y3 = tf.zeros([3, 4, 6]);
    expect(() => hopfieldForward(layer.params, r2, y, layer.settings)).toThrow('Hopfield: state patterns must be [batch, S, 5], got [2, 5].');
    expect(() => layer.apply(r, r)).toThrow('Hopfield: stored patterns must be [batch, N, 6], got [2, 3, 5].');
    expect(() => layer.apply(r, y3)).toThrow('Hopfield: state [2, 3, 5] and stored [3, 4, 6] patterns must have the same batch size.');
    expect(() => new Hopfield({ ...config, keySize: 0 }, rng)).toThrow('Hopfield: keySize must be a positive integer, got 0.');
    expect(() => new Hopfield({ ...config, beta: -2 }, rng)).toThrow('Hopfield: beta (inverse temperature) must be a finite positive number, got -2.');
    expect(() => new Hopfield({ ...config, updateSteps: 0.5 }, rng)).toThrow('Hopfield: updateSteps must be an integer >= 0, got 0.5.');
    tf.dispose([r, y, r2, y3]);
    layer.dispose();
  });

  it('leaves no tensors behind, forward and backward', () => {
    const rng = new RandomStreams(5);
    const layer = new Hopfield({ ...config, updateSteps: 2 }, rng);
    const r = rng.data.normalTensor([2, 3, 5]);
    const y = rng.data.normalTensor([2, 4, 6]);
    assertNoTensorLeak(() => {
      const out = layer.apply(r, y);
      tf.dispose([out.output, out.attention, out.query]);
      gradientNorms(layer.variables, () => tf.tidy(() => weightedSum(layer.apply(r, y).output)));
    }, { label: 'Hopfield' });
    tf.dispose([r, y]);
    layer.dispose();
  });
});
