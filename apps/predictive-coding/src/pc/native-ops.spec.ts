// The single-op kernels against their tf.* compositions (two independent implementations).
import { tf, assertNoTensorLeak, RandomStreams, backendInfo, type Tensor, type Tensor2D } from '@cristal/tensor';
import { activate, activationDerivative, activationDerivativeTimes, add, addN, matMul, mul, nativeOpsActive, sub } from './native-ops';

const rng = new RandomStreams(3);
const a = rng.data.normalTensor([7, 5]) as Tensor2D;
const b = rng.data.normalTensor([7, 5]) as Tensor2D;
const c = rng.data.normalTensor([5, 3]) as Tensor2D;
const d = rng.data.normalTensor([3, 5]) as Tensor2D;
const bias = rng.data.normalTensor([5]);
afterAll(() => tf.dispose([a, b, c, d, bias]));

function maxDiff(x: Tensor, y: Tensor): number {
  expect(x.shape).toEqual(y.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]);
}

describe('native ops', () => {
  it('run as single TensorFlow ops on the native backend', () => {
    expect(nativeOpsActive()).toBe(backendInfo().native);
  });

  it('matMul matches tf.matMul in all four transpose cases', () => {
    tf.tidy(() => {
      expect(maxDiff(matMul(a, c), tf.matMul(a, c))).toBeLessThan(1e-6);
      expect(maxDiff(matMul(a, d, false, true), tf.matMul(a, d, false, true))).toBeLessThan(1e-6);
      expect(maxDiff(matMul(a, b, true, false), tf.matMul(a, b, true, false))).toBeLessThan(1e-6);
      expect(maxDiff(matMul(c, a, true, true), tf.matMul(c, a, true, true))).toBeLessThan(1e-6);
    });
  });

  it('elementwise ops match tf.* exactly, with broadcasting', () => {
    tf.tidy(() => {
      expect(maxDiff(add(a, bias), tf.add(a, bias))).toBe(0);
      expect(maxDiff(sub(a, bias), tf.sub(a, bias))).toBe(0);
      expect(maxDiff(mul(a, tf.scalar(-0.3)), tf.mul(a, -0.3))).toBe(0);
      expect(maxDiff(addN([a, b, a]), tf.add(tf.add(a, b), a))).toBeLessThan(1e-6);
      expect(addN([a])).toBe(a);
    });
    expect(() => addN([])).toThrow(/at least one tensor/);
  });

  it.each(['tanh', 'sigmoid', 'relu', 'linear'] as const)('%s: f(x) and f\'(x) * h match their tf.* definitions', (kind) => {
    tf.tidy(() => {
      const fx = activate(kind, a);
      const reference = kind === 'tanh' ? tf.tanh(a) : kind === 'sigmoid' ? tf.sigmoid(a) : kind === 'relu' ? tf.relu(a) : a;
      expect(maxDiff(fx, reference)).toBeLessThan(1e-6);
      // f' by its closed form: 1 - tanh^2, s (1 - s), [x > 0], 1
      const derivative = kind === 'tanh' ? tf.sub(1, tf.square(tf.tanh(a))) : kind === 'sigmoid' ? tf.mul(tf.sigmoid(a), tf.sub(1, tf.sigmoid(a))) : kind === 'relu' ? tf.cast(tf.greater(a, 0), 'float32') : tf.onesLike(a);
      expect(maxDiff(activationDerivative(kind, a, fx), derivative)).toBeLessThan(1e-6);
      expect(maxDiff(activationDerivativeTimes(kind, a, fx, b), tf.mul(derivative, b))).toBeLessThan(1e-6);
      // and f' agrees with a central finite difference of f
      const h = 1e-2;
      const fd = tf.div(tf.sub(activate(kind, tf.add(a, h) as Tensor2D), activate(kind, tf.sub(a, h) as Tensor2D)), 2 * h);
      const awayFromKink = kind === 'relu' ? tf.cast(tf.greater(tf.abs(a), 2 * h), 'float32') : tf.onesLike(a);
      expect(maxDiff(tf.mul(fd, awayFromKink), tf.mul(derivative, awayFromKink))).toBeLessThan(1e-3);
    });
  });

  it('outputs are tracked by tf.tidy (no leak)', () => {
    assertNoTensorLeak(() => {
      const out = tf.tidy(() => activationDerivativeTimes('tanh', a, activate('tanh', a), addN([sub(a, b), add(mul(matMul(matMul(a, c), d), tf.scalar(2)), b)])));
      expect(out.shape).toEqual([7, 5]);
      out.dispose();
    });
  });
});
