import { tf, assertNoTensorLeak, RandomStream, type Tensor } from '@cristal/tensor';
import { matMul, relu } from './tf-ops';

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('single-op matMul and relu', () => {
  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matMul(transposeA %s, transposeB %s) equals tf.matMul, value and gradients', (ta, tb) => {
    tf.tidy(() => {
      const s = new RandomStream(1, 'mm');
      const a = s.normalTensor(ta ? [7, 5] : [5, 7]);
      const b = s.normalTensor(tb ? [3, 7] : [7, 3]);
      const w = s.normalTensor([5, 3]);
      expect(maxAbsDiff(matMul(a, b, ta, tb), tf.matMul(a, b, ta, tb))).toBeLessThan(1e-5);
      const f = (mm: typeof matMul) => (x: Tensor, y: Tensor) => tf.sum(tf.mul(mm(x, y, ta, tb), w));
      const ours = tf.grads(f(matMul))([a, b]);
      const theirs = tf.grads(f((x, y, p, q) => tf.matMul(x, y, p, q)))([a, b]);
      for (let i = 0; i < 2; i++) expect(maxAbsDiff(ours[i], theirs[i])).toBeLessThan(1e-5);
    });
  });

  it('matMul rejects mismatched inner dimensions and non-matrices', () => {
    tf.tidy(() => {
      expect(() => matMul(tf.zeros([2, 3]), tf.zeros([4, 2]))).toThrow(/inner dimensions 3 and 4/);
      expect(() => matMul(tf.zeros([2, 3, 1]), tf.zeros([1, 2]))).toThrow(/2-D/);
    });
  });

  it('relu equals tf.relu, value and gradient (0 at 0, as tf.relu)', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([
        [-2, -0.5, 0, 0.5],
        [3, -1e-7, 1e-7, 0],
      ]);
      expect(Array.from(relu(x).dataSync())).toEqual(Array.from(tf.relu(x).dataSync()));
      const w = tf.tensor2d([
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ]);
      const g = tf.grad((t: Tensor) => tf.sum(tf.mul(relu(t), w)))(x);
      const gRef = tf.grad((t: Tensor) => tf.sum(tf.mul(tf.relu(t), w)))(x);
      expect(Array.from(g.dataSync())).toEqual(Array.from(gRef.dataSync()));
    });
  });

  it('leaks nothing', () => {
    const a = tf.ones([4, 3]);
    const b = tf.ones([3, 2]);
    assertNoTensorLeak(() => {
      const [ga, gb] = tf.grads((x: Tensor, y: Tensor) => tf.sum(relu(matMul(x, y))))([a, b]);
      tf.dispose([ga, gb]);
    });
    tf.dispose([a, b]);
  });
});
