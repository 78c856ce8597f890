import { RandomStreams, tf, type Tensor } from '@cristal/tensor';
import { modernUpdate } from '../models/modern/modern-update';
import { denseMacsPerQuery, denseRetrieval } from './dense-retrieval';
import { disposePatternMemory, patternMemory } from './pattern-memory';

describe('denseRetrieval', () => {
  it('is softmax(beta xi X^T) X: with X = I and beta = ln 3, xi = e_1 gives weights (3/4, 1/4) and retrieves (3/4, 1/4)', () => {
    const memory = patternMemory(tf.tensor2d([[1, 0], [0, 1]]));
    const q = tf.tensor2d([[1, 0], [0, 2]]);
    const r = denseRetrieval(memory, q, Math.log(3));
    const p = r.probabilities.arraySync() as number[][];
    const x = r.retrieved.arraySync() as number[][];
    [0.75, 0.25].forEach((v, i) => {
      expect(p[0][i]).toBeCloseTo(v, 6);
      expect(x[0][i]).toBeCloseTo(v, 6);
    });
    [0.1, 0.9].forEach((v, i) => expect(p[1][i]).toBeCloseTo(v, 6)); // scores (0, 2 ln 3): 1/10, 9/10
    tf.dispose([q, r.probabilities, r.retrieved]);
    disposePatternMemory(memory);
  });

  it('equals the modern network update (models/modern) on random patterns, with its stored transpose', () => {
    const rng = new RandomStreams(5);
    const patterns = rng.data.normalTensor([300, 64]);
    const queries = rng.data.normalTensor([40, 64]);
    const memory = patternMemory(patterns);
    const ours = denseRetrieval(memory, queries, 0.3);
    const theirs = modernUpdate(patterns, queries, 0.3);
    const diff = (a: Tensor, b: Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
    expect(diff(ours.probabilities, theirs.attention)).toBeLessThan(1e-6);
    expect(diff(ours.retrieved, theirs.state)).toBeLessThan(1e-5);
    tf.dispose([patterns, queries, ours.probabilities, ours.retrieved, theirs.state, theirs.attention]);
    disposePatternMemory(memory);
  });

  it('counts 2 N d multiply-accumulates per query and rejects bad input', () => {
    expect(denseMacsPerQuery(10000, 784)).toBe(15_680_000);
    const memory = patternMemory(tf.tensor2d([[1, 0, 0]]));
    expect(() => denseRetrieval(memory, tf.tensor2d([[1, 0]]), 1)).toThrow(/queries must be \[B, 3\]/);
    expect(() => denseRetrieval(memory, tf.tensor2d([[1, 0, 0]]), 0)).toThrow(/beta .* must be a positive finite number/);
    expect(() => patternMemory(tf.tensor1d([1, 2]))).toThrow(/patterns must be a matrix \[N, d\]/);
    expect(() => patternMemory(tf.tensor2d([[1, Number.NaN]]))).toThrow(/patterns/);
    disposePatternMemory(memory);
  });
});
