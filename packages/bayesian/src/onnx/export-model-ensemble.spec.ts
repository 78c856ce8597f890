import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, assertNoTensorLeak, RandomStreams, type Tensor } from '@cristal/tensor';
import { OnnxClassifier, checkClassifierSignature, decodeModel, readModelMetadata, verifyParity, type ParityReport } from '@cristal/onnx';
import { Activation } from '../layers/activation';
import { Dense } from '../layers/dense';
import { Sequential } from '../models/sequential';
import { TEST_METADATA, present, testMlp } from './bayesian-onnx.test-helpers';
import { memberStreams } from './ensemble-streams';
import { exportModelEnsemble, exportModelEnsembleToFile } from './export-model-ensemble';
import type { ExportPosterior } from './export-options';
import { lowerBayesianNetwork } from './lowered-network';
import { disposePointNetworks, type PointNetwork } from './network-steps';
import { averageThroughLayers, bayesianLenet, dropoutMlp, membersMeanPass, pointMlp } from './network-onnx.test-helpers';
import { samplePointNetworks } from './sample-networks';

const ROWS = 200;

function expectParity(label: string, report: ParityReport): void {
  console.log(`[bayesian onnx parity] ${label}: max abs diff ${report.maxAbsDiff.toExponential(2)}, max rel diff ${report.maxRelDiff.toExponential(2)}`);
  expect(report.tfjs).toEqual({ shape: [ROWS, 10], dtype: 'float32' });
  expect(report.onnx).toEqual(report.tfjs);
  expect(report.violations).toBe(0);
  expect(report.pass).toBe(true);
}

/** The S samples of member m as exportModelEnsemble draws them (streams sampling/member-m, dropout/member-m). */
function memberSamples(members: readonly Sequential[], samples: number, seed: number): [Sequential, PointNetwork][] {
  return members.flatMap((model, m) => samplePointNetworks(lowerBayesianNetwork(model), samples, memberStreams(seed, m)).map((n) => [model, n] as [Sequential, PointNetwork]));
}

