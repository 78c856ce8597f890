import { tf, RandomStream, assertNoTensorLeak, type Tensor } from '@cristal/tensor';
import { alifParameters, alifStep } from '../neurons/alif';
import { surrogate, type SurrogateKind } from '../surrogate/surrogates';
import { alifKernel, jsAlifKernel, nativeAlifKernel } from './alif-kernel';
import { alifScan, type AlifScanResult } from './alif-scan';
import type { ResetMode } from './lif-kernel';

const B = 3;
const N = 5;

function randomTensor(shape: number[], seed: number, scale = 1, offset = 0): Tensor {
  return tf.tensor(new RandomStream(seed, 'alif-scan-spec').fillUniform(new Float32Array(shape.reduce((a, b) => a * b, 1)), offset - scale, offset + scale), shape);
}

interface Learnable {
  beta: Tensor;
  threshold: Tensor;
  rho: Tensor;
  adaptation: Tensor;
}

/** T applications of alifStep: the reference the fused kernel must reproduce. */
function unfused(current: Tensor, T: number, p: Learnable, v0: Tensor, a0: Tensor, reset: ResetMode, detachReset: boolean, kind: SurrogateKind): AlifScanResult {
  const params = alifParameters({ ...p, reset, detachReset, surrogate: surrogate(kind) });
  let state = { v: v0, a: a0 };
  const spikes: Tensor[] = [];
  const membrane: Tensor[] = [];
  const thresholds: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const input = current.rank === 3 ? tf.squeeze(tf.slice(current, [t, 0, 0], [1, B, N]), [0]) : current;
    const out = alifStep(input, state, params);
    spikes.push(out.spikes);
    membrane.push(out.state.v);
    thresholds.push(out.threshold);
    state = out.state;
  }
  return { spikes: tf.stack(spikes), membrane: tf.stack(membrane), thresholds: tf.stack(thresholds), finalMembrane: state.v, finalAdaptation: state.a };
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('fused ALIF scan equals the step-by-step ALIF', () => {
  const cases: [ResetMode, boolean, number, boolean, SurrogateKind][] = [];
  for (const reset of ['subtract', 'zero', 'none'] as ResetMode[]) {
    for (const detachReset of [false, true]) {
      for (const T of [1, 9]) cases.push([reset, detachReset, T, T === 9, detachReset ? 'fastSigmoid' : 'arctan']);
    }
  }

  it.each(cases)('reset %s, detached %s, T = %i, current per step %s, %s surrogate', (reset, detachReset, T, perStep, kind) => {
    tf.tidy(() => {
      const current = perStep ? randomTensor([T, B, N], 1, 0.8, 0.5) : randomTensor([B, N], 2, 0.6, 0.7);
      const v0 = randomTensor([B, N], 3, 0.3);
      const a0 = randomTensor([B, N], 4, 0.5, 0.5);
      // Per-neuron and shared parameters, all learnable.
      const p: Learnable = {
        beta: tf.tensor1d([0.95, 0.9, 0.8, 0.99, 0.7]),
        threshold: tf.scalar(0.9),
        rho: tf.tensor1d([0.9, 0.97, 0.8, 0.99, 0.95]),
        adaptation: tf.scalar(0.3),
      };
      // A loss that weights every output differently, so every gradient path is exercised.
      const w = [5, 6, 7].map((seed) => randomTensor([T, B, N], seed));
      const wT = [8, 9].map((seed) => randomTensor([B, N], seed));
      const loss = (out: AlifScanResult) =>
        tf.addN([
          tf.sum(tf.mul(out.spikes, w[0])),
          tf.sum(tf.mul(out.membrane as Tensor, w[1])),
          tf.sum(tf.mul(out.thresholds as Tensor, w[2])),
          tf.sum(tf.mul(out.finalMembrane, wT[0])),
          tf.sum(tf.mul(out.finalAdaptation, wT[1])),
        ]);
      const opts = { steps: T, reset, detachReset, surrogate: surrogate(kind), membrane: true, thresholds: true };

      const fused = alifScan(current, p, { v: v0, a: a0 }, opts);
      const reference = unfused(current, T, p, v0, a0, reset, detachReset, kind);
      expect(Array.from(fused.spikes.dataSync())).toEqual(Array.from(reference.spikes.dataSync()));
      expect(tf.sum(fused.spikes).dataSync()[0]).toBeGreaterThan(0); // spikes, hence the adaptation, take part
      for (const key of ['membrane', 'thresholds', 'finalMembrane', 'finalAdaptation'] as const) {
        expect({ key, diff: maxAbsDiff(fused[key] as Tensor, reference[key] as Tensor) < 1e-5 }).toEqual({ key, diff: true });
      }

      const names = ['current', 'v0', 'a0', 'beta', 'threshold', 'rho', 'adaptation'];
      const gFused = tf.grads((c: Tensor, v: Tensor, a: Tensor, beta: Tensor, threshold: Tensor, rho: Tensor, adaptation: Tensor) =>
        loss(alifScan(c, { beta, threshold, rho, adaptation }, { v, a }, opts)),
      )([current, v0, a0, p.beta, p.threshold, p.rho, p.adaptation]);
      const gRef = tf.grads((c: Tensor, v: Tensor, a: Tensor, beta: Tensor, threshold: Tensor, rho: Tensor, adaptation: Tensor) =>
        loss(unfused(c, T, { beta, threshold, rho, adaptation }, v, a, reset, detachReset, kind)),
      )([current, v0, a0, p.beta, p.threshold, p.rho, p.adaptation]);
      names.forEach((name, i) => {
        expect(gFused[i].shape).toEqual(gRef[i].shape);
        const scale = Math.max(1, tf.max(tf.abs(gRef[i])).dataSync()[0]);
        expect({ name, relativeDiff: maxAbsDiff(gFused[i], gRef[i]) / scale < 1e-5 }).toEqual({ name, relativeDiff: true });
      });
    });
  });

  it('detaching the reset changes the gradient, not the forward pass', () => {
    tf.tidy(() => {
      const current = randomTensor([6, B, N], 10, 0.8, 0.6);
      const p = { beta: 0.9, threshold: 0.8, rho: 0.9, adaptation: 0.2 };
      const f = (detachReset: boolean) => (c: Tensor) => tf.sum(alifScan(c, p, null, { detachReset, membrane: true }).membrane as Tensor);
      const [gAttached, gDetached] = [false, true].map((d) => tf.grad(f(d))(current));
      expect(maxAbsDiff(gAttached, gDetached)).toBeGreaterThan(1e-3);
    });
  });

  it('the native and JavaScript kernels agree bit for bit forward and to 1e-5 backward (float32 vs float64)', () => {
    const native = nativeAlifKernel();
    if (!native.kernel) throw new Error(`the native ALIF kernel did not load (${native.error}); run npm run build:native`);
    const s = new RandomStream(11, 'alif-kernels');
    const shape = { T: 20, M: 16 * 30, N: 30, inputPerStep: true };
    const current = s.fillUniform(new Float32Array(shape.T * shape.M), -0.5, 1.5);
    const v0 = s.fillUniform(new Float32Array(shape.M), -0.2, 0.2);
    const a0 = s.fillUniform(new Float32Array(shape.M), 0, 1);
    const p = { beta: s.fillUniform(new Float32Array(30), 0.7, 1), theta: new Float32Array([1]), rho: s.fillUniform(new Float32Array(30), 0.8, 1), b: new Float32Array([0.2]) };
    const TM = shape.T * shape.M;
    for (const reset of [0, 1, 2]) {
      const want = { membrane: true, thresholds: true };
      const a = native.kernel.forward(shape, current, v0, a0, p, reset, want);
      const b = jsAlifKernel.forward(shape, current, v0, a0, p, reset, want);
      for (const key of ['spikes', 'u', 'a', 'v', 'th', 'vT', 'aT'] as const) expect(a[key]).toEqual(b[key]);
      const grads = { gS: s.fillNormal(new Float32Array(TM)), gV: s.fillNormal(new Float32Array(TM)), gTh: s.fillNormal(new Float32Array(TM)), gVT: null, gAT: s.fillNormal(new Float32Array(shape.M)) };
      const bp = { ...p, reset, surrogate: 1, slope: 25, detachReset: reset === 1 };
      const saved = { v0, spikes: a.spikes, u: a.u, a: a.a };
      const ga = native.kernel.backward(shape, bp, saved, grads);
      const gb = jsAlifKernel.backward(shape, bp, saved, grads);
      const close = (x: ArrayLike<number>, y: ArrayLike<number>) => {
        let worst = 0;
        for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i])));
        return worst;
      };
      for (const key of ['gI', 'gV0', 'gA0', 'gBeta', 'gTheta', 'gRho', 'gB'] as const) {
        expect({ reset, key, close: close(ga[key], gb[key]) < 1e-5 }).toEqual({ reset, key, close: true });
      }
    }
  });

  it('uses the native kernel when it is built', () => {
    expect(alifKernel().name).toBe(process.env.CRISTAL_SPIKING_KERNEL === 'js' ? 'js' : 'native');
  });

  it('leaks no tensors over repeated forward and backward passes', () => {
    const current = randomTensor([4, B, N], 12, 1, 0.5);
    const w = tf.variable(tf.ones([N, N]));
    const threshold = tf.variable(tf.scalar(1));
    assertNoTensorLeak(() => {
      const { grads, value } = tf.variableGrads(() => {
        const out = alifScan(tf.matMul(current.reshape([-1, N]), w).reshape([4, B, N]), { beta: 0.9, threshold, rho: 0.95, adaptation: 0.1 });
        return tf.sum(tf.add(out.spikes, tf.sum(out.finalAdaptation)));
      });
      tf.dispose([value, ...Object.values(grads)]);
    }, { iterations: 10, label: 'alifScan forward + backward' });
    tf.dispose([current, w, threshold]);
  });

  it('rejects inputs of the wrong shape', () => {
    const p = { beta: 0.9, threshold: 1, rho: 0.9, adaptation: 0.1 };
    tf.tidy(() => {
      expect(() => alifScan(tf.zeros([2, 3]), p)).toThrow('steps must be a positive integer');
      expect(() => alifScan(tf.zeros([2, 3]), { ...p, rho: tf.zeros([4]) }, null, { steps: 2 })).toThrow('rho must be a scalar or a vector of 3');
      expect(() => alifScan(tf.zeros([2]), p)).toThrow('current must be [T, B, N] or [B, N]');
      expect(() => alifScan(tf.zeros([4, 2, 3]), p, { a: tf.zeros([2, 2]) })).toThrow('initial.a must be [2, 3]');
    });
  });
});
