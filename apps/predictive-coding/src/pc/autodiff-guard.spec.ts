import { tf, Adam, type Scalar, type Tensor } from '@cristal/tensor';
import { assertNoAutodiff, detectAutodiff } from './autodiff-guard';

describe('detectAutodiff', () => {
  const x = tf.tensor1d([1, 2, 3]);
  afterAll(() => x.dispose());
  const none = { tapesStarted: 0, tapeNodes: 0, customGradients: 0 };

  it('sees nothing in plain forward computation', () => {
    const { result, use } = detectAutodiff(() => tf.tidy(() => tf.sum(tf.tanh(tf.mul(x, 2))).dataSync()[0]));
    expect(use).toEqual(none);
    expect(result).toBeCloseTo(Math.tanh(2) + Math.tanh(4) + Math.tanh(6), 5);
  });

  it.each([
    ['tf.grad', () => tf.grad((v: Tensor) => tf.sum(tf.square(v)))(x)],
    ['tf.grads', () => tf.grads((a: Tensor) => tf.sum(tf.square(a)))([x])[0]],
    ['tf.valueAndGrads', () => tf.valueAndGrads((a: Tensor) => tf.sum(tf.square(a)))([x]).grads[0]],
  ] as [string, () => Tensor][])('fires on %s', (_name, run) => {
    const { result, use } = detectAutodiff(() => tf.tidy(run));
    expect(use.tapesStarted).toBe(1);
    expect(use.tapeNodes).toBeGreaterThan(0);
    // and the gradient was right: d/dx sum x^2 = 2x
    expect(Array.from(result.dataSync())).toEqual([2, 4, 6]);
    result.dispose();
  });

  it('fires on tf.variableGrads, optimizer.minimize and Adam.minimize', () => {
    const v = tf.variable(tf.tensor1d([1, -1]));
    const loss = () => tf.sum(tf.square(v)) as Scalar;
    for (const run of [
      () => tf.dispose(Object.values(tf.variableGrads(loss).grads)),
      () => tf.train.sgd(0.1).minimize(loss),
      () => new Adam([v]).minimize(loss),
    ]) {
      expect(detectAutodiff(() => tf.tidy(run)).use.tapesStarted).toBeGreaterThan(0);
    }
    v.dispose();
  });

  it('fires on tf.customGrad', () => {
    const { use } = detectAutodiff(() => {
      const f = tf.customGrad((a) => ({ value: tf.mul(a as Tensor, 2), gradFunc: (dy) => [tf.mul(dy, 2)] }));
      tf.tidy(() => f(x));
    });
    expect(use.customGradients).toBe(1);
  });

  it('sees the ops of code run under a caller\'s open tape', () => {
    let inner = none;
    const g = tf.grad((v: Tensor) => {
      const { result, use } = detectAutodiff(() => tf.sum(tf.square(v)));
      inner = use;
      return result;
    })(x);
    expect(inner.tapeNodes).toBeGreaterThan(0);
    g.dispose();
  });

  it('restores the engine afterwards, also when the checked code throws', () => {
    const engine = tf.engine() as unknown as Record<string, unknown>;
    const before = ['startTape', 'addTapeNode', 'customGrad'].map((k) => [Object.prototype.hasOwnProperty.call(engine, k), engine[k]]);
    expect(() =>
      detectAutodiff(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    detectAutodiff(() => 1);
    expect(['startTape', 'addTapeNode', 'customGrad'].map((k) => [Object.prototype.hasOwnProperty.call(engine, k), engine[k]])).toEqual(before);
    // and gradients still work after the guard is gone
    const g = tf.grad((v: Tensor) => tf.sum(tf.square(v)))(x);
    expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
    g.dispose();
  });

  it('assertNoAutodiff passes plain code through and names the offender otherwise', () => {
    expect(assertNoAutodiff(() => 42)).toBe(42);
    expect(() => assertNoAutodiff(() => tf.tidy(() => tf.grad((v: Tensor) => tf.sum(v))(x)), 'the cheating step')).toThrow(
      /the cheating step used automatic differentiation \(1 gradient tapes/,
    );
  });
});
