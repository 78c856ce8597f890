import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, softmax, assertNoTensorLeak, RandomStreams, type Tensor } from '@cristal/tensor';
import { OnnxClassifier, checkClassifierSignature, decodeModel, readModelFile, readModelMetadata, verifyParity, type ParityReport } from '@cristal/onnx';
import type { DenseReparam } from '../layers/dense-reparam';
import { ToImage } from '../layers/reshape-layers';
import type { DenseEstimator } from '../models/bayesian-mlp';
import { Sequential } from '../models/sequential';
import { ESTIMATORS, TEST_METADATA, manualLayer, manualProbabilities, mixedModel, present, testMlp, type ManualLayer } from './bayesian-onnx.test-helpers';
import { sampleEnsembleWeights } from './ensemble-weights';
import { exportBayesianMlp, exportBayesianMlpToFile } from './export-bayesian-mlp';
import type { ExportPosterior } from './export-options';
import { disposePointDenseLayers } from './point-dense-layers';
import { ensembleProbabilities, posteriorMeanProbabilities } from './tfjs-reference';

const ROWS = 300;
const ENSEMBLE = { kind: 'ensemble', samples: 8, seed: 1234 } as const;

function expectParity(label: string, report: ParityReport): void {
  console.log(`[bayesian onnx parity] ${label}: max abs diff ${report.maxAbsDiff.toExponential(2)}, max rel diff ${report.maxRelDiff.toExponential(2)}`);
  expect(report.tfjs).toEqual({ shape: [ROWS, 10], dtype: 'float32' });
  expect(report.onnx).toEqual(report.tfjs);
  expect(report.violations).toBe(0);
  expect(report.pass).toBe(true);
}

