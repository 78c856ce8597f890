import { tf, assertNoTensorLeak, type Tensor2D } from '@cristal/tensor';
import { pcArchitecture, weightLayerCount } from './architecture';
import { disposePcParams, paramTensors, type PcParams } from './params';
import { resolvePcOptions } from './pc-options';
import { pcIncrementalStep, pcTrainingStep, sgdRule } from './pc-step';
import { flatten, flattenTensors, maxDifferences, randomRefCase, refIncrementalStep, refLocalGradients, refRelax, refTorchStep, relativeDifference, t2, toParams, type RefNet } from './pc.test-helpers';

function applySgd(params: PcParams, gradients: PcParams, lr: number): PcParams {
  return sgdRule(lr)(params, gradients, 0);
}

const flatNet = (net: RefNet) => [...net.W.flatMap((w) => w.flat()), ...net.b.flat()];

describe('pcTrainingStep', () => {
  it('reproduces torch_pc.py on the reference workload 784-256-256-10 (one step, batch 16, T = 20, gamma 0.1): gradients against the float64 transcription', () => {
    const sizes = [784, 256, 256, 10];
    const architecture = pcArchitecture(sizes, 'tanh');
    const { net, x0, y } = randomRefCase(sizes, 'tanh', 16, 5);
    const o = { T: 20, eta: 0.1, precisions: [1, 1, 1], predictions: 'recomputed' as const, nudge: null };
    const ref = flatten(refLocalGradients(net, refRelax(net, x0, y, o), o));
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const { gradients } = pcTrainingStep(params, architecture, x, target, resolvePcOptions(architecture));
    const ours = flattenTensors(gradients);
    const d = maxDifferences(ours, ref);
    const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const norm = relativeDifference(ours, ref);
    console.log(
      `torch_pc.py workload, one step: local gradients vs float64 max abs ${d.abs.toExponential(2)} (largest gradient ${scale.toExponential(2)}), ` +
        `relative norm ${norm.toExponential(2)}, max rel ${d.rel.toExponential(2)}`,
    );
    // float32 differences x - mu of O(1) numbers: small absolute errors, largest relative ones on the smallest entries
    expect(d.abs).toBeLessThan(1e-5 * scale);
    expect(norm).toBeLessThan(1e-5);
    tf.dispose([...paramTensors(gradients), x, target]);
    disposePcParams(params);
  });

  it('three SGD training steps match the float64 transcription of torch_pc.py (20-16-16-10, lr 0.05)', () => {
    const sizes = [20, 16, 16, 10];
    const architecture = pcArchitecture(sizes, 'tanh');
    const { net, x0, y } = randomRefCase(sizes, 'tanh', 8, 9);
    let ref = net;
    for (let i = 0; i < 3; i++) ref = refTorchStep(ref, x0, y, 20, 0.1, 0.05);
    const [x, target] = [t2(x0), t2(y)];
    const options = resolvePcOptions(architecture);
    let params = toParams(net);
    for (let i = 0; i < 3; i++) {
      const { gradients } = pcTrainingStep(params, architecture, x, target, options);
      const next = applySgd(params, gradients, 0.05);
      tf.dispose(paramTensors(gradients));
      disposePcParams(params);
      params = next;
    }
    const d = maxDifferences(flattenTensors(params), flatNet(ref));
    const moved = maxDifferences(flatNet(ref), flatNet(net)).abs;
    console.log(`torch_pc.py, 3 SGD steps: weights vs float64 max abs ${d.abs.toExponential(2)} (the steps moved them by up to ${moved.toExponential(2)})`);
    expect(d.abs).toBeLessThan(1e-6);
    expect(moved).toBeGreaterThan(1e-3);
    tf.dispose([x, target]);
    disposePcParams(params);
  });

  it('is a pure function: the same inputs give bit-identical gradients', () => {
    const architecture = pcArchitecture([5, 4, 3, 2], 'tanh');
    const { net, x0, y } = randomRefCase([5, 4, 3, 2], 'tanh', 4, 2);
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const options = resolvePcOptions(architecture, { momentum: 0.3 });
    const a = pcTrainingStep(params, architecture, x, target, options).gradients;
    const b = pcTrainingStep(params, architecture, x, target, options).gradients;
    expect(flattenTensors(a)).toEqual(flattenTensors(b));
    tf.dispose([...paramTensors(a), ...paramTensors(b), x, target]);
    disposePcParams(params);
  });

  it('refuses incremental options and points to pcIncrementalStep', () => {
    const architecture = pcArchitecture([3, 2], 'tanh');
    const x = tf.zeros([1, 3]) as Tensor2D;
    const y = tf.zeros([1, 2]) as Tensor2D;
    const params = toParams(randomRefCase([3, 2], 'tanh', 1, 1).net);
    expect(() => pcTrainingStep(params, architecture, x, y, resolvePcOptions(architecture, { incremental: true }))).toThrow(/call pcIncrementalStep/);
    expect(() => pcIncrementalStep(params, architecture, x, y, resolvePcOptions(architecture), sgdRule(0.1))).toThrow(/set incremental: true/);
    tf.dispose([x, y]);
    disposePcParams(params);
  });
});

