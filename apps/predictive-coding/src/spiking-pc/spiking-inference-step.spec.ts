import { RandomStream, tf, type Tensor, type Tensor2D } from '@cristal/tensor';
import { disposePcParams, disposeRelaxation, initPcParams, localGradients, paramTensors, pcArchitecture, relax, resolvePcOptions, type PcParams } from '../pc';
import { resolveSpikingPcOptions, type SpikingPcOptionsInput } from './spiking-pc-options';
import { disposeSpikingRun, runSpikingInference, spikingPcLearningStep } from './spiking-pc-run';
import { eligibilityTotals, type Eligibility } from './local-learning';
import { tidy } from './tidy';
import { maxAbsDiff, randomRefNet, randomRows, refSpikingRun, type Mat } from './spiking-pc.test-helpers';

const architecture = pcArchitecture([5, 4, 3, 2], 'tanh');
const noiseFree: SpikingPcOptionsInput = { channel: 'expected', dt: 1, tauSyn: 1, rMax: 1e6, learningRate: 0 };

/** 5-4-3-2 tanh with the core's initialisation x2 (as the PC core's equivalence tests: tanh is then nonlinear). */
function doubledParams(seed: number): PcParams {
  const p = initPcParams(architecture, seed);
  const doubled = { weights: p.weights.map((w) => tf.mul(w, 2) as Tensor2D), biases: p.biases.map((b) => tf.add(b, 0.1)) } as PcParams;
  disposePcParams(p);
  return doubled;
}

function maxRelDiff(a: Float32Array | number[], b: Float32Array | number[]): number {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-3 * scale));
  return worst;
}

