import { tf, RandomStream, assertNoTensorLeak, type Scalar, type Tensor } from '@cristal/tensor';
import { softmaxCrossEntropy } from './softmax-cross-entropy';

function randomTensor(shape: number[], seed: number, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(new RandomStream(seed, 'softmax-ce-spec').fillUniform(new Float32Array(n), -scale, scale), shape);
}

describe('softmaxCrossEntropy', () => {
  it('is log C for equal logits, with gradient (1/C - y) / B', () => {
    tf.tidy(() => {
      const C = 10;
      const loss = softmaxCrossEntropy(tf.oneHot(tf.tensor1d([3, 7], 'int32'), C), tf.fill([2, C], 1.5));
      expect(loss.dataSync()[0]).toBeCloseTo(Math.log(C), 6);
      // dL/dz = (softmax - y) / B = (1/C - y) / 2
      const g = tf.grad((z: Tensor) => softmaxCrossEntropy(tf.oneHot(tf.tensor1d([3, 7], 'int32'), C), z))(tf.fill([2, C], 1.5));
      const expected = Array.from({ length: 2 * C }, (_, i) => (1 / C - (i === 3 || i === C + 7 ? 1 : 0)) / 2);
      Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 7));
    });
  });

  it('equals tf.losses.softmaxCrossEntropy in value and logit gradient; its label gradient is -log softmax / B', () => {
    tf.tidy(() => {
      const logits = randomTensor([6, 5], 1, 4);
      const oneHot = tf.oneHot(tf.tensor1d([0, 4, 2, 2, 1, 3], 'int32'), 5).toFloat();
      const soft = tf.softmax(randomTensor([6, 5], 2, 2));
      for (const labels of [oneHot, soft]) {
        const ours = (y: Tensor, z: Tensor) => softmaxCrossEntropy(y, z);
        const theirs = (y: Tensor, z: Tensor) => tf.losses.softmaxCrossEntropy(y, z) as Scalar;
        expect(ours(labels, logits).dataSync()[0]).toBeCloseTo(theirs(labels, logits).dataSync()[0], 6);
        const [gyA, gzA] = tf.grads(ours)([labels, logits]);
        const gzR = tf.grad((z: Tensor) => theirs(labels, z))(logits);
        expect(tf.max(tf.abs(tf.sub(gzA, gzR))).dataSync()[0]).toBeLessThan(1e-7);
        // (TF.js's own label gradient is (y - softmax) dy, not the derivative; compare with the formula)
        expect(tf.max(tf.abs(tf.sub(gyA, tf.div(tf.neg(tf.logSoftmax(logits)), 6)))).dataSync()[0]).toBeLessThan(1e-6);
      }
    });
  });

  it('stays finite for large logits (max-shifted log-sum-exp)', () => {
    tf.tidy(() => {
      const loss = softmaxCrossEntropy(tf.tensor2d([[0, 1]]), tf.tensor2d([[1000, 0]]));
      expect(loss.dataSync()[0]).toBeCloseTo(1000, 3);
    });
  });

  it('leaks no tensors and says what is wrong with its inputs', () => {
    const logits = randomTensor([4, 3], 3);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
    assertNoTensorLeak(() => {
      const g = tf.grad((z: Tensor) => softmaxCrossEntropy(labels, z))(logits);
      g.dispose();
    }, { iterations: 5, label: 'softmaxCrossEntropy' });
    expect(() => softmaxCrossEntropy(tf.zeros([4, 2]), logits)).toThrow(/labels must be \[4, 3\]/);
    expect(() => softmaxCrossEntropy(labels, tf.zeros([4]))).toThrow(/logits must be float32 \[B, C\]/);
    tf.dispose([logits, labels]);
  });
});
