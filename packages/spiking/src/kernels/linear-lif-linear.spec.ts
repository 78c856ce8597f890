import { tf, RandomStream, assertNoTensorLeak, type Scalar, type Tensor } from '@cristal/tensor';
import { lifParameters, lifStep } from '../neurons/lif';
import { surrogate, type SurrogateKind } from '../surrogate/surrogates';
import type { ResetMode } from './lif-kernel';
import { linearLifLinear } from './linear-lif-linear';

const B = 3;
const D = 7;
const N = 6;
const K = 4;

function randomTensor(shape: number[], seed: number, scale = 1, offset = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(new RandomStream(seed, 'linear-lif-linear-spec').fillUniform(new Float32Array(n), offset - scale, offset + scale), shape);
}

interface Params {
  x: Tensor;
  w1: Tensor;
  b1: Tensor;
  w2: Tensor;
  b2: Tensor;
  v0: Tensor;
  beta: Tensor;
  theta: Tensor;
}

/** The unfused TF.js composition: tf.matMul into T applications of lifStep, then tf.matMul out. */
function reference(p: Params, T: number, reset: ResetMode, detachReset: boolean, kind: SurrogateKind) {
  const params = lifParameters({ beta: p.beta, threshold: p.theta, reset, detachReset, surrogate: surrogate(kind) });
  const perStep = p.x.rank === 3;
  const current = perStep ? tf.reshape(tf.add(tf.matMul(tf.reshape(p.x, [T * B, D]), p.w1), p.b1), [T, B, N]) : tf.add(tf.matMul(p.x, p.w1), p.b1);
  let state = { v: p.v0 };
  const outs: Tensor[] = [];
  const counts: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const input = perStep ? tf.squeeze(tf.slice(current, [t, 0, 0], [1, B, N]), [0]) : current;
    const step = lifStep(input, state, params);
    outs.push(tf.add(tf.matMul(step.spikes, p.w2), p.b2));
    counts.push(tf.sum(step.spikes));
    state = step.state;
  }
  return { output: tf.stack(outs), finalMembrane: state.v, spikeCounts: tf.stack(counts) };
}

function fused(p: Params, T: number, reset: ResetMode, detachReset: boolean, kind: SurrogateKind) {
  return linearLifLinear(p.x, { inputWeight: p.w1, inputBias: p.b1, outputWeight: p.w2, outputBias: p.b2 }, p.beta, p.theta, p.v0, {
    steps: T,
    reset,
    detachReset,
    surrogate: surrogate(kind),
  });
}

/** max |a - b| and that divided by max(1, max |b|). */
function diffs(a: Tensor, b: Tensor): { abs: number; rel: number } {
  return tf.tidy(() => {
    const abs = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    return { abs, rel: abs / Math.max(1, tf.max(tf.abs(b)).dataSync()[0]) };
  });
}

const worst = { outputRel: 0, gradientRel: 0, gradientAbs: 0 };

