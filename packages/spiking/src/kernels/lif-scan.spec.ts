import { tf, RandomStream, assertNoTensorLeak, type Tensor } from '@cristal/tensor';
import { lifParameters, lifStep } from '../neurons/lif';
import { surrogate, type SurrogateKind } from '../surrogate/surrogates';
import { jsKernel, lifKernel, nativeLifKernel, type ResetMode } from './lif-kernel';
import { lifScan } from './lif-scan';

const B = 3;
const N = 5;

function randomTensor(shape: number[], seed: number, scale = 1, offset = 0): Tensor {
  return tf.tensor(new RandomStream(seed, 'lif-scan-spec').fillUniform(new Float32Array(shape.reduce((a, b) => a * b, 1)), offset - scale, offset + scale), shape);
}

/** T applications of lifStep: the reference the fused kernel must reproduce. */
function unfused(current: Tensor, T: number, beta: Tensor | number, theta: Tensor | number, v0: Tensor, reset: ResetMode, detachReset: boolean, kind: SurrogateKind) {
  const p = lifParameters({ beta, threshold: theta, reset, detachReset, surrogate: surrogate(kind) });
  let state = { v: v0 };
  const spikes: Tensor[] = [];
  const membrane: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const input = current.rank === 3 ? tf.squeeze(tf.slice(current, [t, 0, 0], [1, B, N]), [0]) : current;
    const out = lifStep(input, state, p);
    spikes.push(out.spikes);
    membrane.push(out.state.v);
    state = out.state;
  }
  return { spikes: tf.stack(spikes), membrane: tf.stack(membrane), finalMembrane: state.v };
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('fused LIF scan equals the step-by-step LIF', () => {
  const cases: [ResetMode, boolean, number, boolean, SurrogateKind][] = [];
  for (const reset of ['subtract', 'zero', 'none'] as ResetMode[]) {
    for (const detachReset of [false, true]) {
      for (const T of [1, 9]) cases.push([reset, detachReset, T, T === 9, detachReset ? 'fastSigmoid' : 'arctan']);
    }
  }

  it.each(cases)('reset %s, detached %s, T = %i, current per step %s, %s surrogate', (reset, detachReset, T, perStep, kind) => {
    tf.tidy(() => {
      const current = perStep ? randomTensor([T, B, N], 1, 0.8, 0.5) : randomTensor([B, N], 2, 0.6, 0.45);
      const v0 = randomTensor([B, N], 3, 0.3);
      const beta = tf.tensor1d([0.95, 0.9, 0.8, 0.99, 0.7]); // per neuron, learnable
      const theta = tf.scalar(0.9);
      // A loss that weights every output differently, so every gradient path is exercised.
      const wS = randomTensor([T, B, N], 4);
      const wV = randomTensor([T, B, N], 5);
      const wT = randomTensor([B, N], 6);
      const loss = (out: { spikes: Tensor; membrane: Tensor | null; finalMembrane: Tensor }) =>
        tf.addN([tf.sum(tf.mul(out.spikes, wS)), tf.sum(tf.mul(out.membrane as Tensor, wV)), tf.sum(tf.mul(out.finalMembrane, wT))]);
      const opts = { steps: T, reset, detachReset, surrogate: surrogate(kind), membrane: true };

      const fused = lifScan(current, beta, theta, v0, opts);
      const reference = unfused(current, T, beta, theta, v0, reset, detachReset, kind);
      expect(Array.from(fused.spikes.dataSync())).toEqual(Array.from(reference.spikes.dataSync()));
      expect(maxAbsDiff(fused.membrane as Tensor, reference.membrane)).toBeLessThan(1e-5);
      expect(maxAbsDiff(fused.finalMembrane, reference.finalMembrane)).toBeLessThan(1e-5);

      const gFused = tf.grads((c: Tensor, v: Tensor, b: Tensor, th: Tensor) => loss(lifScan(c, b, th, v, opts)))([current, v0, beta, theta]);
      const gRef = tf.grads((c: Tensor, v: Tensor, b: Tensor, th: Tensor) => loss(unfused(c, T, b, th, v, reset, detachReset, kind)))([current, v0, beta, theta]);
      ['current', 'v0', 'beta', 'threshold'].forEach((name, i) => {
        const scale = Math.max(1, tf.max(tf.abs(gRef[i])).dataSync()[0]);
        // the name in the value makes a failure say which gradient differs
        expect({ name, withinTolerance: maxAbsDiff(gFused[i], gRef[i]) / scale < 1e-5 }).toEqual({ name, withinTolerance: true });
      });
    });
  });

  it('the native and JavaScript kernels agree bit for bit forward and to 1e-5 backward (float32 vs float64)', () => {
    const native = nativeLifKernel();
    if (!native.kernel) throw new Error(`the native kernel did not load (${native.error}); run npm run build:native`);
    const s = new RandomStream(7, 'kernels');
    const shape = { T: 20, M: 64 * 30, N: 30, inputPerStep: true };
    const current = s.fillUniform(new Float32Array(shape.T * shape.M), -0.5, 1.5);
    const v0 = s.fillUniform(new Float32Array(shape.M), -0.2, 0.2);
    const beta = s.fillUniform(new Float32Array(30), 0.7, 1);
    const theta = new Float32Array([1]);
    for (const reset of [0, 1, 2]) {
      const a = native.kernel.forward(shape, current, v0, beta, theta, reset, true);
      const b = jsKernel.forward(shape, current, v0, beta, theta, reset, true);
      expect(a.spikes).toEqual(b.spikes);
      expect(a.u).toEqual(b.u);
      const grads = { gS: s.fillNormal(new Float32Array(shape.T * shape.M)), gV: s.fillNormal(new Float32Array(shape.T * shape.M)), gVT: null };
      const p = { beta, theta, reset, surrogate: 1, slope: 25, detachReset: false };
      const ga = native.kernel.backward(shape, p, { v0, spikes: a.spikes, u: a.u }, grads);
      const gb = jsKernel.backward(shape, p, { v0, spikes: b.spikes, u: b.u }, grads);
      for (let i = 0; i < ga.gI.length; i++) expect(Math.abs(ga.gI[i] - gb.gI[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(gb.gI[i]))); // float32 vs float64 arithmetic
      for (let j = 0; j < 30; j++) expect(Math.abs(ga.gBeta[j] - gb.gBeta[j])).toBeLessThan(1e-5 * Math.max(1, Math.abs(gb.gBeta[j])));
    }
  });

  it('uses the native kernel when it is built', () => {
    expect(lifKernel().name).toBe(process.env.CRISTAL_SPIKING_KERNEL === 'js' ? 'js' : 'native');
  });

  it('leaks no tensors over repeated forward and backward passes', () => {
    const current = randomTensor([4, B, N], 8, 1, 0.5);
    const w = tf.variable(tf.ones([N, N]));
    assertNoTensorLeak(() => {
      const { grads, value } = tf.variableGrads(() => tf.sum(lifScan(tf.matMul(current.reshape([-1, N]), w).reshape([4, B, N]), 0.9, 1).spikes));
      tf.dispose([value, ...Object.values(grads)]);
    }, { iterations: 10, label: 'lifScan forward + backward' });
    tf.dispose([current, w]);
  });

  it('rejects inputs of the wrong shape', () => {
    expect(() => lifScan(tf.zeros([2, 3]), 0.9, 1)).toThrow('steps must be a positive integer');
    expect(() => lifScan(tf.zeros([2, 3]), tf.zeros([4]), 1, null, { steps: 2 })).toThrow('beta must be a scalar or a vector of 3');
    expect(() => lifScan(tf.zeros([2]), 0.9, 1)).toThrow('current must be [T, B, N] or [B, N]');
  });
});
