// The categorical output: logits mu_L, energy pi_L CE(y, softmax(mu_L)), output error y - softmax(mu_L).
// Checked on hand numbers, against the float64 oracle, and by the equivalence with backprop of the
// softmax cross-entropy (fixed predictions, step size 1, T = L - 1).
import { tf, assertNoTensorLeak, oneHot, RandomStreams, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { backpropGradients } from '../backprop/backprop-gradients';
import { pcArchitecture, weightLayerCount } from './architecture';
import { pcEnergy } from './energy';
import { outputProbabilities, predict } from './feedforward';
import { disposeRelaxation, relax } from './inference';
import { localGradients } from './local-updates';
import { disposePcParams, paramTensors, type PcParams } from './params';
import { resolvePcOptions, type PcOptionsInput } from './pc-options';
import { pcIncrementalStep, pcTrainingStep, sgdRule } from './pc-step';
import { PcTrainer } from './pc-trainer';
import {
  flatten,
  flattenTensors,
  maxDifferences,
  randomRefCase,
  refBackprop,
  refIncrementalStep,
  refLocalGradients,
  refRelax,
  relativeDifference,
  t2,
  toParams,
  type RefOptions,
} from './pc.test-helpers';

describe('categorical output on hand-made numbers', () => {
  // 2-2-2 linear: W_0 = I, b_0 = [0, 1], W_1 = I, b_1 = 0; x_0 = [1, 2], y = [1, 0].
  // x̄_1 = [1, 3], logits mu_2 = [1, 3], p = softmax = [1, e^2] / (1 + e^2), eps_2 = y - p = [q, -q], q = e^2 / (1 + e^2).
  const architecture = pcArchitecture([2, 2, 2], 'linear');
  const q = Math.exp(2) / (1 + Math.exp(2));
  let params: PcParams;
  let x0: Tensor2D;
  let y: Tensor2D;
  beforeAll(() => {
    params = { weights: [tf.tensor2d([[1, 0], [0, 1]]) as Tensor2D, tf.tensor2d([[1, 0], [0, 1]]) as Tensor2D], biases: [tf.tensor1d([0, 1]) as Tensor1D, tf.tensor1d([0, 0]) as Tensor1D] };
    x0 = tf.tensor2d([[1, 2]]);
    y = tf.tensor2d([[1, 0]]);
  });
  afterAll(() => tf.dispose([...paramTensors(params), x0, y]));

  it('one inference step moves x_1 by eta (y - softmax(mu_2)) W_1^T, and the energy is the cross-entropy -log p_y', () => {
    const options = resolvePcOptions(architecture, { output: 'categorical', stepSize: 0.1, inferenceSteps: 1 });
    const r = relax(params, architecture, x0, y, options, { recordEnergy: true });
    const x1 = r.valueNodes[1].arraySync() as number[][];
    expect(x1[0][0]).toBeCloseTo(1 + 0.1 * q, 6);
    expect(x1[0][1]).toBeCloseTo(3 - 0.1 * q, 6);
    const energies = r.energies as number[];
    expect(energies[0]).toBeCloseTo(Math.log(1 + Math.exp(2)), 5);
    // after the step: eps_1 = 0.1 [q, -q] (x_1 moved, mu_1 did not), logits x_1 W_1 = x_1
    const after = 0.5 * 2 * (0.1 * q) ** 2 + Math.log(1 + Math.exp(x1[0][1] - x1[0][0]));
    expect(energies[1]).toBeCloseTo(after, 5);
    // pcEnergy agrees with the energy recorded during inference
    const e = pcEnergy(params, architecture, { valueNodes: r.valueNodes, target: y }, options);
    expect(e.dataSync()[0]).toBeCloseTo(after, 5);
    e.dispose();
    disposeRelaxation(r);
  });

  it('the local update of W_1 is -(1/B) f(x_1)^T (y - softmax(mu_2)) (T = 0: at the feedforward state)', () => {
    const options = resolvePcOptions(architecture, { output: 'categorical', inferenceSteps: 0 });
    const { gradients } = pcTrainingStep(params, architecture, x0, y, options);
    const g1 = gradients.weights[1].arraySync() as number[][];
    // f(x_1)^T eps_2 = [1, 3]^T [q, -q]
    expect(g1[0][0]).toBeCloseTo(-q, 6);
    expect(g1[0][1]).toBeCloseTo(q, 6);
    expect(g1[1][0]).toBeCloseTo(-3 * q, 6);
    expect(g1[1][1]).toBeCloseTo(3 * q, 6);
    expect(Array.from(gradients.biases[1].dataSync())).toEqual([expect.closeTo(-q, 6), expect.closeTo(q, 6)]);
    // nothing reached layer 1 yet: eps_1 = 0
    expect(Array.from(gradients.weights[0].dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose(paramTensors(gradients));
  });

  it('test-time probabilities are softmax of the feedforward logits', () => {
    const p = outputProbabilities(params, architecture, x0).arraySync() as number[][];
    expect(p[0][0]).toBeCloseTo(1 - q, 6);
    expect(p[0][1]).toBeCloseTo(q, 6);
  });
});

describe('categorical output against the float64 oracle and backprop (5-4-3-3 tanh, batch 8)', () => {
  const sizes = [5, 4, 3, 3];
  const architecture = pcArchitecture(sizes, 'tanh');
  const L = sizes.length - 1;
  const { net, x0, y } = randomRefCase(sizes, 'tanh', 8, 17, 2);
  const ref = (o: Partial<RefOptions>): RefOptions => ({ T: 20, eta: 0.1, precisions: [1, 1, 1], predictions: 'recomputed', nudge: null, output: 'categorical', ...o });

  function pcGradients(input: PcOptionsInput): number[] {
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const { gradients } = pcTrainingStep(params, architecture, x, target, resolvePcOptions(architecture, { output: 'categorical', ...input }));
    const flat = flattenTensors(gradients);
    tf.dispose([...paramTensors(gradients), x, target]);
    disposePcParams(params);
    return flat;
  }

  const crossEntropy64 = flatten(refBackprop(net, x0, y, 'cross-entropy'));

  it('(a) fixed predictions, step size 1, T = L - 1: the local updates are the backprop gradients of the softmax cross-entropy', () => {
    const options = { predictions: 'fixed', stepSize: 1, inferenceSteps: L - 1 } as const;
    const pc = pcGradients(options);
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const twin = backpropGradients(params, architecture, x, target, 'cross-entropy');
    const tfBackprop = flattenTensors(twin.gradients);
    tf.dispose([...paramTensors(twin.gradients), x, target]);
    disposePcParams(params);
    const vsFloat64 = maxDifferences(pc, crossEntropy64);
    const vsTf = maxDifferences(pc, tfBackprop);
    const norm = relativeDifference(pc, crossEntropy64);
    console.log(
      `(a, categorical) fixed-prediction PC vs backprop of softmax CE: vs float64 max abs ${vsFloat64.abs.toExponential(2)} max rel ${vsFloat64.rel.toExponential(2)}; ` +
        `vs tf.grads max abs ${vsTf.abs.toExponential(2)} max rel ${vsTf.rel.toExponential(2)}; relative norm ${norm.toExponential(2)}`,
    );
    expect(norm).toBeLessThan(1e-6);
    expect(vsFloat64.rel).toBeLessThan(3e-5);
    expect(vsTf.rel).toBeLessThan(3e-5);
    // one step fewer: the error has not reached W_0
    expect(relativeDifference(pcGradients({ ...options, inferenceSteps: L - 2 }), crossEntropy64)).toBeGreaterThan(0.05);
    // and the squared-error output's updates are a different thing (they match the squared-error gradients instead)
    expect(relativeDifference(pcGradients({ ...options, output: 'squared-error' }), crossEntropy64)).toBeGreaterThan(0.1);
  });

  it('relax and the local gradients match the float64 oracle (recomputed predictions, T = 30; and fixed, T = 5)', () => {
    for (const [predictions, T] of [['recomputed', 30], ['fixed', 5]] as const) {
      const params = toParams(net);
      const [x, target] = [t2(x0), t2(y)];
      const options = resolvePcOptions(architecture, { output: 'categorical', predictions, inferenceSteps: T, stepSize: 0.1 });
      const r = relax(params, architecture, x, target, options, { recordEnergy: true });
      const oracle = refRelax(net, x0, y, ref({ T, predictions }));
      for (let l = 1; l < L; l++) {
        const d = maxDifferences((r.valueNodes[l].arraySync() as number[][]).flat(), oracle.x[l].flat());
        expect(d.abs).toBeLessThan(1e-5);
      }
      (r.energies as number[]).forEach((e, t) => expect(Math.abs(e - oracle.energies[t]) / oracle.energies[t]).toBeLessThan(1e-5));
      const g = localGradients(params, architecture, r, options);
      const [pc, ref64] = [flattenTensors(g), flatten(refLocalGradients(net, oracle, ref({ T, predictions })))];
      const dg = maxDifferences(pc, ref64);
      console.log(`categorical ${predictions}, T = ${T}: local gradients vs float64 max abs ${dg.abs.toExponential(2)}, max rel ${dg.rel.toExponential(2)}, relative norm ${relativeDifference(pc, ref64).toExponential(2)}`);
      // the errors are float32 differences of O(1) value nodes after T steps: ~1e-7 absolute
      expect(relativeDifference(pc, ref64)).toBeLessThan(1e-5);
      expect(dg.abs).toBeLessThan(1e-6);
      tf.dispose([...paramTensors(g), x, target]);
      disposeRelaxation(r);
      disposePcParams(params);
    }
  });

  it('(d) the energy (hidden squared errors + pi_L CE) decreases at every one of 60 inference steps', () => {
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const r = relax(params, architecture, x, target, resolvePcOptions(architecture, { output: 'categorical', inferenceSteps: 60, stepSize: 0.1 }), { recordEnergy: true });
    const e = r.energies as number[];
    console.log(`(d, categorical) energy ${e[0].toFixed(3)} -> ${e[e.length - 1].toFixed(3)} over 60 steps`);
    for (let t = 1; t < e.length; t++) expect(e[t]).toBeLessThan(e[t - 1]);
    disposeRelaxation(r);
    tf.dispose([x, target]);
    disposePcParams(params);
  });

  it('incremental PC with a categorical output matches its float64 transcription', () => {
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const options = resolvePcOptions(architecture, { output: 'categorical', incremental: true, inferenceSteps: 5, stepSize: 0.1 });
    const result = pcIncrementalStep(params, architecture, x, target, options, sgdRule(0.05));
    const expected = refIncrementalStep(net, x0, y, ref({ T: 5 }), 0.05);
    const d = maxDifferences(flattenTensors(result.params), flatten({ W: expected.W, b: expected.b }));
    expect(d.abs).toBeLessThan(1e-6);
    tf.dispose([...paramTensors(result.params), x, target]);
    disposePcParams(params);
  });
});

describe('PcTrainer with a categorical output', () => {
  function batch(seed: number, inputs: number, classes: number, size: number): { x: Tensor2D; y: Tensor2D } {
    const rng = new RandomStreams(seed);
    const x = rng.data.uniformTensor([size, inputs]) as Tensor2D;
    const labels = tf.tensor1d(Array.from({ length: size }, () => rng.data.int(classes)), 'int32');
    const y = oneHot(labels, classes) as Tensor2D;
    labels.dispose();
    return { x, y };
  }

  it('learns a fixed batch (the cross-entropy of its probabilities falls), its probabilities are softmax(predict), and it leaks nothing', () => {
    const architecture = pcArchitecture([12, 10, 4], 'tanh');
    const trainer = new PcTrainer({ architecture, seed: 5, pc: { output: 'categorical', inferenceSteps: 10 }, optimizer: { kind: 'adam', learningRate: 0.02 } });
    const { x, y } = batch(9, 12, 4, 24);
    const crossEntropy = () =>
      tf.tidy(() => {
        const p = trainer.predictProbabilities(x);
        return -tf.sum(tf.mul(y, tf.log(p))).dataSync()[0] / 24;
      });
    const before = crossEntropy();
    for (let i = 0; i < 40; i++) trainer.step(x, y);
    const after = crossEntropy();
    console.log(`PcTrainer categorical, 40 Adam steps on a fixed batch: cross-entropy ${before.toFixed(3)} -> ${after.toFixed(3)}`);
    expect(after).toBeLessThan(0.5 * before);
    tf.tidy(() => {
      const diff = tf.max(tf.abs(tf.sub(trainer.predictProbabilities(x), tf.softmax(predict(trainer.params, architecture, x))))).dataSync()[0];
      expect(diff).toBeLessThan(1e-7);
    });
    assertNoTensorLeak(() => trainer.step(x, y), { iterations: 5, label: 'PcTrainer.step (categorical)' });
    assertNoTensorLeak(() => trainer.step(x, y, true), { iterations: 3, label: 'PcTrainer.step (categorical, energies)' });
    const fixed = new PcTrainer({ architecture, seed: 5, pc: { output: 'categorical', predictions: 'fixed', inferenceSteps: weightLayerCount(architecture) - 1 } });
    assertNoTensorLeak(() => fixed.step(x, y, true), { iterations: 3, label: 'PcTrainer.step (categorical, fixed)' });
    tf.dispose([x, y]);
    trainer.dispose();
    fixed.dispose();
  });

  it('rejects a categorical output with a nudged target, and an unknown output, saying what to use', () => {
    const architecture = pcArchitecture([3, 2]);
    expect(() => resolvePcOptions(architecture, { output: 'categorical', target: { kind: 'nudged', precision: 0.1 } })).toThrow(/no output value node to nudge.*target: \{ kind: 'clamped' \}/);
    expect(() => resolvePcOptions(architecture, { output: 'softmax' as never })).toThrow(/output must be 'squared-error' or 'categorical'/);
    expect(resolvePcOptions(architecture).output).toBe('squared-error');
  });
});
