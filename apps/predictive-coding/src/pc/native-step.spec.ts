import { tf, oneHot, RandomStreams, type Tensor2D } from '@cristal/tensor';
import { pcArchitecture, REFERENCE_ARCHITECTURE, type PcActivation } from './architecture';
import { detectAutodiff } from './autodiff-guard';
import { disposeRelaxation, relax } from './inference';
import { fusedStepUnsupported, fusedTrainingStep, pcKernelInfo, resolvePcKernel, usesFusedStep } from './native-step';
import { disposePcParams, initPcParams, paramTensors, type PcParams } from './params';
import { resolvePcOptions, type PcOptions, type PcOptionsInput, type PcOutput } from './pc-options';
import { pcTrainingStep } from './pc-step';
import { PcTrainer } from './pc-trainer';
import { flatten, flattenTensors, randomRefCase, refLocalGradients, refRelax, relativeDifference, t2, toParams, type RefOptions } from './pc.test-helpers';

// The fused native training step (native/pc_training_step.cc) against two independent
// implementations: the float64 oracle written from the equations (pc.test-helpers.ts) and the
// TensorFlow-ops path (relax + localGradients) on the reference workload.

function gradientsOf(params: PcParams, arch: ReturnType<typeof pcArchitecture>, x: Tensor2D, y: Tensor2D, pc: PcOptionsInput | PcOptions, kernel: 'native' | 'tf'): number[] {
  const { gradients } = pcTrainingStep(params, arch, x, y, resolvePcOptions(arch, pc as PcOptionsInput), { kernel });
  const values = flattenTensors(gradients);
  tf.dispose(paramTensors(gradients));
  return values;
}

