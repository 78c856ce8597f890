import { tf, type Tensor } from '../backend/backend';
import { Carry } from './carry';
import { assertNoTensorLeak, liveTensors } from './leak-check';

describe('assertNoTensorLeak', () => {
  it('catches code that leaves tensors alive and names it', () => {
    const leaked: Tensor[] = [];
    expect(() => assertNoTensorLeak(() => void leaked.push(tf.ones([2]).add(1)), { iterations: 4, label: 'leaky step' })).toThrow(
      /Tensor leak in leaky step: \d+ tensors left alive over 4 iterations/,
    );
    tf.dispose(leaked);
  });

  it('passes code that cleans up after itself', () => {
    const w = tf.ones([8, 8]);
    const { before, after } = assertNoTensorLeak(() => tf.tidy(() => void tf.matMul(w, w).sum().dataSync()), { iterations: 20 });
    expect(after).toBe(before);
    w.dispose();
  });
});

describe('Carry', () => {
  it('keeps numTensors flat over 1,000 steps of a leaky integrator, and computes it right', () => {
    const beta = 0.9;
    const input = tf.fill([4], 1);
    const start = liveTensors();
    const carry = new Carry({ v: tf.zeros([4]), unchanged: tf.ones([1]) });
    for (let t = 0; t < 1000; t++) {
      carry.step(({ v, unchanged }) => ({ v: tf.add(tf.mul(v, beta), input), unchanged }));
      if (t === 0) expect(liveTensors()).toBe(start + 2);
    }
    expect(liveTensors()).toBe(start + 2);
    // v_T = (1 - beta^T) / (1 - beta) for unit input: 10 at T = 1000, up to float32
    expect(carry.value.v.dataSync()[0]).toBeCloseTo((1 - beta ** 1000) / (1 - beta), 4);
    expect(carry.value.unchanged.isDisposed).toBe(false);
    const { v } = carry.take();
    expect(() => carry.value).toThrow('Carry was taken or disposed');
    tf.dispose([v, input]);
  });

  it('disposes its state on dispose()', () => {
    const start = liveTensors();
    const carry = new Carry([tf.zeros([2]), tf.zeros([3])]);
    carry.dispose();
    expect(liveTensors()).toBe(start);
  });
});
