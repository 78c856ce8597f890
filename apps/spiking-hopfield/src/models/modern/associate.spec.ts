import { tf, RandomStreams, assertNoTensorLeak } from '@cristal/tensor';
import { associate } from './associate';
import { associateOne, maxAbsDiff, toMatrix, toTensor3 } from '../reference.test-helpers';

describe('associate', () => {
  const rng = new RandomStreams(1);

  it.each([0, 1, 3])('matches the loop reference for queries [B, S, dk] and batched memories [B, N, .] (%i query updates)', (steps) => {
    const q = rng.data.normalTensor([2, 3, 4]);
    const k = rng.data.normalTensor([2, 5, 4]);
    const v = rng.data.normalTensor([2, 5, 6]);
    const r = associate({ queries: q, keys: k, values: v }, 0.9, steps);
    const [qs, ks, vs] = [toTensor3(q), toTensor3(k), toTensor3(v)];
    const expected = qs.map((rows, b) => rows.map((row) => associateOne(row, ks[b], vs[b], 0.9, steps)));
    expect(r.output.shape).toEqual([2, 3, 6]);
    expect(r.attention.shape).toEqual([2, 3, 5]);
    expect(maxAbsDiff(r.output.arraySync(), expected.map((b) => b.map((e) => e.output)))).toBeLessThan(1e-5);
    expect(maxAbsDiff(r.attention.arraySync(), expected.map((b) => b.map((e) => e.attention)))).toBeLessThan(1e-5);
    expect(maxAbsDiff(r.query.arraySync(), expected.map((b) => b.map((e) => e.query)))).toBeLessThan(1e-5);
    tf.dispose([q, k, v, r.output, r.attention, r.query]);
  });

  it('shares [N, .] memories across the batch, for [B, dk] and [B, S, dk] queries', () => {
    const k = rng.data.normalTensor([7, 3]);
    const v = rng.data.normalTensor([7, 2]);
    const q2 = rng.data.normalTensor([4, 3]);
    const q3 = rng.data.normalTensor([2, 2, 3]);
    const [ks, vs] = [toMatrix(k), toMatrix(v)];
    const r2 = associate({ queries: q2, keys: k, values: v }, 2, 2);
    expect(maxAbsDiff(r2.output.arraySync(), toMatrix(q2).map((row) => associateOne(row, ks, vs, 2, 2).output))).toBeLessThan(1e-5);
    const r3 = associate({ queries: q3, keys: k, values: v }, 2, 1);
    expect(r3.output.shape).toEqual([2, 2, 2]);
    expect(maxAbsDiff(r3.output.arraySync(), toTensor3(q3).map((rows) => rows.map((row) => associateOne(row, ks, vs, 2, 1).output)))).toBeLessThan(1e-5);
    tf.dispose([k, v, q2, q3, r2.output, r2.attention, r2.query, r3.output, r3.attention, r3.query]);
  });

  it('says which dimension disagrees', () => {
    const q = tf.zeros([2, 3]);
    const k = tf.zeros([5, 4]);
    const v = tf.zeros([5, 2]);
    const v6 = tf.zeros([6, 2]);
    const kb = tf.zeros([3, 5, 3]);
    const vb = tf.zeros([3, 5, 2]);
    const q3 = tf.zeros([2, 1, 3]);
    expect(() => associate({ queries: q, keys: k, values: v }, 1)).toThrow('associate: queries [2, 3] and keys [5, 4] must have the same last dimension (dk).');
    expect(() => associate({ queries: k, keys: k, values: v6 }, 1)).toThrow('associate: keys [5, 4] and values [6, 2] must hold the same number of memories N.');
    expect(() => associate({ queries: q, keys: kb, values: vb }, 1)).toThrow('associate: batched keys [3, 5, 3] need batched queries [B, S, dk], got [2, 3].');
    expect(() => associate({ queries: q3, keys: kb, values: vb }, 1)).toThrow('must have the same batch size');
    expect(() => associate({ queries: q, keys: kb, values: v }, 1)).toThrow("values [5, 2] must have the keys' rank");
    expect(() => associate({ queries: k, keys: k, values: v }, 1, -1)).toThrow('associate: updateSteps must be an integer >= 0, got -1.');
    tf.dispose([q, k, v, v6, kb, vb, q3]);
  });

  it('leaves no tensors behind', () => {
    const k = rng.data.normalTensor([7, 3]);
    const q = rng.data.normalTensor([4, 3]);
    assertNoTensorLeak(() => {
      const r = associate({ queries: q, keys: k, values: k }, 1, 2);
      tf.dispose([r.output, r.attention, r.query]);
    }, { label: 'associate' });
    tf.dispose([k, q]);
  });
});