describe('linearLifLinear equals matMul, a lifStep loop and matMul (the unfused TF.js composition)', () => {
  const cases: [ResetMode, boolean, number, boolean, SurrogateKind][] = [];
  for (const reset of ['subtract', 'zero', 'none'] as ResetMode[]) {
    for (const detachReset of [false, true]) {
      cases.push([reset, detachReset, 1, false, 'fastSigmoid'], [reset, detachReset, 8, false, 'fastSigmoid'], [reset, detachReset, 8, true, 'arctan']);
    }
  }

  afterAll(() => {
    console.log(`linearLifLinear vs unfused composition, worst over ${cases.length} cases: output rel ${worst.outputRel.toExponential(2)}, gradient abs ${worst.gradientAbs.toExponential(2)} rel ${worst.gradientRel.toExponential(2)}`);
  });

  it.each(cases)('reset %s, detached %s, T = %i, input per step %s, %s surrogate', (reset, detachReset, T, perStep, kind) => {
    tf.tidy(() => {
      const p: Params = {
        x: perStep ? randomTensor([T, B, D], 1, 0.5, 0.5) : randomTensor([B, D], 2, 0.5, 0.5),
        w1: randomTensor([D, N], 3, 0.6),
        b1: randomTensor([N], 4, 0.2, 0.5),
        w2: randomTensor([N, K], 5),
        b2: randomTensor([K], 6),
        v0: randomTensor([B, N], 7, 0.3),
        beta: tf.tensor1d([0.95, 0.9, 0.8, 0.99, 0.7, 0.85]), // per neuron, learnable
        theta: tf.scalar(0.9),
      };
      const a = fused(p, T, reset, detachReset, kind);
      const r = reference(p, T, reset, detachReset, kind);
      expect(Array.from(a.spikeCounts.dataSync())).toEqual(Array.from(r.spikeCounts.dataSync()));
      expect(Array.from(r.spikeCounts.dataSync()).some((c) => c > 0)).toBe(true); // the case exercises spikes
      for (const [name, d] of [['output', diffs(a.output, r.output)], ['final membrane', diffs(a.finalMembrane, r.finalMembrane)]] as const) {
        worst.outputRel = Math.max(worst.outputRel, d.rel);
        expect({ name, rel: d.rel < 1e-5 }).toEqual({ name, rel: true });
      }
      // A loss that weights every output differently, so every gradient path is exercised.
      const wOut = randomTensor([T, B, K], 8);
      const wT = randomTensor([B, N], 9);
      const loss = (o: { output: Tensor; finalMembrane: Tensor }) => tf.add(tf.sum(tf.mul(o.output, wOut)), tf.sum(tf.mul(o.finalMembrane, wT)));
      const names = ['x', 'w1', 'b1', 'w2', 'b2', 'v0', 'beta', 'theta'] as const;
      const asParams = (ts: Tensor[]) => Object.fromEntries(names.map((n, i) => [n, ts[i]])) as unknown as Params;
      const values = names.map((n) => p[n]);
      const gA = tf.grads((...ts: Tensor[]) => loss(fused(asParams(ts), T, reset, detachReset, kind)))(values);
      const gR = tf.grads((...ts: Tensor[]) => loss(reference(asParams(ts), T, reset, detachReset, kind)))(values);
      names.forEach((name, i) => {
        expect(gA[i].shape).toEqual(gR[i].shape);
        const d = diffs(gA[i], gR[i]);
        worst.gradientAbs = Math.max(worst.gradientAbs, d.abs);
        worst.gradientRel = Math.max(worst.gradientRel, d.rel);
        expect({ name, rel: d.rel < 1e-5 }).toEqual({ name, rel: true });
      });
    });
  });

  it('integrates a constant current exactly: spikes, output and the output-side gradients by hand', () => {
    tf.tidy(() => {
      // beta = 1, I = 0.375 (exact in binary), threshold 1, reset by subtraction:
      // u = .375 .75 1.125* .5 .875 1.25* .625 1 1.375* .75 -> spikes at t = 2, 5, 8 (u = 1 is not above 1)
      const x = tf.tensor2d([[1]]);
      const w1 = tf.tensor2d([[0.375]]);
      const w2 = tf.tensor2d([[2, -1]]);
      const b2 = tf.tensor1d([0.5, 0.25]);
      const run = (wOut: Tensor, bOut: Tensor) => linearLifLinear(x, { inputWeight: w1, outputWeight: wOut, outputBias: bOut }, 1, 1, null, { steps: 10 });
      const r = run(w2, b2);
      const spikesAt = [2, 5, 8];
      const expected = Array.from({ length: 10 }, (_, t) => (spikesAt.includes(t) ? [2.5, -0.75] : [0.5, 0.25])).flat();
      expect(Array.from(r.output.dataSync())).toEqual(expected);
      expect(Array.from(r.spikeCounts.dataSync())).toEqual(Array.from({ length: 10 }, (_, t) => (spikesAt.includes(t) ? 1 : 0)));
      expect(r.finalMembrane.dataSync()[0]).toBe(0.75);
      // d sum(out) / dW_out = number of spikes, d sum(out) / db_out = T
      const [gW, gB] = tf.grads((w: Tensor, b: Tensor) => tf.sum(run(w, b).output))([w2, b2]);
      expect(Array.from(gW.dataSync())).toEqual([3, 3]);
      expect(Array.from(gB.dataSync())).toEqual([10, 10]);
    });
  });

  it('without biases equals the same layer with zero biases', () => {
    tf.tidy(() => {
      const x = randomTensor([B, D], 10, 0.5, 0.5);
      const w1 = randomTensor([D, N], 11, 0.6);
      const w2 = randomTensor([N, K], 12);
      const none = linearLifLinear(x, { inputWeight: w1, outputWeight: w2 }, 0.9, 0.5, null, { steps: 6 });
      const zeros = linearLifLinear(x, { inputWeight: w1, inputBias: tf.zeros([N]), outputWeight: w2, outputBias: tf.zeros([K]) }, 0.9, 0.5, null, { steps: 6 });
      expect(Array.from(none.output.dataSync())).toEqual(Array.from(zeros.output.dataSync()));
      expect(Array.from(none.spikeCounts.dataSync()).reduce((s, c) => s + c, 0)).toBeGreaterThan(0);
    });
  });

  it('keeps the gradients of an earlier step intact while their tensors are alive (pooled buffers)', () => {
    const x = randomTensor([B, D], 13, 0.5, 0.5);
    const w1 = tf.variable(randomTensor([D, N], 14, 0.6));
    const w2 = tf.variable(randomTensor([N, K], 15));
    const lossOf = (scale: number) => () => tf.mul(tf.sum(linearLifLinear(x, { inputWeight: w1, outputWeight: w2 }, 0.9, 0.5, null, { steps: 5 }).output), scale) as Scalar;
    const first = tf.variableGrads(lossOf(1), [w1]);
    const kept = Array.from(first.grads[w1.name].dataSync());
    const second = tf.variableGrads(lossOf(2), [w1]);
    expect(Array.from(first.grads[w1.name].dataSync())).toEqual(kept);
    expect(kept.some((g) => g !== 0)).toBe(true);
    const doubled = second.grads[w1.name].dataSync();
    kept.forEach((g, i) => expect(doubled[i]).toBeCloseTo(2 * g, 5));
    tf.dispose([first.value, second.value, ...Object.values(first.grads), ...Object.values(second.grads), x, w1, w2]);
  });

  it('leaks no tensors over forward and backward passes', () => {
    const x = randomTensor([B, D], 16, 0.5, 0.5);
    const w1 = tf.variable(randomTensor([D, N], 17, 0.6));
    const b1 = tf.variable(tf.zeros([N]));
    const w2 = tf.variable(randomTensor([N, K], 18));
    const b2 = tf.variable(tf.zeros([K]));
    assertNoTensorLeak(
      () => {
        const { value, grads } = tf.variableGrads(() => {
          const r = linearLifLinear(x, { inputWeight: w1, inputBias: b1, outputWeight: w2, outputBias: b2 }, 0.9, 1, null, { steps: 5 });
          tf.dispose([r.finalMembrane, r.spikeCounts]);
          return tf.sum(r.output);
        });
        tf.dispose([value, ...Object.values(grads)]);
        tf.tidy(() => {
          linearLifLinear(x, { inputWeight: w1, outputWeight: w2 }, 0.9, 1, null, { steps: 5 }); // no tape
        });
      },
      { iterations: 10, label: 'linearLifLinear forward + backward' },
    );
    tf.dispose([x, w1, b1, w2, b2]);
  });

  it('says what is wrong with its inputs', () => {
    tf.tidy(() => {
      const x = tf.zeros([B, D]);
      const w1 = tf.zeros([D, N]);
      const w2 = tf.zeros([N, K]);
      expect(() => linearLifLinear(x, { inputWeight: w1, outputWeight: w2 }, 0.9, 1)).toThrow(/steps must be a positive integer/);
      expect(() => linearLifLinear(x, { inputWeight: tf.zeros([D + 1, N]), outputWeight: w2 }, 0.9, 1, null, { steps: 2 })).toThrow(/inputWeight must be \[7, N\]/);
      expect(() => linearLifLinear(x, { inputWeight: w1, outputWeight: tf.zeros([N + 1, K]) }, 0.9, 1, null, { steps: 2 })).toThrow(/outputWeight must be \[6, K\]/);
      expect(() => linearLifLinear(x, { inputWeight: w1, inputBias: tf.zeros([K]), outputWeight: w2 }, 0.9, 1, null, { steps: 2 })).toThrow(/inputBias must be \[6\]/);
      expect(() => linearLifLinear(x, { inputWeight: w1, outputWeight: w2 }, tf.zeros([N + 1]), 1, null, { steps: 2 })).toThrow(/beta must be a scalar or a vector of 6/);
      expect(() => linearLifLinear(x, { inputWeight: w1, outputWeight: w2 }, 0.9, 1, tf.zeros([B, N + 1]), { steps: 2 })).toThrow(/v0 must be \[3, 6\]/);
      expect(() => linearLifLinear(tf.zeros([D]), { inputWeight: w1, outputWeight: w2 }, 0.9, 1)).toThrow(/x must be \[T, B, D\] or \[B, D\]/);
    });
  });
});