describe('the noise-free limit of spiking PC is the PC core', () => {
  let params: PcParams;
  let x: Tensor2D;
  let y: Tensor2D;
  beforeAll(() => {
    params = doubledParams(3);
    x = new RandomStream(4, 'x').normalTensor([8, 5]) as Tensor2D;
    y = new RandomStream(4, 'y').normalTensor([8, 2]) as Tensor2D;
  });
  afterAll(() => {
    disposePcParams(params);
    tf.dispose([x, y]);
  });

  it('expected channel, tau_s = dt: K spiking steps give the value nodes of relax with T = K, bit for bit (pi = 1)', () => {
    for (const K of [1, 7]) {
      const run = runSpikingInference(params, architecture, x, y, resolveSpikingPcOptions(architecture, { ...noiseFree, timeSteps: K, stepSize: 0.1 }), null);
      const core = relax(params, architecture, x, y, resolvePcOptions(architecture, { inferenceSteps: K, stepSize: 0.1 }));
      run.state.nodes.forEach((n, l) => expect(Array.from(n.dataSync())).toEqual(Array.from(core.valueNodes[l].dataSync())));
      // and the hidden nodes did move (the comparison is not between two copies of the sweep): the
      // output error reaches x_2 at the first step, x_1 from the second on
      const moved = [1, 2].map((l) => maxRelDiff(run.state.nodes[l].dataSync() as Float32Array, core.feedforward[l].dataSync() as Float32Array));
      expect(moved[1]).toBeGreaterThan(1e-3);
      if (K > 1) expect(moved[0]).toBeGreaterThan(1e-3);
      disposeSpikingRun(run);
      disposeRelaxation(core);
    }
  });

  it('with precisions pi = [2, 0.5, 1.5] it agrees to float32 rounding (the precision multiplies in another order)', () => {
    const precisions = [2, 0.5, 1.5];
    const run = runSpikingInference(params, architecture, x, y, resolveSpikingPcOptions(architecture, { ...noiseFree, timeSteps: 10, stepSize: 0.1, precisions }), null);
    const core = relax(params, architecture, x, y, resolvePcOptions(architecture, { inferenceSteps: 10, stepSize: 0.1, precisions }));
    const worst = Math.max(...run.state.nodes.map((n, l) => maxRelDiff(n.dataSync() as Float32Array, core.valueNodes[l].dataSync() as Float32Array)));
    console.log(`[spiking-pc] noise-free limit vs relax, pi = [2, 0.5, 1.5], T = 10: max rel diff ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-6);
    disposeSpikingRun(run);
    disposeRelaxation(core);
  });

  it("the weight rule's increment is -lr x the mean over the K steps of the core's local gradient (localGradients at relax with T = t)", () => {
    const K = 6;
    const lr = 0.5;
    const precisions = [1, 0.5, 2];
    const run = runSpikingInference(params, architecture, x, y, resolveSpikingPcOptions(architecture, { ...noiseFree, timeSteps: K, learningRate: lr, precisions }), null);
    // the increment (lr / (K B)) E from the eligibilities (not learned - initial, which loses digits
    // to float32 rounding of W), against -(lr / K) sum_t dF̄/dθ at relax(T = t)
    const { got, want } = tidy(() => {
      const sums = paramTensors(params).map((p) => tf.zerosLike(p) as Tensor);
      for (let t = 0; t < K; t++) {
        const options = resolvePcOptions(architecture, { inferenceSteps: t, stepSize: 0.1, precisions });
        const relaxation = relax(params, architecture, x, y, options);
        paramTensors(localGradients(params, architecture, relaxation, options)).forEach((g, i) => (sums[i] = tf.add(sums[i], g)));
      }
      const totals = eligibilityTotals(run.state.eligibility as Eligibility, x);
      return {
        got: [...totals.weights, ...totals.biases].map((e) => tf.mul(e, lr / (K * x.shape[0])).dataSync() as Float32Array),
        want: sums.map((g) => tf.mul(g, -lr / K).dataSync() as Float32Array),
      };
    });
    disposeSpikingRun(run);
    const worst = Math.max(...got.map((g, i) => maxRelDiff(g, want[i])));
    console.log(`[spiking-pc] noise-free weight increment vs -lr mean_t localGradients: max rel diff ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
    // and spikingPcLearningStep applies exactly that increment
    const { params: next } = spikingPcLearningStep(params, architecture, x, y, resolveSpikingPcOptions(architecture, { ...noiseFree, timeSteps: K, learningRate: lr, precisions }), null);
    const applied = tidy(() => paramTensors(next).map((p, i) => Math.max(...Array.from(tf.abs(tf.sub(tf.sub(p, paramTensors(params)[i]), tf.tensor(want[i], p.shape))).dataSync()))));
    expect(Math.max(...applied)).toBeLessThan(1e-7);
    disposePcParams(next);
  });
});

describe('the spiking dynamics against an independent float64 transcription (noise-free channel)', () => {
  it('tau_s = 3 dt, clipping r_max, precisions, tanh and sigmoid: value nodes, traces and learned weights agree', () => {
    for (const activation of ['tanh', 'sigmoid'] as const) {
      const sizes = [4, 5, 3, 3];
      const arch = pcArchitecture(sizes, activation);
      const { net, params } = randomRefNet(sizes, activation, 9, 2);
      const x0 = randomRows(6, 4, 10);
      const y = randomRows(6, 3, 11);
      const o = { K: 12, eta: 0.15, precisions: [1.5, 0.7, 1.2], rMax: [0.4, 0.3, 0.5], gain: 1 / 3, lr: 0.3 };
      const ref = refSpikingRun(net, x0, y, o);
      const options = resolveSpikingPcOptions(arch, { channel: 'expected', timeSteps: o.K, stepSize: o.eta, precisions: o.precisions, rMax: o.rMax, dt: 1, tauSyn: 3, learningRate: o.lr });
      const x = tf.tensor2d(x0) as Tensor2D;
      const target = tf.tensor2d(y) as Tensor2D;
      const run = runSpikingInference(params, arch, x, target, options, null);
      const nodeDiff = Math.max(...run.state.nodes.map((n, l) => maxAbsDiff(n.arraySync() as Mat, ref.nodes[l])));
      const traceDiff = Math.max(...run.state.traces.map((s, l) => maxAbsDiff(s.arraySync() as Mat, ref.traces[l])));
      // some units saturate: the clipping matters in this case
      const clipped = run.state.clipCounts.reduce((sum, c) => sum + tf.tidy(() => tf.sum(c).dataSync()[0]), 0);
      expect(clipped).toBeGreaterThan(0);
      disposeSpikingRun(run);
      const { params: learned } = spikingPcLearningStep(params, arch, x, target, options, null);
      const weightDiff = Math.max(...learned.weights.map((w, l) => maxAbsDiff(w.arraySync() as Mat, ref.W[l])), ...learned.biases.map((b, l) => maxAbsDiff([b.arraySync() as number[]], [ref.b[l]])));
      console.log(`[spiking-pc] ${activation} vs float64: nodes ${nodeDiff.toExponential(2)}, traces ${traceDiff.toExponential(2)}, learned parameters ${weightDiff.toExponential(2)} (max abs), ${clipped} saturated unit-steps`);
      expect(nodeDiff).toBeLessThan(1e-5);
      expect(traceDiff).toBeLessThan(1e-5);
      expect(weightDiff).toBeLessThan(1e-5);
      disposePcParams(learned);
      disposePcParams(params);
      tf.dispose([x, target]);
    }
  });
});

describe('spiking inference input checks', () => {
  it('needs a stream for the stochastic channel and well-shaped batches', () => {
    const params = initPcParams(architecture, 0);
    const x = tf.zeros([2, 5]) as Tensor2D;
    const y = tf.zeros([2, 2]) as Tensor2D;
    const stochastic = resolveSpikingPcOptions(architecture, {});
    expect(() => runSpikingInference(params, architecture, x, y, stochastic, null)).toThrow(/draws its spikes from a RandomStream/);
    const narrow = tf.zeros([2, 4]) as Tensor2D;
    const tall = tf.zeros([3, 2]) as Tensor2D;
    expect(() => runSpikingInference(params, architecture, narrow, y, stochastic, new RandomStream(0, 's'))).toThrow(/input must be float32 \[batch, 5\]/);
    expect(() => runSpikingInference(params, architecture, x, tall, stochastic, new RandomStream(0, 's'))).toThrow(/target must be float32 \[2, 2\]/);
    disposePcParams(params);
    tf.dispose([x, y, narrow, tall]);
  });
});
