import { tf, assertNoTensorLeak, logSoftmax, RandomStream, type Tensor } from '@cristal/tensor';
import { softmaxCrossEntropy } from './softmax-cross-entropy';

const reference = (z: Tensor, y: Tensor) => tf.neg(tf.sum(tf.mul(logSoftmax(z), tf.oneHot(y, z.shape[1] as number)), 1));

describe('softmaxCrossEntropy (fused kernel)', () => {
  it('equals -log softmax(z)_y and its gradient softmax(z) - onehot(y), per example', () => {
    tf.tidy(() => {
      const s = new RandomStream(4, 'ce');
      const z = s.normalTensor([5, 7], 0, 3);
      const y = tf.tensor1d([0, 6, 3, 3, 1], 'int32');
      const w = tf.tensor1d([1, -2, 0.5, 3, 0.25]);
      expect(tf.max(tf.abs(tf.sub(softmaxCrossEntropy(z, y), reference(z, y)))).dataSync()[0]).toBeLessThan(1e-5);
      const g = tf.grad((t: Tensor) => tf.sum(tf.mul(softmaxCrossEntropy(t, y), w)))(z);
      const gRef = tf.grad((t: Tensor) => tf.sum(tf.mul(reference(t, y), w)))(z);
      expect(tf.max(tf.abs(tf.sub(g, gRef))).dataSync()[0]).toBeLessThan(1e-5);
    });
  });

  it('is exact for logits of +-1000 (max-shifted) and rejects labels out of range', () => {
    tf.tidy(() => {
      const z = tf.tensor2d([
        [1000, -1000, 999],
        [-1000, -1000, -1000],
      ]);
      const nll = softmaxCrossEntropy(z, tf.tensor1d([2, 1], 'int32')).arraySync() as number[];
      expect(nll[0]).toBeCloseTo(1 + Math.log1p(Math.exp(-1)), 5);
      expect(nll[1]).toBeCloseTo(Math.log(3), 5);
      expect(() => softmaxCrossEntropy(z, tf.tensor1d([3, 0], 'int32'))).toThrow(/label 3 of example 0/);
      expect(() => softmaxCrossEntropy(z, tf.tensor1d([0], 'int32'))).toThrow(/expected 2 labels/);
    });
  });

  it('leaks nothing', () => {
    const z = tf.ones([3, 4]);
    const y = tf.tensor1d([0, 1, 2], 'int32');
    assertNoTensorLeak(() => tf.grad((t: Tensor) => tf.sum(softmaxCrossEntropy(t, y)))(z).dispose());
    tf.dispose([z, y]);
  });
});
