import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, softmax, assertNoTensorLeak, RandomStreams, type Tensor } from '@cristal/tensor';
import { OnnxClassifier, checkClassifierSignature, decodeModel, readModelMetadata, verifyParity, type ParityReport } from '@cristal/onnx';
import { McDropout } from '../layers/mc-dropout';
import { Sequential } from '../models/sequential';
import { TEST_METADATA, present, testMlp } from './bayesian-onnx.test-helpers';
import { exportBayesianMlp } from './export-bayesian-mlp';
import { exportBayesianNetwork, exportBayesianNetworkToFile } from './export-bayesian-network';
import type { ExportPosterior } from './export-options';
import { disposePointNetworks } from './network-steps';
import { averageThroughLayers, bayesianLenet, dropoutLenet, dropoutMlp, geometryLenet, pointMlp, reparamLenet } from './network-onnx.test-helpers';
import { posteriorMeanNetwork, sampleNetworkEnsemble } from './sample-networks';
import { posteriorMeanProbabilities } from './tfjs-reference';

const ROWS = 200;

function expectParity(label: string, report: ParityReport): void {
  console.log(`[bayesian onnx parity] ${label}: max abs diff ${report.maxAbsDiff.toExponential(2)}, max rel diff ${report.maxRelDiff.toExponential(2)}`);
  expect(report.tfjs).toEqual({ shape: [ROWS, 10], dtype: 'float32' });
  expect(report.onnx).toEqual(report.tfjs);
  expect(report.violations).toBe(0);
  expect(report.pass).toBe(true);
}

/** The reference of a sampled export: the same networks (weights and masks), each through the model's own layers. */
function sampledReference(model: Sequential, samples: number, seed: number, temperature = 1) {
  const networks = sampleNetworkEnsemble(model, samples, seed);
  return {
    predict: (x: Tensor) => averageThroughLayers(networks.map((n) => [model, n] as const), x, temperature),
    dispose: () => disposePointNetworks(networks),
  };
}

async function onnxProbabilities(file: string, pixels: Float32Array, n: number): Promise<Float32Array> {
  const classifier = await OnnxClassifier.load(file);
  try {
    return await classifier.predict(pixels, n);
  } finally {
    await classifier.dispose();
  }
}

const graphOf = (bytes: Uint8Array) => present(decodeModel(bytes).graph, 'graph');
const initializers = (bytes: Uint8Array) => graphOf(bytes).initializer.filter((t) => !/\/(axes|shape)$/.test(t.name)).map((t) => `${t.name} [${t.dims.join(', ')}]`);

