import { tf, RandomStreams, assertNoTensorLeak } from '@cristal/tensor';
import { classicalEnergy } from './classical-energy';
import { classicalEnergy64 } from '../reference.test-helpers';

describe('classicalEnergy', () => {
  it('equals -1/2 s^T W s summed in float64, for every row', () => {
    const rng = new RandomStreams(4);
    const w = rng.init.normalTensor([12, 12]);
    const s = tf.tidy(() => tf.sign(rng.data.uniformTensor([5, 12], -1, 1)));
    const e = classicalEnergy(w, s).dataSync();
    const wd = w.dataSync();
    const sd = s.dataSync();
    for (let r = 0; r < 5; r++) {
      const expected = classicalEnergy64(wd, sd.subarray(r * 12, (r + 1) * 12));
      expect(Math.abs(e[r] - expected)).toBeLessThan(1e-5 * (1 + Math.abs(expected)));
    }
    tf.dispose([w, s]);
  });

  it('says which shape is wrong', () => {
    const w = tf.zeros([4, 4]);
    const rect = tf.zeros([4, 3]);
    const s = tf.zeros([2, 5]);
    expect(() => classicalEnergy(rect, s)).toThrow('classicalEnergy: weights must be a square [d, d] matrix, got shape [4, 3].');
    expect(() => classicalEnergy(w, s)).toThrow('classicalEnergy: states must be [batch, 4] (one state per row, as many neurons as the weights), got shape [2, 5]. Reshape a single state to [1, 4].');
    tf.dispose([w, rect, s]);
  });

  it('leaves no tensors behind', () => {
    const w = tf.eye(6);
    const s = tf.ones([3, 6]);
    assertNoTensorLeak(() => classicalEnergy(w, s).dispose(), { label: 'classicalEnergy' });
    tf.dispose([w, s]);
  });
});
