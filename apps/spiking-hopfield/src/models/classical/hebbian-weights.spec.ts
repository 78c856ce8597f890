import { tf, RandomStreams, assertNoTensorLeak } from '@cristal/tensor';
import { patternsToFloat32, randomPatterns } from '@cristal/datasets';
import { classicalEnergy } from './classical-energy';
import { hebbianWeights } from './hebbian-weights';
import { classicalEnergy64 } from '../reference.test-helpers';

function bipolar(seed: number, count: number, dimension: number) {
  return tf.tensor2d(patternsToFloat32(randomPatterns({ count, dimension }, new RandomStreams(seed).data)), [count, dimension]);
}

describe('hebbianWeights', () => {
  it('is (1/d) sum_mu x^mu x^mu^T with a zero diagonal, entry by entry', () => {
    const x = bipolar(1, 3, 7);
    const p = x.arraySync() as number[][];
    const w = hebbianWeights(x).arraySync() as number[][];
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 7; j++) {
        const expected = i === j ? 0 : p.reduce((s, row) => s + row[i] * row[j], 0) / 7;
        expect(w[i][j]).toBeCloseTo(expected, 6);
        expect(w[i][j]).toBe(w[j][i]);
      }
    }
    x.dispose();
  });

  it('gives one stored pattern the energy -(d - 1)/2 (closed form: W = (x x^T - I)/d)', () => {
    const x = bipolar(2, 1, 50);
    const w = hebbianWeights(x);
    const e = classicalEnergy(w, x);
    expect(e.shape).toEqual([1]);
    expect(e.dataSync()[0]).toBeCloseTo(-49 / 2, 4);
    expect(classicalEnergy64(w.dataSync(), x.dataSync())).toBeCloseTo(-49 / 2, 5);
    tf.dispose([x, w, e]);
  });

  it('refuses patterns that are not +-1, with the fix in the message', () => {
    const binary = tf.tensor2d([[0, 1, 1, 0]]);
    expect(() => hebbianWeights(binary)).toThrow('hebbianWeights: patterns: entries must be +1 or -1, found 0 at flat index 0. Map 0/1 data with 2x - 1');
    const vector = tf.tensor1d([1, -1]);
    expect(() => hebbianWeights(vector)).toThrow('patterns must be a non-empty [N, d] matrix (one pattern per row), got shape [2]');
    tf.dispose([binary, vector]);
  });

  it('leaves no tensors behind', () => {
    const x = bipolar(3, 4, 16);
    assertNoTensorLeak(() => hebbianWeights(x).dispose(), { label: 'hebbianWeights' });
    x.dispose();
  });
});