describe('exportBayesianNetwork', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bayesian-network-onnx-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inputs = new RandomStreams(8).data.uniformTensor([ROWS, 784]);
  afterAll(() => inputs.dispose());

  it("LeNet posterior mean (conv reparam, conv Flipout, pools, local reparam, reparam): onnxruntime agrees with the model's own mean pass", async () => {
    const model = bayesianLenet();
    const file = path.join(dir, 'lenet-mean.onnx');
    exportBayesianNetworkToFile(file, model, { posterior: { kind: 'mean' }, metadata: TEST_METADATA });
    expectParity('LeNet posterior mean', await verifyParity((x) => posteriorMeanProbabilities(model, x), file, inputs, { classifier: { batchSize: 64 } }));
    model.dispose();
  });

  it('LeNet ensemble K = 4: onnxruntime agrees with the same weight samples run through the model\'s own layers; the samples matter', async () => {
    const model = bayesianLenet();
    const file = path.join(dir, 'lenet-ensemble.onnx');
    exportBayesianNetworkToFile(file, model, { posterior: { kind: 'ensemble', samples: 4, seed: 21 }, metadata: TEST_METADATA });
    const reference = sampledReference(model, 4, 21);
    expectParity('LeNet ensemble K=4', await verifyParity(reference.predict, file, inputs, { classifier: { batchSize: 64 } }));
    const n = 32;
    const pixels = inputs.dataSync().slice(0, n * 784) as Float32Array;
    const onnx = await onnxProbabilities(file, pixels, n);
    const mean = tf.tidy(() => posteriorMeanProbabilities(model, tf.tensor2d(pixels, [n, 784])).dataSync());
    const offMean = onnx.reduce((m, v, i) => Math.max(m, Math.abs(v - mean[i])), 0);
    console.log(`[bayesian onnx] LeNet ensemble K=4 vs posterior mean: max abs probability diff ${offMean.toFixed(3)}`);
    expect(offMean).toBeGreaterThan(0.02);
    reference.dispose();
    model.dispose();
  });

  it("reparameterised LeNet ensemble K = 3: onnxruntime agrees with the model's own 3 sampling passes on the ensemble stream", async () => {
    const model = reparamLenet();
    const file = path.join(dir, 'lenet-reparam.onnx');
    exportBayesianNetworkToFile(file, model, { posterior: { kind: 'ensemble', samples: 3, seed: 5 }, metadata: TEST_METADATA, opset: 17 });
    const ownPasses = (x: Tensor) => {
      const rng = new RandomStreams(5).sampling;
      return tf.mean(tf.stack([0, 1, 2].map(() => softmax(model.call(x, rng, { mode: 'sample', kl: false }).output))), 0);
    };
    expectParity('reparam LeNet ensemble K=3 vs sampling passes (opset 17)', await verifyParity(ownPasses, file, inputs, { classifier: { batchSize: 64 } }));
    model.dispose();
  });

  it.each([
    ['mean', { kind: 'mean' }],
    ['ensemble K=3', { kind: 'ensemble', samples: 3, seed: 2 }],
  ] as const)("every convolution path (point conv on the shared input, sampled group-1 and grouped convs, a point conv repeated over members, 'same' padding, strides, image dropout), %s", async (label, posterior: ExportPosterior) => {
    const model = geometryLenet();
    const file = path.join(dir, 'geometry.onnx');
    exportBayesianNetworkToFile(file, model, { posterior, metadata: TEST_METADATA });
    const reference = posterior.kind === 'mean' ? { predict: (x: Tensor) => posteriorMeanProbabilities(model, x), dispose: () => undefined } : sampledReference(model, posterior.samples, posterior.seed);
    expectParity(`geometry LeNet, ${label}`, await verifyParity(reference.predict, file, inputs, { classifier: { batchSize: 64 } }));
    reference.dispose();
    model.dispose();
  });

  it.each([
    ['MLP 784-32-16-10 with two dropouts in a row', dropoutMlp, 6],
    ['LeNet with dropout on the pooled images and after the hidden layer', dropoutLenet, 5],
  ] as const)('MC dropout as an ensemble, %s: K seeded masks, onnxruntime agrees with the masks applied to the activations in TF.js', async (label, make, K) => {
    const model = make();
    const file = path.join(dir, 'mc-dropout.onnx');
    const posterior = { kind: 'ensemble', samples: K, seed: 77 } as const;
    exportBayesianNetworkToFile(file, model, { posterior, metadata: TEST_METADATA });
    const reference = sampledReference(model, K, 77);
    expectParity(`MC dropout ensemble K=${K}, ${label}`, await verifyParity(reference.predict, file, inputs, { classifier: { batchSize: 64 } }));
    // dropout on: not the deterministic mean network
    const mean = path.join(dir, 'mc-dropout-mean.onnx');
    exportBayesianNetworkToFile(mean, model, { posterior: { kind: 'mean' }, metadata: TEST_METADATA });
    expectParity(`MC dropout model, mean (dropout off), ${label}`, await verifyParity((x) => posteriorMeanProbabilities(model, x), mean, inputs));
    const n = 32;
    const pixels = inputs.dataSync().slice(0, n * 784) as Float32Array;
    const [a, b] = [await onnxProbabilities(file, pixels, n), await onnxProbabilities(mean, pixels, n)];
    expect(a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0)).toBeGreaterThan(0.01);
    reference.dispose();
    model.dispose();
  });

  it('temperature T: softmax(logits / T) of a deterministic network exactly, and per sample before the average', async () => {
    const point = pointMlp(3);
    const file = path.join(dir, 'temperature.onnx');
    exportBayesianNetworkToFile(file, point, { posterior: { kind: 'mean' }, metadata: TEST_METADATA, temperature: 2.5 });
    const scaled = (x: Tensor) => softmax(tf.div(point.call(x, new RandomStreams(0).noise, { mode: 'mean', kl: false }).output, 2.5));
    expectParity('deterministic MLP, T = 2.5', await verifyParity(scaled, file, inputs));
    const bytes = fs.readFileSync(file);
    expect(graphOf(bytes).node.map((n) => n.name)).toEqual(['layer1/gemm', 'layer1/relu', 'layer2/gemm', 'output/div', 'output/softmax']);
    expect(readModelMetadata(decodeModel(bytes)).props.temperature).toBe('2.5');
    // T = 2.5 really flattens the rows: lower maximum probability than T = 1
    const unscaled = path.join(dir, 'temperature-1.onnx');
    exportBayesianNetworkToFile(unscaled, point, { posterior: { kind: 'mean' }, metadata: TEST_METADATA });
    const n = 16;
    const pixels = inputs.dataSync().slice(0, n * 784) as Float32Array;
    const [hot, cold] = [await onnxProbabilities(file, pixels, n), await onnxProbabilities(unscaled, pixels, n)];
    const rowMax = (p: Float32Array, r: number) => Math.max(...p.subarray(r * 10, r * 10 + 10));
    for (let r = 0; r < n; r++) expect(rowMax(hot, r)).toBeLessThan(rowMax(cold, r));
    point.dispose();
    const lenet = bayesianLenet();
    const ensembleFile = path.join(dir, 'temperature-ensemble.onnx');
    exportBayesianNetworkToFile(ensembleFile, lenet, { posterior: { kind: 'ensemble', samples: 3, seed: 4 }, metadata: TEST_METADATA, temperature: 0.5 });
    const reference = sampledReference(lenet, 3, 4, 0.5);
    expectParity('LeNet ensemble K=3, T = 0.5', await verifyParity(reference.predict, ensembleFile, inputs, { classifier: { batchSize: 64 } }));
    reference.dispose();
    lenet.dispose();
    const mlp = testMlp('flipout');
    const mlpFile = path.join(dir, 'temperature-mlp.onnx');
    fs.writeFileSync(mlpFile, exportBayesianMlp(mlp, { posterior: { kind: 'mean' }, metadata: TEST_METADATA, temperature: 3 }));
    expectParity('exportBayesianMlp, T = 3', await verifyParity((x) => softmax(tf.div(mlp.call(x, new RandomStreams(0).noise, { mode: 'mean', kl: false }).output, 3)), mlpFile, inputs));
    mlp.dispose();
  });

  it('writes the shared signature, grouped convolutions over the stacked samples and readable node names', () => {
    const model = bayesianLenet();
    const ensemble = exportBayesianNetwork(model, { posterior: { kind: 'ensemble', samples: 4, seed: 1 }, metadata: TEST_METADATA });
    const mean = exportBayesianNetwork(model, { posterior: { kind: 'mean' }, metadata: TEST_METADATA });
    expect(checkClassifierSignature(ensemble)).toEqual({ ok: true, problems: [], extraOutputs: [] });
    expect(checkClassifierSignature(mean)).toEqual({ ok: true, problems: [], extraOutputs: [] });
    expect(graphOf(mean).node.map((n) => n.name)).toEqual([
      'image/reshape', 'image/transpose', 'conv1/conv', 'conv1/relu', 'pool1/maxpool', 'conv2/conv', 'conv2/relu', 'pool2/maxpool',
      'flatten/transpose', 'flatten/reshape', 'layer1/gemm', 'layer1/relu', 'layer2/gemm', 'output/softmax',
    ]);
    const graph = graphOf(ensemble);
    expect(graph.node.map((n) => n.name)).toEqual([
      'image/reshape', 'image/transpose', 'conv1/conv', 'conv1/relu', 'pool1/maxpool', 'conv2/conv', 'conv2/relu', 'pool2/maxpool',
      'flatten/reshape', 'flatten/transpose', 'flatten/reshape_2', 'layer1/matmul', 'layer1/add', 'layer1/relu', 'layer2/matmul', 'layer2/add',
      'output/softmax', 'output/reducemean',
    ]);
    // the first sampled conv stacks the 4 kernels on its outputs (group 1), the second runs per member (group 4)
    const group = (name: string) => Number(present(graph.node.find((n) => n.name === name), name).attribute.find((a) => a.name === 'group')?.i);
    expect([group('conv1/conv'), group('conv2/conv')]).toEqual([1, 4]);
    expect(initializers(ensemble)).toEqual([
      'conv1/kernel [16, 1, 5, 5]', 'conv1/bias [16]', 'conv2/kernel [32, 4, 5, 5]', 'conv2/bias [32]',
      'layer1/weight [4, 128, 16]', 'layer1/bias [4, 1, 16]', 'layer2/weight [4, 16, 10]', 'layer2/bias [4, 1, 10]',
    ]);
    // point convolutions are stored once: repeated over the members by a Concat of one initializer
    const geometryModel = geometryLenet();
    const geometry = exportBayesianNetwork(geometryModel, { posterior: { kind: 'ensemble', samples: 3, seed: 1 }, metadata: TEST_METADATA });
    geometryModel.dispose();
    expect(initializers(geometry)).toEqual([
      'conv1/kernel [4, 1, 5, 5]', 'conv1/bias [4]', 'conv2/kernel [18, 4, 3, 3]', 'conv2/bias [18]', 'conv3/kernel [24, 6, 3, 3]', 'conv3/bias [24]',
      'conv4/kernel [4, 8, 2, 3]', 'conv4/bias [4]', 'layer1/weight [3, 72, 10]', 'layer1/bias [10]',
    ]);
    expect(graphOf(geometry).node.filter((n) => n.opType === 'Concat').map((n) => n.input)).toEqual([Array(3).fill('conv4/kernel'), Array(3).fill('conv4/bias')]);
    model.dispose();
  });

  it('gives byte-identical files for the same model and seed; another seed, K or temperature gives other bytes', () => {
    const model = geometryLenet();
    const twin = geometryLenet(); // the same initialisation in other variables
    const bytes = (m: Sequential, posterior: ExportPosterior, temperature?: number) => Buffer.from(exportBayesianNetwork(m, { posterior, metadata: TEST_METADATA, temperature }));
    const ensemble = { kind: 'ensemble', samples: 3, seed: 9 } as const;
    const first = bytes(model, ensemble);
    expect(bytes(model, ensemble).equals(first)).toBe(true);
    expect(bytes(twin, ensemble).equals(first)).toBe(true);
    expect(bytes(model, { kind: 'mean' }).equals(bytes(twin, { kind: 'mean' }))).toBe(true);
    expect(bytes(model, { ...ensemble, seed: 10 }).equals(first)).toBe(false);
    expect(bytes(model, { ...ensemble, samples: 2 }).equals(first)).toBe(false);
    expect(bytes(model, ensemble, 1.5).equals(first)).toBe(false);
    // a dropout-only model: the seed draws the masks
    const mc = dropoutMlp();
    const mcBytes = bytes(mc, ensemble);
    expect(bytes(mc, ensemble).equals(mcBytes)).toBe(true);
    expect(bytes(mc, { ...ensemble, seed: 10 }).equals(mcBytes)).toBe(false);
    for (const m of [model, twin, mc]) m.dispose();
  });

  it('records posterior, estimators, temperature and how dropout was exported in the metadata', async () => {
    const model = dropoutLenet();
    const file = path.join(dir, 'meta.onnx');
    exportBayesianNetworkToFile(file, model, { posterior: { kind: 'ensemble', samples: 2, seed: 3 }, metadata: TEST_METADATA, extraMetadata: { dataset: 'mnist' }, temperature: 1.25 });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const classifier = await OnnxClassifier.load(file);
    expect(classifier.metadata.props).toMatchObject({ posterior: 'ensemble', estimator: 'none', mc_dropout: 'masks', temperature: '1.25', ensemble_samples: '2', ensemble_seed: '3', dataset: 'mnist' });
    await classifier.dispose();
    expect(readModelMetadata(decodeModel(exportBayesianNetwork(model, { posterior: { kind: 'mean' }, metadata: TEST_METADATA }))).props).toMatchObject({ posterior: 'mean', mc_dropout: 'identity', temperature: '1' });
    const lenet = bayesianLenet();
    const props = readModelMetadata(decodeModel(exportBayesianNetwork(lenet, { posterior: { kind: 'mean' }, metadata: TEST_METADATA }))).props;
    expect(props.estimator).toBe('reparam,flipout,local-reparam');
    expect(props.mc_dropout).toBeUndefined();
    lenet.dispose();
    model.dispose();
  });

  it('refuses bad temperatures, nothing to sample, dropout it cannot fold and reserved keys, with messages that say what to change', () => {
    const model = bayesianLenet();
    for (const bad of [0, -1, NaN, Infinity]) {
      expect(() => exportBayesianNetwork(model, { posterior: { kind: 'mean' }, metadata: TEST_METADATA, temperature: bad })).toThrow(
        `exportBayesianNetwork: temperature must be a finite number > 0 (probabilities are softmax(logits / T); 1 leaves them as they are), got ${bad}.`,
      );
    }
    expect(() => exportBayesianMlp(testMlp('reparam'), { posterior: { kind: 'mean' }, metadata: TEST_METADATA, temperature: 0 })).toThrow('exportBayesianMlp: temperature must be a finite number > 0');
    const point = pointMlp(1);
    expect(() => exportBayesianNetwork(point, { posterior: { kind: 'ensemble', samples: 2, seed: 1 }, metadata: TEST_METADATA })).toThrow('has no variational layers and no McDropout layers');
    const last = new Sequential([...point.layers, new McDropout(0.5, 'late')]);
    expect(() => exportBayesianNetwork(last, { posterior: { kind: 'ensemble', samples: 2, seed: 1 }, metadata: TEST_METADATA })).toThrow("exportBayesianNetwork: layer 3 'late' (McDropout) is the last layer");
    // for the mean, dropout is the identity wherever it is
    expect(checkClassifierSignature(exportBayesianNetwork(last, { posterior: { kind: 'mean' }, metadata: TEST_METADATA })).ok).toBe(true);
    expect(() => exportBayesianNetwork(model, { posterior: { kind: 'mean' }, metadata: TEST_METADATA, extraMetadata: { temperature: '2' } })).toThrow(
      "exportBayesianNetwork: extraMetadata key(s) 'temperature' are written by the exporter itself; rename them.",
    );
    expect(() => exportBayesianNetwork(model, { posterior: { kind: 'ensemble', samples: 0, seed: 1 }, metadata: TEST_METADATA })).toThrow('samples must be a positive integer');
    point.dispose();
    model.dispose();
  });

  it('leaves no tensors behind, also when it fails', () => {
    const model = geometryLenet();
    for (const posterior of [{ kind: 'mean' }, { kind: 'ensemble', samples: 2, seed: 3 }] as const) {
      assertNoTensorLeak(() => exportBayesianNetwork(model, { posterior, metadata: TEST_METADATA, temperature: 2 }), { iterations: 2, label: `exportBayesianNetwork ${posterior.kind}` });
    }
    const before = tf.memory().numTensors;
    expect(() => exportBayesianNetwork(model, { posterior: { kind: 'ensemble', samples: 2, seed: 3 }, metadata: TEST_METADATA, extraMetadata: { posterior: 'x' } })).toThrow();
    expect(tf.memory().numTensors).toBe(before);
    const mean = posteriorMeanNetwork(model);
    disposePointNetworks([mean]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
