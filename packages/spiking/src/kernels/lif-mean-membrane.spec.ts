import { tf, RandomStream, assertNoTensorLeak, type Tensor } from '@cristal/tensor';
import { lifParameters, lifStep } from '../neurons/lif';
import { surrogate, type SurrogateKind } from '../surrogate/surrogates';
import type { ResetMode } from './lif-kernel';
import { lifMeanMembrane } from './lif-mean-membrane';

const B = 4;
const N = 5;

function randomTensor(shape: number[], seed: number, scale = 1, offset = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(new RandomStream(seed, 'lif-mean-membrane-spec').fillUniform(new Float32Array(n), offset - scale, offset + scale), shape);
}

/** The unfused composition: T applications of lifStep, the post-reset membranes summed and divided by T. */
function reference(current: Tensor, T: number, beta: Tensor, theta: Tensor, v0: Tensor, reset: ResetMode, detachReset: boolean, kind: SurrogateKind) {
  const p = lifParameters({ beta, threshold: theta, reset, detachReset, surrogate: surrogate(kind) });
  let state = { v: v0 };
  let sum = tf.zerosLike(v0);
  for (let t = 0; t < T; t++) {
    const input = current.rank === 3 ? tf.squeeze(tf.slice(current, [t, 0, 0], [1, B, N]), [0]) : current;
    state = lifStep(input, state, p).state;
    sum = tf.add(sum, state.v);
  }
  return { mean: tf.div(sum, T), finalMembrane: state.v };
}

function relDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1, tf.max(tf.abs(b)).dataSync()[0]));
}

describe('lifMeanMembrane equals the mean of the lifStep membranes', () => {
  const cases: [ResetMode, boolean, number, boolean, SurrogateKind][] = [];
  for (const reset of ['subtract', 'zero', 'none'] as ResetMode[]) {
    for (const detachReset of [false, true]) cases.push([reset, detachReset, 1, true, 'fastSigmoid'], [reset, detachReset, 12, true, 'fastSigmoid'], [reset, detachReset, 7, false, 'arctan']);
  }

  it.each(cases)('reset %s, detached %s, T = %i, current per step %s, %s surrogate', (reset, detachReset, T, perStep, kind) => {
    tf.tidy(() => {
      const current = perStep ? randomTensor([T, B, N], 1, 0.8, 0.5) : randomTensor([B, N], 2, 0.6, 0.45);
      const v0 = randomTensor([B, N], 3, 0.3);
      const beta = tf.tensor1d([0.95, 0.9, 0.8, 0.99, 0.7]);
      const theta = tf.scalar(0.9);
      const opts = { steps: T, reset, detachReset, surrogate: surrogate(kind) };
      const a = lifMeanMembrane(current, beta, theta, v0, opts);
      const r = reference(current, T, beta, theta, v0, reset, detachReset, kind);
      expect(relDiff(a.mean, r.mean)).toBeLessThan(1e-6);
      expect(relDiff(a.finalMembrane, r.finalMembrane)).toBeLessThan(1e-6);
      const wMean = randomTensor([B, N], 4);
      const wT = randomTensor([B, N], 5);
      const loss = (o: { mean: Tensor; finalMembrane: Tensor }) => tf.add(tf.sum(tf.mul(o.mean, wMean)), tf.sum(tf.mul(o.finalMembrane, wT)));
      const gA = tf.grads((c: Tensor, v: Tensor, b: Tensor, th: Tensor) => loss(lifMeanMembrane(c, b, th, v, opts)))([current, v0, beta, theta]);
      // without reset the membrane does not depend on the threshold: the reference has no path to it
      const withTheta = reset !== 'none';
      const gR = withTheta
        ? tf.grads((c: Tensor, v: Tensor, b: Tensor, th: Tensor) => loss(reference(c, T, b, th, v, reset, detachReset, kind)))([current, v0, beta, theta])
        : [...tf.grads((c: Tensor, v: Tensor, b: Tensor) => loss(reference(c, T, b, theta, v, reset, detachReset, kind)))([current, v0, beta]), tf.zerosLike(theta)];
      ['current', 'v0', 'beta', 'threshold'].forEach((name, i) => {
        expect(gA[i].shape).toEqual(gR[i].shape);
        expect({ name, close: relDiff(gA[i], gR[i]) < 1e-5 }).toEqual({ name, close: true });
      });
    });
  });

  it('averages the closed-form membrane of a neuron that never fires', () => {
    tf.tidy(() => {
      // constant current I from v = 0, no spike: v_t = I (1 - beta^t) / (1 - beta) for t = 1..T
      const I = 0.1;
      const beta = 0.5;
      const T = 6;
      const r = lifMeanMembrane(tf.fill([1, 1], I), beta, 1, null, { steps: T });
      let sum = 0;
      for (let t = 1; t <= T; t++) sum += (I * (1 - beta ** t)) / (1 - beta);
      expect(r.mean.dataSync()[0]).toBeCloseTo(sum / T, 6);
      // d mean / d I = (1/T) sum_t (1 - beta^t) / (1 - beta) without spikes, once the reset is detached
      // (otherwise the surrogate of the reset adds -theta s'(u_t) terms even below threshold)
      let slope = 0;
      for (let t = 1; t <= T; t++) slope += (1 - beta ** t) / (1 - beta);
      const g = tf.grad((c: Tensor) => tf.sum(lifMeanMembrane(c, beta, 1, null, { steps: T, detachReset: true }).mean))(tf.fill([1, 1], I));
      expect(g.dataSync()[0]).toBeCloseTo(slope / T, 6);
    });
  });

  it('leaks no tensors and says what is wrong with its inputs', () => {
    const current = randomTensor([5, B, N], 6, 0.8, 0.5);
    assertNoTensorLeak(() => {
      const g = tf.grad((c: Tensor) => tf.sum(lifMeanMembrane(c, 0.9, 1).mean))(current);
      g.dispose();
    }, { iterations: 5, label: 'lifMeanMembrane forward + backward' });
    expect(() => lifMeanMembrane(tf.zeros([B, N]), 0.9, 1)).toThrow(/steps must be a positive integer/);
    expect(() => lifMeanMembrane(current, 0.9, 1, tf.zeros([B, N + 1]))).toThrow(/v0 must be \[4, 5\]/);
    current.dispose();
  });
});