describe('pcIncrementalStep (incremental PC)', () => {
  const sizes = [6, 5, 4, 3];
  const architecture = pcArchitecture(sizes, 'tanh');
  const { net, x0, y } = randomRefCase(sizes, 'tanh', 5, 4, 2);

  it('matches the float64 transcription: nodes and weights step together from the same errors', () => {
    const o = { T: 10, eta: 0.1, precisions: [1, 1, 1], predictions: 'recomputed' as const, nudge: null };
    const ref = refIncrementalStep(net, x0, y, o, 0.2);
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const result = pcIncrementalStep(params, architecture, x, target, resolvePcOptions(architecture, { incremental: true, inferenceSteps: 10 }), sgdRule(0.2));
    const d = maxDifferences(flattenTensors(result.params), flatNet(ref));
    console.log(`incremental PC, T = 10, SGD lr 0.2: weights vs float64 max abs ${d.abs.toExponential(2)}`);
    expect(d.abs).toBeLessThan(1e-6);
    // it did learn during inference: the weights moved
    expect(maxDifferences(flatNet(ref), flatNet(net)).abs).toBeGreaterThan(1e-2);
    tf.dispose([x, target]);
    disposePcParams(result.params);
    disposePcParams(params);
  });

  it('with T = 1 it is one SGD step on the local gradients at the feedforward state (the T = 0 standard step)', () => {
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const incremental = pcIncrementalStep(params, architecture, x, target, resolvePcOptions(architecture, { incremental: true, inferenceSteps: 1 }), sgdRule(0.2));
    // the same TensorFlow arithmetic on both sides (the fused native step has its own parity tests)
    const { gradients } = pcTrainingStep(params, architecture, x, target, resolvePcOptions(architecture, { inferenceSteps: 0 }), { kernel: 'tf' });
    const standard = applySgd(params, gradients, 0.2);
    expect(maxDifferences(flattenTensors(incremental.params), flattenTensors(standard)).abs).toBeLessThan(1e-7);
    tf.dispose([...paramTensors(gradients), x, target]);
    [incremental.params, standard, params].forEach(disposePcParams);
  });

  it('keeps numTensors flat (intermediate weights are freed; the caller owns the returned ones)', () => {
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const options = resolvePcOptions(architecture, { incremental: true, inferenceSteps: 6, momentum: 0.2 });
    assertNoTensorLeak(
      (i) => {
        const r = pcIncrementalStep(params, architecture, x, target, options, sgdRule(0.1), { recordEnergy: i % 2 === 0 });
        expect(r.params.weights).toHaveLength(weightLayerCount(architecture));
        disposePcParams(r.params);
      },
      { label: 'pcIncrementalStep' },
    );
    tf.dispose([x, target]);
    disposePcParams(params);
  });
});