describe('fused native PC training step', () => {
  const cases: [string, number[], PcActivation, PcOutput, number, number[], number][] = [
    // name, sizes, activation, output, momentum, precisions, T
    ['tanh, squared error', [7, 6, 5, 3], 'tanh', 'squared-error', 0, [1, 1, 1], 12],
    ['tanh, categorical, precisions', [7, 6, 5, 3], 'tanh', 'categorical', 0, [1, 0.5, 2], 12],
    ['sigmoid, momentum', [7, 6, 5, 4, 3], 'sigmoid', 'squared-error', 0.6, [0.8, 1.2, 1, 1.5], 15],
    ['relu, categorical, momentum', [7, 9, 6, 3], 'relu', 'categorical', 0.4, [1, 1, 0.7], 10],
    ['linear', [7, 5, 3], 'linear', 'squared-error', 0, [1, 2], 8],
    ['no hidden layer (L = 1)', [7, 3], 'tanh', 'categorical', 0, [1.5], 5],
    ['T = 0: the gradients at the feedforward sweep', [7, 6, 3], 'tanh', 'squared-error', 0, [1, 1], 0],
  ];

  it.each(cases)('equals the float64 oracle: %s', (_name, sizes, activation, output, momentum, precisions, T) => {
    const { net, x0, y } = randomRefCase(sizes, activation, 9, 17, 1.5);
    const o: RefOptions = { T, eta: 0.1, momentum, precisions, predictions: 'recomputed', nudge: null, output };
    const relaxed = refRelax(net, x0, y, o);
    const expected = flatten(refLocalGradients(net, relaxed, o));
    const arch = pcArchitecture(sizes, activation);
    const params = toParams(net);
    const [x, yt] = [t2(x0), t2(y)];
    const options = resolvePcOptions(arch, { inferenceSteps: T, stepSize: 0.1, momentum, precisions, output });
    const { gradients, hiddenNodes } = fusedTrainingStep(params, arch, x, yt, options, true);
    const got = flattenTensors(gradients);
    const rel = relativeDifference(got, expected);
    expect(rel).toBeLessThan(2e-6);
    // the relaxed hidden nodes themselves, not only what they imply
    hiddenNodes?.forEach((nodes, i) => expect(relativeDifference(Array.from(nodes), relaxed.x[i + 1].flat())).toBeLessThan(1e-6));
    expect(hiddenNodes).toHaveLength(sizes.length - 2);
    tf.dispose([x, yt, ...paramTensors(gradients), ...paramTensors(params)]);
  });

  it('saturated tanh (pre-activations beyond 8, the clamped range of the rational tanh): as close to the float64 oracle as the TensorFlow ops are (within 2x, below 1e-5)', () => {
    const { net, x0, y } = randomRefCase([7, 6, 5, 3], 'tanh', 9, 5, 12);
    const o: RefOptions = { T: 6, eta: 0.05, precisions: [1, 1, 1], predictions: 'recomputed', nudge: null };
    const relaxed = refRelax(net, x0, y, o);
    expect(Math.max(...relaxed.x[1].flat().map(Math.abs))).toBeGreaterThan(8);
    const arch = pcArchitecture([7, 6, 5, 3], 'tanh');
    const params = toParams(net);
    const [x, yt] = [t2(x0), t2(y)];
    const options = resolvePcOptions(arch, { inferenceSteps: 6, stepSize: 0.05 });
    const expected = flatten(refLocalGradients(net, relaxed, o));
    const { gradients } = fusedTrainingStep(params, arch, x, yt, options);
    const fused = relativeDifference(flattenTensors(gradients), expected);
    const tfOps = relativeDifference(gradientsOf(params, arch, x, yt, options, 'tf'), expected);
    console.log(`saturated tanh: relative difference to the float64 oracle, fused ${fused.toExponential(2)}, TensorFlow ops ${tfOps.toExponential(2)}`);
    // 1 - f(x)^2 of a saturated unit cancels in float32 on either path, hence the looser bound
    expect(fused).toBeLessThan(Math.min(1e-5, 2 * tfOps));
    tf.dispose([x, yt, ...paramTensors(gradients), ...paramTensors(params)]);
  });

  describe('on the reference workload (784-256-256-10 tanh, batch 64, T = 20) against the TensorFlow-ops path', () => {
    const rng = new RandomStreams(3);
    const x = rng.data.uniformTensor([64, 784]) as Tensor2D;
    const labels = tf.tensor1d(Array.from({ length: 64 }, () => rng.data.int(10)), 'int32');
    const y = oneHot(labels, 10) as Tensor2D;
    labels.dispose();
    const params = initPcParams(REFERENCE_ARCHITECTURE, 0);
    afterAll(() => {
      tf.dispose([x, y]);
      disposePcParams(params);
    });

    it.each<[string, PcOptionsInput]>([
      ['torch_pc.py settings', {}],
      ['categorical output, step 0.05, momentum 0.3, precisions', { output: 'categorical', stepSize: 0.05, momentum: 0.3, precisions: [1, 0.8, 1.2] }],
    ])('%s: gradients agree to float rounding (relative 2e-6)', (_name, pc) => {
      const tfOps = gradientsOf(params, REFERENCE_ARCHITECTURE, x, y, pc, 'tf');
      const fused = gradientsOf(params, REFERENCE_ARCHITECTURE, x, y, pc, 'native');
      expect(relativeDifference(fused, tfOps)).toBeLessThan(2e-6);
    });

    it('the relaxed hidden nodes agree with relax', () => {
      const options = resolvePcOptions(REFERENCE_ARCHITECTURE, {});
      const relaxation = relax(params, REFERENCE_ARCHITECTURE, x, y, options);
      const { gradients, hiddenNodes } = fusedTrainingStep(params, REFERENCE_ARCHITECTURE, x, y, options, true);
      hiddenNodes?.forEach((nodes, i) => expect(relativeDifference(Array.from(nodes), Array.from(relaxation.valueNodes[i + 1].dataSync()))).toBeLessThan(1e-6));
      disposeRelaxation(relaxation);
      tf.dispose(paramTensors(gradients));
    });

    it('is deterministic, and the same bits whatever the number of threads', () => {
      const options = resolvePcOptions(REFERENCE_ARCHITECTURE, { output: 'categorical' });
      const runs = [1, 2, 3, 2].map((threads) => {
        const { gradients } = fusedTrainingStep(params, REFERENCE_ARCHITECTURE, x, y, options, false, threads);
        const values = flattenTensors(gradients);
        tf.dispose(paramTensors(gradients));
        return values;
      });
      runs.slice(1).forEach((r) => expect(r).toEqual(runs[0]));
    });

    it('uses no automatic differentiation', () => {
      const options = resolvePcOptions(REFERENCE_ARCHITECTURE, {});
      const { use, result } = detectAutodiff(() => pcTrainingStep(params, REFERENCE_ARCHITECTURE, x, y, options, { kernel: 'native' }));
      expect(use).toEqual({ tapesStarted: 0, tapeNodes: 0, customGradients: 0 });
      tf.dispose(paramTensors(result.gradients));
    });
  });

  it('PcTrainer on either kernel trains the same weights (Adam, 6 steps, relative 1e-5), and the native one keeps numTensors flat', () => {
    const arch = pcArchitecture([20, 16, 12, 4], 'tanh');
    const rng = new RandomStreams(8);
    const x = rng.data.uniformTensor([32, 20]) as Tensor2D;
    const labels = tf.tensor1d(Array.from({ length: 32 }, () => rng.data.int(4)), 'int32');
    const y = oneHot(labels, 4) as Tensor2D;
    labels.dispose();
    const make = (kernel: 'native' | 'tf') => new PcTrainer({ architecture: arch, seed: 2, pc: { output: 'categorical', momentum: 0.2 }, optimizer: { kind: 'adam', learningRate: 0.01 }, kernel });
    const [fused, tfOps] = [make('native'), make('tf')];
    expect(fused.kernelInfo().kernel).toBe('native');
    expect(tfOps.kernelInfo()).toMatchObject({ kernel: 'tf' });
    fused.step(x, y);
    tfOps.step(x, y);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      fused.step(x, y);
      tfOps.step(x, y);
    }
    expect(tf.memory().numTensors).toBe(before);
    const flat = (t: PcTrainer) => {
      const s = t.snapshot();
      return [...s.weights.flatMap((w) => Array.from(w)), ...s.biases.flatMap((b) => Array.from(b))];
    };
    const initial = new PcTrainer({ architecture: arch, seed: 2 });
    const moved = relativeDifference(flat(fused), flat(initial));
    expect(moved).toBeGreaterThan(1e-3); // it trained
    expect(relativeDifference(flat(fused), flat(tfOps))).toBeLessThan(1e-5);
    [fused, tfOps, initial].forEach((t) => t.dispose());
    tf.dispose([x, y]);
  });

  describe('choosing the kernel', () => {
    const arch = pcArchitecture([5, 4, 3], 'tanh');

    it('auto takes the fused step for standard PC and the TensorFlow ops for what it does not implement, saying why', () => {
      expect(usesFusedStep(resolvePcOptions(arch, { output: 'categorical', momentum: 0.5 }), false, 'auto')).toBe(true);
      const unsupported: [PcOptionsInput, RegExp][] = [
        [{ predictions: 'fixed' }, /fixed prediction/],
        [{ target: { kind: 'nudged', precision: 0.1 } }, /nudged/],
        [{ incremental: true }, /incremental/],
      ];
      for (const [pc, why] of unsupported) {
        const options = resolvePcOptions(arch, pc);
        expect(usesFusedStep(options, false, 'auto')).toBe(false);
        expect(fusedStepUnsupported(options, false)).toMatch(why);
        expect(pcKernelInfo(options, 'auto')).toMatchObject({ kernel: 'tf', reason: expect.stringMatching(why) });
        expect(() => usesFusedStep(options, false, 'native')).toThrow(/native PC kernel was requested but cannot run/);
      }
      expect(usesFusedStep(resolvePcOptions(arch, {}), true, 'auto')).toBe(false); // energy recorded step by step
    });

    it('without the built addon, auto falls back to TensorFlow ops with one process warning and native says how to build it', () => {
      const addonFile = require('node:path').resolve(__dirname, '../../native/build/Release/cristal_pc.node') as string;
      jest.isolateModules(() => {
        jest.doMock(addonFile, () => {
          throw new Error('Cannot find module cristal_pc.node');
        });
        const fresh = require('./native-step') as typeof import('./native-step');
        const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
        const options = resolvePcOptions(arch, {});
        expect(fresh.usesFusedStep(options, false, 'auto')).toBe(false);
        expect(fresh.usesFusedStep(options, false, 'auto')).toBe(false);
        expect(warn).toHaveBeenCalledTimes(1);
        expect(String(warn.mock.calls[0][0])).toMatch(/not built .*npm run build:native/);
        expect(() => fresh.usesFusedStep(options, false, 'native')).toThrow(/the addon is not built .*npm run build:native/);
        warn.mockRestore();
      });
      jest.dontMock(addonFile);
    });

    it('rejects an unknown kernel, naming the choices', () => {
      expect(() => resolvePcKernel('gpu' as never)).toThrow(/'auto' \(default\), 'native' or 'tf'/);
      expect(() => new PcTrainer({ architecture: arch, seed: 0, kernel: 'fast' as never })).toThrow(/unknown/);
    });

    it('the addon refuses buffers of the wrong size instead of reading past them', () => {
      const params = initPcParams(arch, 0);
      const x = tf.zeros([2, 5]) as Tensor2D;
      const y = tf.zeros([3, 3]) as Tensor2D; // batch mismatch, caught by the addon's own checks
      expect(() => fusedTrainingStep(params, arch, x, y, resolvePcOptions(arch, {}))).toThrow(/cristal_pc: target has 9 elements, expected 6/);
      tf.dispose([x, y]);
      disposePcParams(params);
    });
  });
});
