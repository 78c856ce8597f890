import { tf, type Tensor } from '@cristal/tensor';
import { maxMembrane } from './max-membrane';

describe('maximum-membrane decoder', () => {
  it('takes the maximum over time, and its gradient reaches the step of the maximum only', () => {
    tf.tidy(() => {
      const v = tf.tensor3d([[[0.25, -1]], [[0.75, -3]], [[0.5, -2]]]); // exact in float32
      expect(maxMembrane(v).arraySync()).toEqual([[0.75, -1]]);
      const g = tf.grad((m: Tensor) => tf.sum(maxMembrane(m)))(v);
      expect(Array.from(g.dataSync())).toEqual([0, 1, 1, 0, 0, 0]);
    });
  });
});