/** The model's own sampling passes on the ensemble's stream: for DenseReparam layers these draw exactly the exported weight samples. */
function reparamSamplingPasses(model: Sequential, samples: number, seed: number): (x: Tensor) => Tensor {
  return (x) => {
    const rng = new RandomStreams(seed).sampling;
    const probs = Array.from({ length: samples }, () => softmax(model.call(x, rng, { mode: 'sample', kl: false }).output));
    return tf.mean(tf.stack(probs), 0);
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

describe('exportBayesianMlp', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bayesian-onnx-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inputs = new RandomStreams(8).data.uniformTensor([ROWS, 784]);
  afterAll(() => inputs.dispose());

  it.each(ESTIMATORS)('posterior mean, %s, 784-64-32-10: onnxruntime agrees with the model\'s own mean pass', async (estimator: DenseEstimator) => {
    const model = testMlp(estimator, 11 + ESTIMATORS.indexOf(estimator));
    const file = path.join(dir, `mean-${estimator}.onnx`);
    exportBayesianMlpToFile(file, model, { posterior: { kind: 'mean' }, metadata: TEST_METADATA });
    expectParity(`posterior mean, ${estimator}`, await verifyParity((x) => posteriorMeanProbabilities(model, x), file, inputs, { classifier: { batchSize: 128 } }));
    model.dispose();
  });

  it.each(ESTIMATORS)('ensemble K = 8, %s, 784-64-32-10: onnxruntime agrees with the TF.js ensemble average', async (estimator: DenseEstimator) => {
    const model = testMlp(estimator, 21 + ESTIMATORS.indexOf(estimator));
    const file = path.join(dir, `ensemble-${estimator}.onnx`);
    exportBayesianMlpToFile(file, model, { posterior: ENSEMBLE, metadata: TEST_METADATA });
    // reparam: the model's own sampling passes; the other estimators sample pre-activations or signs
    // per example, so their reference is the member-by-member TF.js forward of the same weight samples
    const members = sampleEnsembleWeights(model, ENSEMBLE.samples, ENSEMBLE.seed);
    const reference = estimator === 'reparam' ? reparamSamplingPasses(model, ENSEMBLE.samples, ENSEMBLE.seed) : (x: Tensor) => ensembleProbabilities(members, x);
    expectParity(`ensemble K=8, ${estimator}`, await verifyParity(reference, file, inputs, { classifier: { batchSize: 128 } }));
    disposePointDenseLayers(members);
    model.dispose();
  });

  it.each([
    ['mean', { kind: 'mean' }],
    ['ensemble K=5 at opset 17 (ReduceMean axes as an attribute)', { kind: 'ensemble', samples: 5, seed: 99 }],
  ] as const)('every layer kind (Dense, tanh, McDropout, Flipout without bias, two activations, local reparam), %s', async (label, posterior: ExportPosterior) => {
    const model = mixedModel();
    const file = path.join(dir, 'mixed.onnx');
    const opset = posterior.kind === 'mean' ? 21 : 17;
    exportBayesianMlpToFile(file, model, { posterior, metadata: TEST_METADATA, opset });
    const members = posterior.kind === 'ensemble' ? sampleEnsembleWeights(model, posterior.samples, posterior.seed) : [];
    const reference = posterior.kind === 'mean' ? (x: Tensor) => posteriorMeanProbabilities(model, x) : (x: Tensor) => ensembleProbabilities(members, x);
    expectParity(`mixed layers, ${label}`, await verifyParity(reference, file, inputs));
    expect(readModelMetadata(readModelFile(file).model).opset).toBe(opset);
    disposePointDenseLayers(members);
    model.dispose();
  });

  it('posterior mean = a hand-written float64 Gemm chain over the means; the ensemble = the mean over samples of the per-sample softmax', async () => {
    const model = testMlp('flipout');
    const n = 16;
    const pixels = inputs.dataSync().slice(0, n * 784) as Float32Array;
    const layers = model.layers as unknown as DenseReparam[];
    const meanNet: ManualLayer[] = layers.map((l, i) => manualLayer(l.weight.mu, present(l.bias, 'bias').mu, i < 2 ? ['relu'] : []));
    const meanFile = path.join(dir, 'manual-mean.onnx');
    exportBayesianMlpToFile(meanFile, model, { posterior: { kind: 'mean' }, metadata: TEST_METADATA });
    const ensembleFile = path.join(dir, 'manual-ensemble.onnx');
    exportBayesianMlpToFile(ensembleFile, model, { posterior: ENSEMBLE, metadata: TEST_METADATA });
    const members = sampleEnsembleWeights(model, ENSEMBLE.samples, ENSEMBLE.seed);
    const memberNets = members.map((m) => m.map((l) => manualLayer(l.weight, l.bias, l.activations as ManualLayer['activations'])));
    disposePointDenseLayers(members);
    const onnxMean = await onnxProbabilities(meanFile, pixels, n);
    const onnxEnsemble = await onnxProbabilities(ensembleFile, pixels, n);
    let worstMean = 0;
    let worstEnsemble = 0;
    let ensembleVsMean = 0;
    for (let r = 0; r < n; r++) {
      const pMean = manualProbabilities(meanNet, pixels, r);
      const perSample = memberNets.map((net) => manualProbabilities(net, pixels, r));
      for (let c = 0; c < 10; c++) {
        const pEnsemble = perSample.reduce((s, p) => s + p[c], 0) / perSample.length;
        worstMean = Math.max(worstMean, Math.abs(onnxMean[r * 10 + c] - pMean[c]));
        worstEnsemble = Math.max(worstEnsemble, Math.abs(onnxEnsemble[r * 10 + c] - pEnsemble));
        ensembleVsMean = Math.max(ensembleVsMean, Math.abs(pEnsemble - pMean[c]));
      }
    }
    console.log(`[bayesian onnx] float64 reference: posterior mean max abs diff ${worstMean.toExponential(2)}, ensemble ${worstEnsemble.toExponential(2)}; ensemble vs mean ${ensembleVsMean.toFixed(3)}`);
    expect(worstMean).toBeLessThan(1e-5);
    expect(worstEnsemble).toBeLessThan(1e-5);
    // the samples matter: averaging them is not the posterior-mean network
    expect(ensembleVsMean).toBeGreaterThan(0.05);
    model.dispose();
  });

  it('gives byte-identical files for the same model and seed; another seed, K or model gives other bytes', () => {
    const model = testMlp('local-reparam');
    const twin = testMlp('local-reparam'); // same init seed: the same weights in other variables
    const bytes = (m: Sequential, posterior: ExportPosterior) => Buffer.from(exportBayesianMlp(m, { posterior, metadata: TEST_METADATA }));
    const mean = bytes(model, { kind: 'mean' });
    const ensemble = bytes(model, ENSEMBLE);
    expect(mean.length).toBeGreaterThan((784 * 64 + 64 * 32 + 32 * 10) * 4);
    expect(ensemble.length).toBeGreaterThan(8 * (784 * 64 + 64 * 32 + 32 * 10) * 4);
    expect(bytes(model, { kind: 'mean' }).equals(mean)).toBe(true);
    expect(bytes(model, ENSEMBLE).equals(ensemble)).toBe(true);
    expect(bytes(twin, { kind: 'mean' }).equals(mean)).toBe(true);
    expect(bytes(twin, ENSEMBLE).equals(ensemble)).toBe(true);
    expect(bytes(model, { ...ENSEMBLE, seed: 1235 }).equals(ensemble)).toBe(false);
    expect(bytes(model, { ...ENSEMBLE, samples: 7 }).equals(ensemble)).toBe(false);
    const other = testMlp('local-reparam', 12);
    expect(bytes(other, { kind: 'mean' }).equals(mean)).toBe(false);
    for (const m of [model, twin, other]) m.dispose();
  });

  it('writes the shared signature, stacked sample initializers and readable node names', () => {
    const model = testMlp('reparam');
    const ensemble = exportBayesianMlp(model, { posterior: ENSEMBLE, metadata: TEST_METADATA });
    const mean = exportBayesianMlp(model, { posterior: { kind: 'mean' }, metadata: TEST_METADATA });
    expect(checkClassifierSignature(ensemble)).toEqual({ ok: true, problems: [], extraOutputs: [] });
    expect(checkClassifierSignature(mean)).toEqual({ ok: true, problems: [], extraOutputs: [] });
    const graph = present(decodeModel(ensemble).graph, 'graph');
    expect(graph.node.map((n) => `${n.name}:${n.opType}`)).toEqual([
      'layer1/matmul:MatMul', 'layer1/add:Add', 'layer1/relu:Relu',
      'layer2/matmul:MatMul', 'layer2/add:Add', 'layer2/relu:Relu',
      'layer3/matmul:MatMul', 'layer3/add:Add',
      'output/softmax:Softmax', 'output/reducemean:ReduceMean',
    ]);
    expect(graph.initializer.filter((t) => !t.name.endsWith('/axes')).map((t) => `${t.name} [${t.dims.join(', ')}]`)).toEqual([
      'layer1/weight [8, 784, 64]', 'layer1/bias [8, 1, 64]', 'layer2/weight [8, 64, 32]', 'layer2/bias [8, 1, 32]', 'layer3/weight [8, 32, 10]', 'layer3/bias [8, 1, 10]',
    ]);
    expect(present(decodeModel(mean).graph, 'graph').node.map((n) => n.name)).toEqual(['layer1/gemm', 'layer1/relu', 'layer2/gemm', 'layer2/relu', 'layer3/gemm', 'output/softmax']);
    // a deterministic layer before the first sampled one is stored once and stays a Gemm
    const mixed = mixedModel();
    const mixedGraph = present(decodeModel(exportBayesianMlp(mixed, { posterior: { kind: 'ensemble', samples: 3, seed: 1 }, metadata: TEST_METADATA })).graph, 'graph');
    expect(mixedGraph.node.map((n) => n.opType)).toEqual(['Gemm', 'Tanh', 'MatMul', 'Sigmoid', 'Relu', 'MatMul', 'Add', 'Softmax', 'ReduceMean']);
    expect(mixedGraph.initializer.filter((t) => !t.name.endsWith('/axes')).map((t) => `${t.name} [${t.dims.join(', ')}]`)).toEqual([
      'layer1/weight [784, 48]', 'layer1/bias [48]', 'layer2/weight [3, 48, 24]', 'layer3/weight [3, 24, 10]', 'layer3/bias [3, 1, 10]',
    ]);
    mixed.dispose();
    model.dispose();
  });

  it('round-trips the metadata: classifier provenance as given, plus posterior, estimator, ensemble size and seed', async () => {
    const model = testMlp('flipout');
    const file = path.join(dir, 'meta.onnx');
    exportBayesianMlpToFile(file, model, { posterior: ENSEMBLE, metadata: TEST_METADATA, extraMetadata: { dataset: 'mnist' } });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const classifier = await OnnxClassifier.load(file);
    expect(classifier.metadata.classifier).toEqual(TEST_METADATA);
    expect(classifier.metadata.props).toMatchObject({ posterior: 'ensemble', estimator: 'flipout', ensemble_samples: '8', ensemble_seed: '1234', dataset: 'mnist', model_family: 'bayesian-mlp' });
    await classifier.dispose();
    const meanProps = readModelMetadata(decodeModel(exportBayesianMlp(model, { posterior: { kind: 'mean' }, metadata: { ...TEST_METADATA, modelFamily: 'custom-family' } }))).props;
    expect(meanProps).toMatchObject({ posterior: 'mean', estimator: 'flipout', model_family: 'custom-family' });
    expect(Object.keys(meanProps).filter((k) => k.startsWith('ensemble_'))).toEqual([]);
    const mixed = mixedModel();
    expect(readModelMetadata(decodeModel(exportBayesianMlp(mixed, { posterior: { kind: 'mean' }, metadata: TEST_METADATA }))).props.estimator).toBe('flipout,local-reparam');
    mixed.dispose();
    model.dispose();
  });

  it('refuses bad options, reserved metadata keys and unsupported layers with a message that says what to change', () => {
    const model = testMlp('reparam');
    expect(() => exportBayesianMlp(model, { posterior: { kind: 'median' } as unknown as ExportPosterior, metadata: TEST_METADATA })).toThrow(
      `exportBayesianMlp: options.posterior must be { kind: 'mean' } or { kind: 'ensemble', samples: K, seed }, got {"kind":"median"}.`,
    );
    expect(() => exportBayesianMlp(model, { posterior: { kind: 'ensemble', samples: 0, seed: 1 }, metadata: TEST_METADATA })).toThrow('samples must be a positive integer');
    expect(() => exportBayesianMlp(model, { posterior: { kind: 'ensemble', samples: 2, seed: 0.5 }, metadata: TEST_METADATA })).toThrow('seed must be a non-negative safe integer');
    expect(() => exportBayesianMlp(model, { posterior: ENSEMBLE, metadata: TEST_METADATA, extraMetadata: { ensemble_seed: '1' } })).toThrow(
      "exportBayesianMlp: extraMetadata key(s) 'ensemble_seed' are written by the exporter itself; rename them.",
    );
    // (784 + 1) 64 + (64 + 1) 32 + (32 + 1) 10 = 52,650 floats per sample: 11,000 samples are 2,209 MiB
    expect(() => exportBayesianMlp(model, { posterior: { kind: 'ensemble', samples: 11000, seed: 1 }, metadata: TEST_METADATA })).toThrow(
      'exportBayesianMlp: 11000 weight samples need 2209 MiB of initializers, over the 2 GiB limit of an ONNX (protobuf) file; use fewer samples.',
    );
    const image = new Sequential([new ToImage(28, 28), ...model.layers]);
    expect(() => exportBayesianMlp(image, { posterior: { kind: 'mean' }, metadata: TEST_METADATA })).toThrow("layer 0 'to_image' (ToImage) is not supported; supported layers: DenseReparam, DenseLocalReparam, DenseFlipout, Dense");
    model.dispose();
  });

  it('leaves no tensors behind', () => {
    const model = testMlp('local-reparam');
    const mixed = mixedModel();
    for (const posterior of [{ kind: 'mean' }, { kind: 'ensemble', samples: 4, seed: 3 }] as const) {
      assertNoTensorLeak(() => exportBayesianMlp(model, { posterior, metadata: TEST_METADATA }), { iterations: 2, label: `exportBayesianMlp ${posterior.kind}` });
      const before = tf.memory().numTensors;
      exportBayesianMlp(mixed, { posterior, metadata: TEST_METADATA });
      expect(tf.memory().numTensors).toBe(before);
    }
    // a failed export (reserved key) frees what it made too
    const before = tf.memory().numTensors;
    expect(() => exportBayesianMlp(model, { posterior: ENSEMBLE, metadata: TEST_METADATA, extraMetadata: { posterior: 'x' } })).toThrow();
    expect(tf.memory().numTensors).toBe(before);
    mixed.dispose();
    model.dispose();
  });
});
