import { tf, RandomStreams, assertNoTensorLeak, type Scalar } from '@cristal/tensor';
import { HopfieldPoolingClassifier } from './hopfield-pooling-classifier';
import { randomPixels, referencePooling } from './classifiers.test-helpers';
import { gradientNorms, weightedSum } from '../layers/layers.test-helpers';
import { maxAbsDiff, toMatrix } from '../reference.test-helpers';

describe('HopfieldPoolingClassifier', () => {
  const config = { embedSize: 8, keySize: 4, valueSize: 5 };

  it.each([
    [7, 0],
    [7, 2],
    [4, 1],
  ])('equals the loop reference (patches by index, embedding + positions, pooling, readout; patch side %i, %i query updates)', (patchSize, updateSteps) => {
    const model = new HopfieldPoolingClassifier({ ...config, patchSize, updateSteps }, new RandomStreams(1));
    const pixels = randomPixels(2, 5);
    const out = model.forward(pixels);
    const expected = referencePooling(model.params, pixels, 1 / Math.sqrt(4), updateSteps);
    expect(out.logits.shape).toEqual([5, 10]);
    expect(out.attention.shape).toEqual([5, (28 / patchSize) ** 2]);
    expect(maxAbsDiff(toMatrix(out.logits), expected.logits)).toBeLessThan(1e-5);
    expect(maxAbsDiff(toMatrix(out.probabilities), expected.probabilities)).toBeLessThan(1e-5);
    tf.dispose([pixels, out.logits, out.probabilities, out.attention]);
    model.dispose();
  });

  it('passes gradients to every variable: embedding, positions, query, W_K, W_V, readout', () => {
    const model = new HopfieldPoolingClassifier({ ...config, updateSteps: 1 }, new RandomStreams(3), { name: 'pooling-clf-spec' });
    const pixels = randomPixels(4, 6);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32'), 10);
    const norms = gradientNorms(model.variables, () => tf.tidy(() => tf.losses.softmaxCrossEntropy(labels, model.forward(pixels).logits) as Scalar));
    expect(Object.keys(norms).sort()).toEqual(
      ['embedding/weight', 'embedding/bias', 'positions', 'pooling/query', 'pooling/key_weight', 'pooling/value_weight', 'readout/weight', 'readout/bias'].map((n) => `pooling-clf-spec/${n}`).sort(),
    );
    for (const n of Object.values(norms)) expect(n).toBeGreaterThan(1e-6);
    tf.dispose([pixels, labels]);
    model.dispose();
  });

  it('draws the same parameters from the same seed', () => {
    const a = new HopfieldPoolingClassifier(config, new RandomStreams(5));
    const b = new HopfieldPoolingClassifier(config, new RandomStreams(5));
    a.variables.forEach((v, i) => expect(v.arraySync()).toEqual(b.variables[i].arraySync()));
    a.dispose();
    b.dispose();
  });

  it('says what is wrong, before creating any variable', () => {
    const before = tf.memory().numTensors;
    expect(() => new HopfieldPoolingClassifier({ ...config, patchSize: 5 }, new RandomStreams(1))).toThrow('patchSize must be a divisor of 28');
    expect(() => new HopfieldPoolingClassifier({ ...config, keySize: 0 }, new RandomStreams(1))).toThrow('HopfieldPoolingClassifier: keySize must be a positive integer, got 0.');
    expect(tf.memory().numTensors).toBe(before);
    const model = new HopfieldPoolingClassifier(config, new RandomStreams(1));
    const wrong = tf.zeros([2, 785]);
    expect(() => model.forward(wrong)).toThrow('HopfieldPoolingClassifier: pixels must be [batch, 784]');
    wrong.dispose();
    model.dispose();
  });

  it('leaves no tensors behind, forward and backward', () => {
    const model = new HopfieldPoolingClassifier({ ...config, updateSteps: 1 }, new RandomStreams(6));
    const pixels = randomPixels(7, 3);
    assertNoTensorLeak(() => {
      model.predict(pixels).dispose();
      gradientNorms(model.variables, () => tf.tidy(() => weightedSum(model.forward(pixels).logits)));
    }, { label: 'HopfieldPoolingClassifier' });
    pixels.dispose();
    model.dispose();
  });
});
