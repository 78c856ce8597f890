import { tf, RandomStream, assertNoTensorLeak, type Tensor } from '@cristal/tensor';
import { surrogate } from '../surrogate/surrogates';
import { nativeAddon, type ResetMode } from './lif-kernel';
import { jsLifLinearKernel, nativeLifLinearKernel } from './lif-linear-kernel';
import { lifLinear } from './lif-linear';
import { lifScan } from './lif-scan';

const B = 3;
const N = 6;
const K = 4;

function randomTensor(shape: number[], seed: number, scale = 1, offset = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(new RandomStream(seed, 'lif-linear-spec').fillUniform(new Float32Array(n), offset - scale, offset + scale), shape);
}

function maxRelDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1, tf.max(tf.abs(b)).dataSync()[0]));
}

/** max over i of |a_i - b_i| / max(1, |b_i|). */
function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

describe('fused LIF + projection equals matMul(lifScan(...).spikes, W)', () => {
  const cases: [ResetMode, boolean, number][] = [];
  for (const reset of ['subtract', 'zero', 'none'] as ResetMode[]) for (const detach of [false, true]) for (const T of [1, 8]) cases.push([reset, detach, T]);

  it.each(cases)('reset %s, detached %s, T = %i', (reset, detachReset, T) => {
    tf.tidy(() => {
      const perStep = T > 1;
      const current = perStep ? randomTensor([T, B, N], 1, 0.8, 0.5) : randomTensor([B, N], 2, 0.6, 0.5);
      const v0 = randomTensor([B, N], 3, 0.3);
      const W = randomTensor([N, K], 4);
      const beta = tf.tensor1d([0.95, 0.9, 0.8, 0.99, 0.7, 0.85]);
      const theta = tf.scalar(0.9);
      const wOut = randomTensor([T, B, K], 5);
      const wT = randomTensor([B, N], 6);
      const opts = { steps: T, reset, detachReset, surrogate: surrogate('arctan') };
      const fused = (c: Tensor, v: Tensor, b: Tensor, th: Tensor, w: Tensor) => {
        const r = lifLinear(c, w, b, th, v, opts);
        return { out: r.output, vT: r.finalMembrane, counts: r.spikeCounts };
      };
      const reference = (c: Tensor, v: Tensor, b: Tensor, th: Tensor, w: Tensor) => {
        const r = lifScan(c, b, th, v, opts);
        const out = tf.reshape(tf.matMul(tf.reshape(r.spikes, [T * B, N]), w), [T, B, K]);
        return { out, vT: r.finalMembrane, counts: tf.sum(r.spikes, [1, 2]) };
      };
      const a = fused(current, v0, beta, theta, W);
      const r = reference(current, v0, beta, theta, W);
      expect(maxRelDiff(a.out, r.out)).toBeLessThan(1e-5);
      expect(maxRelDiff(a.vT, r.vT)).toBeLessThan(1e-6);
      expect(Array.from(a.counts.dataSync())).toEqual(Array.from(r.counts.dataSync()));
      const loss = (o: { out: Tensor; vT: Tensor }) => tf.add(tf.sum(tf.mul(o.out, wOut)), tf.sum(tf.mul(o.vT, wT)));
      const gA = tf.grads((c: Tensor, v: Tensor, b: Tensor, th: Tensor, w: Tensor) => loss(fused(c, v, b, th, w)))([current, v0, beta, theta, W]);
      const gR = tf.grads((c: Tensor, v: Tensor, b: Tensor, th: Tensor, w: Tensor) => loss(reference(c, v, b, th, w)))([current, v0, beta, theta, W]);
      ['current', 'v0', 'beta', 'threshold', 'weight'].forEach((name, i) => expect({ name, diff: maxRelDiff(gA[i], gR[i]) < 1e-5 }).toEqual({ name, diff: true }));
    });
  });

  it('native and JavaScript kernels agree', () => {
    const native = nativeLifLinearKernel();
    if (!native) throw new Error('the native addon is not built; run npm run build:native');
    const s = new RandomStream(9, 'kernels');
    const sh = { T: 12, B: 16, N: 40, K: 7, inputPerStep: true };
    const current = s.fillUniform(new Float32Array(sh.T * sh.B * sh.N), -0.5, 1.5);
    const v0 = s.fillUniform(new Float32Array(sh.B * sh.N), -0.2, 0.2);
    const W = s.fillNormal(new Float32Array(sh.N * sh.K));
    const beta = s.fillUniform(new Float32Array(sh.N), 0.7, 1);
    const theta = new Float32Array([1]);
    for (const reset of [0, 1, 2]) {
      const a = native.forward(sh, current, v0, beta, theta, reset, W);
      const b = jsLifLinearKernel.forward(sh, current, v0, beta, theta, reset, W);
      expect(a.vT).toEqual(b.vT);
      expect(a.out).toEqual(b.out); // the same additions in the same order
      expect(a.spikeCount).toEqual(b.spikeCount);
      const gOut = s.fillNormal(new Float32Array(sh.T * sh.B * sh.K));
      const p = { beta, theta, reset, surrogate: 0, slope: 2, detachReset: false };
      const ga = native.backward(sh, p, { current, v0, W }, gOut, null);
      const gb = jsLifLinearKernel.backward(sh, p, { current, v0, W }, gOut, null);
      expect(worstRelative(ga.gI, gb.gI)).toBeLessThan(1e-5);
      expect(worstRelative(ga.gW, gb.gW)).toBeLessThan(1e-5);
      expect(worstRelative(ga.gV0 as Float32Array, gb.gV0 as Float32Array)).toBeLessThan(1e-5);
      expect(worstRelative(ga.gBeta, gb.gBeta)).toBeLessThan(1e-5);
      expect(worstRelative(ga.gTheta, gb.gTheta)).toBeLessThan(1e-5);
    }
  });

  it('native and JavaScript kernels agree with an output bias, a constant input and no parameter gradients', () => {
    const native = nativeLifLinearKernel();
    if (!native) throw new Error('the native addon is not built; run npm run build:native');
    const s = new RandomStream(10, 'kernels');
    // 37 rows: uneven row ranges across the threads; K = 10 and 21: one and two padded vectors per W row
    for (const K of [10, 21]) {
      const sh = { T: 9, B: 37, N: 53, K, inputPerStep: false };
      const current = s.fillUniform(new Float32Array(sh.B * sh.N), 0, 0.8);
      const v0 = s.fillUniform(new Float32Array(sh.B * sh.N), -0.2, 0.2);
      const W = s.fillNormal(new Float32Array(sh.N * sh.K));
      const bias = s.fillNormal(new Float32Array(sh.K));
      const beta = new Float32Array([0.9]);
      const theta = new Float32Array([1]);
      const a = native.forward(sh, current, v0, beta, theta, 0, W, bias);
      const b = jsLifLinearKernel.forward(sh, current, v0, beta, theta, 0, W, bias);
      expect(a.vT).toEqual(b.vT);
      expect(a.out).toEqual(b.out);
      expect(a.spikeCount.reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
      const gOut = s.fillNormal(new Float32Array(sh.T * sh.B * sh.K));
      const gVT = s.fillNormal(new Float32Array(sh.B * sh.N));
      for (const detachReset of [false, true]) {
        const p = { beta, theta, reset: 0, surrogate: 1, slope: 25, detachReset, paramGrads: false };
        const ga = native.backward(sh, p, { current, v0, W }, gOut, gVT, { gI: new Float32Array(sh.B * sh.N).fill(NaN), gV0: null, inputBias: true });
        const gb = jsLifLinearKernel.backward(sh, { ...p, paramGrads: true }, { current, v0, W }, gOut, gVT, { inputBias: true });
        expect(ga.gV0).toBeNull();
        expect(Array.from(ga.gBeta)).toEqual([0]);
        // the bias gradient is dL/dI summed over the rows
        const sums = new Float64Array(sh.N);
        for (let i = 0; i < ga.gI.length; i++) sums[i % sh.N] += ga.gI[i];
        expect(worstRelative(ga.gInputBias as Float64Array, sums)).toBeLessThan(1e-12);
        expect(worstRelative(ga.gInputBias as Float64Array, gb.gInputBias as Float64Array)).toBeLessThan(1e-5);
        expect(worstRelative(ga.gI, gb.gI)).toBeLessThan(1e-5);
        expect(worstRelative(ga.gW, gb.gW)).toBeLessThan(1e-5);
        // with parameter gradients the native kernel takes its other path: the same dL/dI
        const gc = native.backward(sh, { ...p, paramGrads: true }, { current, v0, W }, gOut, gVT);
        expect(gc.gI).toEqual(ga.gI);
        expect(Math.abs(gc.gBeta[0] - gb.gBeta[0])).toBeLessThan(1e-5 * Math.max(1, Math.abs(gb.gBeta[0])));
      }
    }
  });

  it('native kernels give the same floats whatever the thread count', () => {
    const addon = nativeAddon() as unknown as { lifLinearForward(...args: unknown[]): void; lifLinearBackward(...args: unknown[]): void } | null;
    if (!addon) throw new Error('the native addon is not built; run npm run build:native');
    const s = new RandomStream(11, 'kernels');
    const [T, B, N, K] = [7, 29, 45, 10];
    const current = s.fillUniform(new Float32Array(B * N), 0, 0.9);
    const W = s.fillNormal(new Float32Array(N * K));
    const gOut = s.fillNormal(new Float32Array(T * B * K));
    const beta = new Float32Array([0.9]);
    const theta = new Float32Array([1]);
    const run = (threads: number) => {
      const r = { out: new Float32Array(T * B * K), vT: new Float32Array(B * N), counts: new Float64Array(T), gI: new Float32Array(B * N), gW: new Float64Array(N * K), gBeta: new Float64Array(1), gTheta: new Float64Array(1) };
      addon.lifLinearForward(T, B, N, K, false, current, null, beta, theta, 0, W, null, r.out, r.vT, r.counts, threads);
      addon.lifLinearBackward(T, B, N, K, false, beta, theta, 0, 1, 25, false, null, W, current, gOut, null, r.gI, null, r.gW, r.gBeta, r.gTheta, null, threads);
      return r;
    };
    expect(run(3)).toEqual(run(1));
  });

  it('leaks no tensors over forward and backward passes', () => {
    const current = randomTensor([B, N], 10, 1, 0.5);
    const W = tf.variable(randomTensor([N, K], 11));
    assertNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(() => {
        const r = lifLinear(current, W, 0.9, 1, null, { steps: 5 });
        tf.dispose([r.finalMembrane, r.spikeCounts]);
        return tf.sum(r.output);
      });
      tf.dispose([value, ...Object.values(grads)]);
    }, { iterations: 10, label: 'lifLinear forward + backward' });
    tf.dispose([current, W]);
  });
});
