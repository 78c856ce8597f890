import { RandomStream, tf } from '@cristal/tensor';
import { disposeFisherTerms, fisherTerms, logLikelihood, sampleTargets } from './output-likelihood';

describe('logLikelihood', () => {
  it('is log softmax at the label, log sigmoid(+-z), and the Gaussian log density', () => tf.tidy(() => {
    const logits = tf.tensor2d([[1, 2, 3], [0, 0, 0]]);
    const cat = logLikelihood({ kind: 'categorical' }, logits, tf.tensor1d([2, 0], 'int32')).dataSync();
    expect(cat[0]).toBeCloseTo(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), 5);
    expect(cat[1]).toBeCloseTo(-Math.log(3), 5);
    const z = tf.tensor2d([[2], [-40]]);
    const bern = logLikelihood({ kind: 'bernoulli' }, z, tf.tensor1d([1, 0])).dataSync();
    expect(bern[0]).toBeCloseTo(-Math.log1p(Math.exp(-2)), 5);
    expect(bern[1]).toBeCloseTo(-Math.log1p(Math.exp(-40)), 5); // no overflow in the far tail
    const gauss = logLikelihood({ kind: 'gaussian', std: 0.5 }, tf.tensor2d([[1, 2]]), tf.tensor2d([[1.5, 2]])).dataSync();
    expect(gauss[0]).toBeCloseTo(-0.5 * 1 - 2 * (Math.log(0.5) + 0.5 * Math.log(2 * Math.PI)), 5);
    expect(() => logLikelihood({ kind: 'categorical' }, logits, tf.tensor1d([3, 0]))).toThrow('targets[0] = 3');
  }));
});

describe('sampleTargets', () => {
  it('draws labels with the model probabilities (chi-square, p = 0.001)', () => tf.tidy(() => {
    const n = 20_000;
    const probs = [0.2, 0.5, 0.3];
    const logits = tf.tile(tf.log(tf.tensor2d([probs])), [n, 1]);
    const labels = sampleTargets({ kind: 'categorical' }, logits, new RandomStream(6, 'labels')).dataSync();
    const counts = [0, 0, 0];
    labels.forEach((k) => counts[k]++);
    const chi2 = counts.reduce((acc, c, k) => acc + (c - n * probs[k]) ** 2 / (n * probs[k]), 0);
    expect(chi2).toBeLessThan(13.82);
    const ones = sampleTargets({ kind: 'bernoulli' }, tf.fill([n], Math.log(0.3 / 0.7)), new RandomStream(6, 'b')).mean().dataSync()[0];
    expect(Math.abs(ones - 0.3)).toBeLessThan(4 * Math.sqrt(0.21 / n));
    const y = sampleTargets({ kind: 'gaussian', std: 2 }, tf.fill([n], 1), new RandomStream(6, 'g'));
    const { mean, variance } = tf.moments(y);
    expect(Math.abs(mean.dataSync()[0] - 1)).toBeLessThan(4 * 2 / Math.sqrt(n));
    expect(Math.abs(variance.dataSync()[0] - 4)).toBeLessThan(4 * 4 * Math.sqrt(2 / n));
  }));
});

describe('fisherTerms', () => {
  it('weights the label terms of the exact expectation by the predictive probabilities', () => tf.tidy(() => {
    const logits = tf.tensor2d([[1, 2, 3], [0, -1, 4]]);
    const terms = fisherTerms({ kind: 'categorical' }, logits, tf.tensor1d([0, 1], 'int32'), { labels: 'expected' });
    expect(terms).toHaveLength(3);
    const total = terms.map((t) => (t.weights ?? tf.zeros([2])).dataSync()).reduce((a, w) => a.map((v, i) => v + w[i]), [0, 0]);
    total.forEach((v) => expect(v).toBeCloseTo(1, 6));
    disposeFisherTerms(terms);
    expect(() => fisherTerms({ kind: 'bernoulli' }, tf.zeros([2]), tf.zeros([2]), { labels: 'sampled' })).toThrow('needs a seeded `random` stream');
  }));
});
