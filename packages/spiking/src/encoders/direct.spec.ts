import { tf, type Tensor } from '@cristal/tensor';
import { directEncode } from './direct';

describe('direct (current) encoder', () => {
  it('repeats the analogue input at every step, and passes gradients back summed over time', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[0.1, -2], [3.5, 0]]);
      const out = directEncode(x, 3);
      expect(out.shape).toEqual([3, 2, 2]);
      expect(out.arraySync()).toEqual([0, 1, 2].map(() => x.arraySync()));
      const g = tf.grad((v: Tensor) => tf.sum(tf.mul(directEncode(v, 3), tf.tensor1d([1, 2, 3]).reshape([3, 1, 1]))))(x);
      expect(Array.from(g.dataSync())).toEqual([6, 6, 6, 6]);
      expect(() => directEncode(x, 1.5)).toThrow('steps must be a positive integer');
    });
  });
});
