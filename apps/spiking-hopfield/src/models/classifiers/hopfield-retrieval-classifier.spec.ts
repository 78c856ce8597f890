import { tf, RandomStreams, assertNoTensorLeak } from '@cristal/tensor';
import { loadMnist } from '@cristal/datasets';
import { HopfieldRetrievalClassifier, retrievalClassifierForward, retrievalMemory } from './hopfield-retrieval-classifier';
import { accuracyOf, randomPixels, referenceRetrieval } from './classifiers.test-helpers';
import { imageSetPixels } from './pixels';
import { maxAbsDiff, toMatrix } from '../reference.test-helpers';

function randomMemory(seed: number, n: number) {
  const rng = new RandomStreams(seed);
  const patterns = rng.data.uniformTensor([n, 784]);
  const labels = Array.from({ length: n }, () => rng.data.int(10));
  const memory = retrievalMemory(patterns, labels);
  patterns.dispose();
  return { memory, labels };
}

describe('HopfieldRetrievalClassifier', () => {
  it.each([
    [0.05, 0],
    [0.05, 2],
    [0.2, 1],
  ])('equals the loop reference: p = softmax(beta X xi) summed per class, after the query updates (beta %p, %i steps)', (beta, steps) => {
    const { memory } = randomMemory(1, 30);
    const pixels = randomPixels(2, 6);
    const out = retrievalClassifierForward(memory, pixels, { beta, steps });
    const expected = referenceRetrieval(memory, pixels, beta, steps);
    expect(out.probabilities.shape).toEqual([6, 10]);
    expect(out.retrieved.shape).toEqual([6, 784]);
    expect(out.attention.shape).toEqual([6, 30]);
    expect(maxAbsDiff(toMatrix(out.probabilities), expected.probabilities)).toBeLessThan(1e-5);
    expect(maxAbsDiff(toMatrix(out.retrieved), expected.retrieved)).toBeLessThan(1e-5);
    expect(maxAbsDiff(toMatrix(out.attention), expected.attention)).toBeLessThan(1e-5);
    for (const row of toMatrix(out.probabilities)) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    tf.dispose([pixels, out.probabilities, out.retrieved, out.attention]);
    tf.dispose([memory.patterns, memory.classes]);
  });

  it('for large beta returns the label and the pattern of the memory with the largest x . xi', () => {
    const { memory, labels } = randomMemory(3, 40);
    const pixels = randomPixels(4, 8);
    const classifier = new HopfieldRetrievalClassifier(memory, { beta: 1e3, steps: 0 });
    const out = classifier.forward(pixels);
    const x = toMatrix(memory.patterns);
    toMatrix(pixels).forEach((q, b) => {
      const scores = x.map((row) => row.reduce((s, v, j) => s + v * q[j], 0));
      const best = scores.indexOf(Math.max(...scores));
      const oneHot = Array.from({ length: 10 }, (_, c) => (c === labels[best] ? 1 : 0));
      expect(maxAbsDiff(toMatrix(out.probabilities)[b], oneHot)).toBeLessThan(1e-6);
      expect(maxAbsDiff(toMatrix(out.retrieved)[b], x[best])).toBeLessThan(1e-5);
    });
    tf.dispose([pixels, out.probabilities, out.retrieved, out.attention]);
    classifier.dispose();
  });

  // 500 stored training images, 500 test images, raw pixels: measured 0.676 at beta = 0.2 (0.63 to
  // 0.68 for beta in 0.05..2). Dot-product retrieval favours bright memories, so it is well below a
  // nearest-neighbour classifier, but far above chance (0.1).
  it('classifies MNIST test digits well above chance with 500 training images as the memory', () => {
    const { train, test } = loadMnist();
    const stored = imageSetPixels(train, 0, 500);
    const queries = imageSetPixels(test, 0, 500);
    const classifier = new HopfieldRetrievalClassifier(retrievalMemory(stored.pixels, stored.labels), { beta: 0.2, steps: 0 });
    const probabilities = classifier.predict(queries.pixels);
    const accuracy = accuracyOf(probabilities, queries.labels);
    console.log(`[retrieval classifier] 500 stored training images, beta 0.2, 0 steps: accuracy on 500 test images ${accuracy.toFixed(3)}`);
    expect(accuracy).toBeGreaterThan(0.55);
    tf.dispose([stored.pixels, queries.pixels, probabilities]);
    classifier.dispose();
  });

  it('checks the memory, the settings and the input', () => {
    const patterns = tf.zeros([3, 784]);
    expect(() => retrievalMemory(patterns, [1, 2])).toThrow('retrievalMemory: 2 labels for 3 patterns; give one label per pattern.');
    expect(() => retrievalMemory(patterns, [1, 2, 10])).toThrow('retrievalMemory: label 2 is 10; labels must be integers 0..9.');
    const small = tf.zeros([3, 28, 28]);
    expect(() => retrievalMemory(small, [1, 2, 3])).toThrow('retrievalMemory: patterns must be [N, 784] with N >= 1 (one image per row), got [3, 28, 28].');
    const memory = retrievalMemory(patterns, [0, 1, 2]);
    expect(() => new HopfieldRetrievalClassifier(memory, { beta: 1, steps: -1 })).toThrow('HopfieldRetrievalClassifier: steps must be an integer >= 0, got -1.');
    const classifier = new HopfieldRetrievalClassifier(memory, { beta: 1, steps: 1 });
    const wrong = tf.zeros([2, 100]);
    expect(() => classifier.predict(wrong)).toThrow('HopfieldRetrievalClassifier: pixels must be [batch, 784] (flattened 28x28 images in [0, 1]), got [2, 100].');
    tf.dispose([patterns, small, wrong]);
    classifier.dispose();
  });

  it('leaves no tensors behind', () => {
    const { memory } = randomMemory(5, 20);
    const classifier = new HopfieldRetrievalClassifier(memory, { beta: 0.1, steps: 2 });
    const pixels = randomPixels(6, 4);
    assertNoTensorLeak(() => {
      const out = classifier.forward(pixels);
      tf.dispose([out.probabilities, out.retrieved, out.attention]);
      classifier.predict(pixels).dispose();
    }, { label: 'HopfieldRetrievalClassifier' });
    pixels.dispose();
    classifier.dispose();
  });
});