describe('exportModelEnsemble', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-ensemble-onnx-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inputs = new RandomStreams(8).data.uniformTensor([ROWS, 784]);
  afterAll(() => inputs.dispose());

  it('a deep ensemble of 3 deterministic MLPs: the mean over members of softmax(f_m(x) / T), against each member\'s own forward pass', async () => {
    const members = [pointMlp(1), pointMlp(2), pointMlp(3)];
    for (const temperature of [1, 1.7]) {
      const file = path.join(dir, `mlps-${temperature}.onnx`);
      exportModelEnsembleToFile(file, members, { posterior: { kind: 'mean' }, metadata: TEST_METADATA, temperature });
      expectParity(`deep ensemble of 3 MLPs, T = ${temperature}`, await verifyParity((x) => membersMeanPass(members, x, temperature), file, inputs));
    }
    // the members differ, so the average is not any one of them
    const n = 16;
    const x = tf.tensor2d(inputs.dataSync().slice(0, n * 784) as Float32Array, [n, 784]);
    const onnx = await (async () => {
      const c = await OnnxClassifier.load(path.join(dir, 'mlps-1.onnx'));
      try {
        return await c.predict(x.dataSync() as Float32Array, n);
      } finally {
        await c.dispose();
      }
    })();
    for (const member of members) {
      const single = tf.tidy(() => membersMeanPass([member], x).dataSync());
      expect(onnx.reduce((m, v, i) => Math.max(m, Math.abs(v - single[i])), 0)).toBeGreaterThan(0.02);
    }
    x.dispose();
    for (const m of members) m.dispose();
  });

  it('a deep ensemble of 2 Bayesian LeNets at their posterior means: grouped convolutions over the members', async () => {
    const members = [bayesianLenet(1), bayesianLenet(2)];
    const file = path.join(dir, 'lenets.onnx');
    exportModelEnsembleToFile(file, members, { posterior: { kind: 'mean' }, metadata: TEST_METADATA });
    expectParity('deep ensemble of 2 LeNets, means', await verifyParity((x) => membersMeanPass(members, x), file, inputs, { classifier: { batchSize: 64 } }));
    const graph = present(decodeModel(fs.readFileSync(file)).graph, 'graph');
    expect(graph.initializer.filter((t) => /kernel|weight/.test(t.name)).map((t) => `${t.name} [${t.dims.join(', ')}]`)).toEqual([
      'conv1/kernel [8, 1, 5, 5]', 'conv2/kernel [16, 4, 5, 5]', 'layer1/weight [2, 128, 16]', 'layer2/weight [2, 16, 10]',
    ]);
    for (const m of members) m.dispose();
  });

  it('each member sampled S = 3 times (2 variational MLPs, 2 MC-dropout MLPs): the mean over all 6 networks, members drawing from their own streams', async () => {
    for (const [label, members] of [
      ['variational MLPs (Flipout, local reparam)', [testMlp('flipout', 1), testMlp('local-reparam', 2)]],
      ['MC-dropout MLPs', [dropoutMlp(1), dropoutMlp(2)]],
    ] as const) {
      const file = path.join(dir, 'sampled.onnx');
      exportModelEnsembleToFile(file, members, { posterior: { kind: 'ensemble', samples: 3, seed: 40 }, metadata: TEST_METADATA, temperature: 0.8 });
      const pairs = memberSamples(members, 3, 40);
      expectParity(`2 ${label} x 3 samples, T = 0.8`, await verifyParity((x) => averageThroughLayers(pairs, x, 0.8), file, inputs));
      disposePointNetworks(pairs.map(([, n]) => n));
      for (const m of members) m.dispose();
    }
    // twins (the same posterior twice) still get different samples: member streams never coincide
    const twins = [testMlp('reparam', 3), testMlp('reparam', 3)];
    const pairs = memberSamples(twins, 1, 5);
    const diff = tf.tidy(() => {
      const [a, b] = pairs.map(([, n]) => (n.steps[0] as { weight: Tensor }).weight);
      return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    });
    expect(diff).toBeGreaterThan(0.05);
    disposePointNetworks(pairs.map(([, n]) => n));
    for (const m of twins) m.dispose();
  });

  it('gives byte-identical files for the same members and seed, other bytes for another seed, and records the members in the metadata', () => {
    const members = [dropoutMlp(1), dropoutMlp(2)];
    const again = [dropoutMlp(1), dropoutMlp(2)];
    const bytes = (ms: Sequential[], posterior: ExportPosterior) => Buffer.from(exportModelEnsemble(ms, { posterior, metadata: TEST_METADATA }));
    const sampled = { kind: 'ensemble', samples: 2, seed: 6 } as const;
    const first = bytes(members, sampled);
    expect(bytes(again, sampled).equals(first)).toBe(true);
    expect(bytes(members, { ...sampled, seed: 7 }).equals(first)).toBe(false);
    expect(bytes(members, { kind: 'mean' }).equals(bytes(again, { kind: 'mean' }))).toBe(true);
    expect(checkClassifierSignature(first)).toEqual({ ok: true, problems: [], extraOutputs: [] });
    expect(readModelMetadata(decodeModel(first)).props).toMatchObject({ posterior: 'ensemble', ensemble_members: '2', ensemble_samples: '2', ensemble_seed: '6', estimator: 'none', mc_dropout: 'masks', temperature: '1' });
    // a variational member beside a point one of the same shapes
    const mixed = [testMlp('flipout', 1), pointMlpOfSizes([784, 64, 32, 10])];
    expect(readModelMetadata(decodeModel(exportModelEnsemble(mixed, { posterior: { kind: 'mean' }, metadata: TEST_METADATA }))).props).toMatchObject({ posterior: 'mean', ensemble_members: '2', estimator: 'flipout' });
    for (const m of [...members, ...again, ...mixed]) m.dispose();
  });

  it('refuses members that cannot be stacked, naming the first difference, and other bad input', () => {
    const a = pointMlp(1);
    const wider = pointMlpOfSizes([784, 48, 10]);
    const lenet = bayesianLenet();
    const tanh = new Sequential([new Dense({ inputSize: 784, units: 32, rng: new RandomStreams(4).init }), new Activation('tanh'), new Dense({ inputSize: 32, units: 10, rng: new RandomStreams(4).init })]);
    const opts = { posterior: { kind: 'mean' }, metadata: TEST_METADATA } as const;
    expect(() => exportModelEnsemble([a, wider], opts)).toThrow(
      "exportModelEnsemble: member 1 does not have member 0's architecture; at export step 1 member 0 has a dense layer [784, 32] with bias (layer 0 'dense' (Dense)) and member 1 has a dense layer [784, 48] with bias (layer 0 'dense' (Dense)). Every member needs the same layers, shapes, activations and dropout rates.",
    );
    expect(() => exportModelEnsemble([a, tanh], opts)).toThrow("at export step 2 member 0 has activation relu (layer 1 'relu' (Activation)) and member 1 has activation tanh (layer 1 'tanh' (Activation))");
    expect(() => exportModelEnsemble([a, lenet], opts)).toThrow("at export step 1 member 0 has a dense layer [784, 32] with bias (layer 0 'dense' (Dense)) and member 1 has ToImage to 28 x 28 x 1 (layer 0 'to_image' (ToImage))");
    const shorter = new Sequential([new Dense({ inputSize: 784, units: 32, rng: new RandomStreams(5).init }), new Activation('relu'), new Dense({ inputSize: 32, units: 10, rng: new RandomStreams(5).init }), new Activation('sigmoid')]);
    expect(() => exportModelEnsemble([a, shorter], opts)).toThrow('at export step 4 member 0 has nothing (its network has ended) and member 1 has activation sigmoid');
    expect(() => exportModelEnsemble([], opts)).toThrow('exportModelEnsemble: members must be a non-empty array of Sequential models, got an empty array.');
    expect(() => exportModelEnsemble([a, a], opts)).toThrow('exportModelEnsemble: member 1 is the same model object as member 0; a deep ensemble needs independently trained members.');
    expect(() => exportModelEnsemble([a, {} as Sequential], opts)).toThrow('exportModelEnsemble: member 1 is not a Sequential model');
    expect(() => exportModelEnsemble([a, pointMlp(2)], { ...opts, temperature: -2 })).toThrow('exportModelEnsemble: temperature must be a finite number > 0');
    expect(() => exportModelEnsemble([a, pointMlp(3)], { posterior: { kind: 'ensemble', samples: 2, seed: 1 }, metadata: TEST_METADATA })).toThrow(
      "ensemble: member 0 has no variational layers and no McDropout layers, so every sample would be the same network; export it with posterior { kind: 'mean' }.",
    );
    for (const m of [a, wider, lenet, tanh, shorter]) m.dispose();
  });

  it('leaves no tensors behind', () => {
    const members = [bayesianLenet(1), bayesianLenet(2)];
    for (const posterior of [{ kind: 'mean' }, { kind: 'ensemble', samples: 2, seed: 3 }] as const) {
      assertNoTensorLeak(() => exportModelEnsemble(members, { posterior, metadata: TEST_METADATA }), { iterations: 2, label: `exportModelEnsemble ${posterior.kind}` });
    }
    for (const m of members) m.dispose();
  });
});

/** A deterministic ReLU MLP of the given sizes (784-32-10 is pointMlp's architecture). */
function pointMlpOfSizes(sizes: number[], seed = 9): Sequential {
  const rng = new RandomStreams(seed).init;
  const layers = sizes.slice(1).flatMap((units, i) => {
    const dense = new Dense({ inputSize: sizes[i], units, rng });
    return i < sizes.length - 2 ? [dense, new Activation('relu')] : [dense];
  });
  return new Sequential(layers);
}
