import { tf, RandomStreams, assertNoTensorLeak } from '@cristal/tensor';
import { HopfieldLayer } from './hopfield-layer';
import { gradientNorms, weightedSum } from './layers.test-helpers';
import { associateOne, maxAbsDiff, toMatrix } from '../reference.test-helpers';

describe('HopfieldLayer (lookup)', () => {
  const config = { inputSize: 5, prototypeCount: 8, valueSize: 3 };

  it.each([0, 2])('equals z = softmax(beta xi P^T) V over the learned prototypes, from loops (%i query updates)', (updateSteps) => {
    const rng = new RandomStreams(1);
    const layer = new HopfieldLayer({ ...config, updateSteps }, rng);
    expect(layer.settings.beta).toBeCloseTo(1 / Math.sqrt(5), 12);
    const x = rng.data.normalTensor([4, 5]);
    const out = layer.apply(x);
    const [p, v] = [toMatrix(layer.params.prototypes), toMatrix(layer.params.values)];
    const expected = toMatrix(x).map((row) => associateOne(row, p, v, 1 / Math.sqrt(5), updateSteps));
    expect(out.output.shape).toEqual([4, 3]);
    expect(out.attention.shape).toEqual([4, 8]);
    expect(maxAbsDiff(out.output.arraySync(), expected.map((e) => e.output))).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.attention.arraySync(), expected.map((e) => e.attention))).toBeLessThan(1e-5);
    tf.dispose([x, out.output, out.attention, out.query]);
    layer.dispose();
  });

  it('passes gradients to the prototypes and the values', () => {
    const rng = new RandomStreams(2);
    const layer = new HopfieldLayer({ ...config, updateSteps: 1 }, rng, { name: 'lookup-spec' });
    const x = rng.data.normalTensor([4, 5]);
    const norms = gradientNorms(layer.variables, () => tf.tidy(() => weightedSum(layer.apply(x).output)));
    expect(Object.keys(norms)).toEqual(['lookup-spec/prototypes', 'lookup-spec/values']);
    for (const n of Object.values(norms)) expect(n).toBeGreaterThan(1e-4);
    tf.dispose(x);
    layer.dispose();
  });

  it('says what is wrong with a bad shape or size, and leaves no tensors behind', () => {
    const rng = new RandomStreams(3);
    const layer = new HopfieldLayer(config, rng);
    const wrong = tf.zeros([4, 6]);
    expect(() => layer.apply(wrong)).toThrow("HopfieldLayer: inputs must be [batch, 5] (the prototypes' size), got [4, 6].");
    expect(() => new HopfieldLayer({ ...config, prototypeCount: 0 }, rng)).toThrow('HopfieldLayer: prototypeCount must be a positive integer, got 0.');
    const x = rng.data.normalTensor([4, 5]);
    assertNoTensorLeak(() => {
      const out = layer.apply(x);
      tf.dispose([out.output, out.attention, out.query]);
      gradientNorms(layer.variables, () => tf.tidy(() => weightedSum(layer.apply(x).output)));
    }, { label: 'HopfieldLayer' });
    tf.dispose([wrong, x]);
    layer.dispose();
  });
});
