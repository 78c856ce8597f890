import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkClassifierSignature, decodeModel, OnnxClassifier, verifyParity } from '@cristal/onnx';
import { tf, assertNoTensorLeak, oneHot, RandomStreams, type Tensor, type Tensor2D } from '@cristal/tensor';
import { BayesianPcTrainer } from '../bayesian-pc/bayesian-pc-trainer';
import { pcArchitecture, type PcActivation } from '../pc/architecture';
import { outputProbabilities } from '../pc/feedforward';
import { disposePcParams, initPcParams } from '../pc/params';
import { exportBayesianPc, exportBayesianPcToFile } from './export-bayesian-pc';
import { exportPcPredictor, exportPcPredictorToFile } from './export-pc-predictor';
import { PC_TEST_METADATA } from './onnx.test-helpers';

function mnistLikeBatch(seed: number, size: number): { x: Tensor2D; y: Tensor2D } {
  const rng = new RandomStreams(seed);
  const x = rng.data.uniformTensor([size, 784]) as Tensor2D;
  const labels = tf.tensor1d(Array.from({ length: size }, () => rng.data.int(10)), 'int32');
  const y = oneHot(labels, 10) as Tensor2D;
  labels.dispose();
  return { x, y };
}

describe('ONNX export of the PC feedforward predictor', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-onnx-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['784-32-16-10 tanh', [784, 32, 16, 10], 'tanh'],
    ['784-24-10 sigmoid', [784, 24, 10], 'sigmoid'],
    ['784-24-10 relu', [784, 24, 10], 'relu'],
    ['784-20-10 linear', [784, 20, 10], 'linear'],
  ] as const)('%s: onnxruntime-node and TF.js softmax(x̄_L) agree within atol 1e-5 + rtol 1e-4', async (label, sizes, activation) => {
    const architecture = pcArchitecture([...sizes], activation as PcActivation);
    // weights x3 so that the hidden units and the softmax are far from linear
    const base = initPcParams(architecture, 7);
    const params = { weights: base.weights.map((w) => tf.mul(w, 3) as Tensor2D), biases: base.biases.map((b, l) => new RandomStreams(l).init.normalTensor(b.shape, 0, 0.5) as typeof b) };
    disposePcParams(base);
    const file = path.join(dir, 'pc.onnx');
    exportPcPredictorToFile(file, params, architecture, { metadata: PC_TEST_METADATA, output: 'categorical' });
    const inputs = new RandomStreams(8).data.uniformTensor([300, 784]);
    const report = await verifyParity((x: Tensor) => outputProbabilities(params, architecture, x as Tensor2D), file, inputs, { classifier: { batchSize: 128 } });
    console.log(`[pc onnx parity] ${label}: max abs diff ${report.maxAbsDiff.toExponential(2)}, max rel diff ${report.maxRelDiff.toExponential(2)}`);
    expect(report.tfjs).toEqual({ shape: [300, 10], dtype: 'float32' });
    expect(report.onnx).toEqual(report.tfjs);
    expect(report.violations).toBe(0);
    expect(report.pass).toBe(true);
    tf.dispose([inputs]);
    disposePcParams(params);
  });

  it('writes byte-identical files for the same weights exported twice (and other bytes for other weights), the signature and the metadata', async () => {
    const architecture = pcArchitecture([784, 16, 10], 'tanh');
    const [a, b, c] = [initPcParams(architecture, 3), initPcParams(architecture, 3), initPcParams(architecture, 4)];
    const first = exportPcPredictor(a, architecture, { metadata: PC_TEST_METADATA });
    const second = exportPcPredictor(b, architecture, { metadata: PC_TEST_METADATA });
    expect(first.length).toBeGreaterThan(784 * 16 * 4);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    expect(Buffer.from(exportPcPredictor(c, architecture, { metadata: PC_TEST_METADATA })).equals(Buffer.from(first))).toBe(false);
    expect(checkClassifierSignature(first)).toEqual({ ok: true, problems: [], extraOutputs: [] });
    const model = decodeModel(first);
    expect((model.graph?.node ?? []).map((n) => n.opType)).toEqual(['Gemm', 'Tanh', 'Gemm', 'Softmax']);
    const file = path.join(dir, 'meta.onnx');
    exportPcPredictorToFile(file, a, architecture, { metadata: PC_TEST_METADATA, output: 'categorical', extraMetadata: { dataset: 'mnist' } });
    const classifier = await OnnxClassifier.load(file);
    expect(classifier.metadata.classifier).toEqual(PC_TEST_METADATA);
    expect(classifier.metadata.props).toMatchObject({ dataset: 'mnist', pc_output: 'categorical', pc_probabilities: 'softmax(logits)', posterior: 'mean' });
    await classifier.dispose();
    // exporting leaves no tensors behind (the temporary Sequential is freed)
    assertNoTensorLeak(() => void exportPcPredictor(a, architecture, { metadata: PC_TEST_METADATA }), { label: 'exportPcPredictor' });
    [a, b, c].forEach(disposePcParams);
  });

  it('refuses networks without the classifier shape and reserved metadata keys, saying why', () => {
    const architecture = pcArchitecture([784, 8, 9], 'tanh');
    const params = initPcParams(architecture, 0);
    expect(() => exportPcPredictor(params, architecture, { metadata: PC_TEST_METADATA })).toThrow('exportPcPredictor: the shared classifier signature needs 784 inputs and 10 outputs, the architecture is [784, 8, 9]');
    disposePcParams(params);
    const ok = pcArchitecture([784, 8, 10], 'tanh');
    const p2 = initPcParams(ok, 0);
    expect(() => exportPcPredictor(p2, ok, { metadata: PC_TEST_METADATA, extraMetadata: { pc_output: 'x' } })).toThrow(/extraMetadata key\(s\) 'pc_output' are written by the exporter itself/);
    expect(() => exportPcPredictor(p2, ok, { metadata: PC_TEST_METADATA, output: 'softmax' as never })).toThrow(/options.output must be 'squared-error' or 'categorical'/);
    disposePcParams(p2);
  });
});

describe('ONNX export of Bayesian PC as a K-sample ensemble', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpc-onnx-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const architecture = pcArchitecture([784, 24, 16, 10], 'tanh');

  function trained(lastLayer: 'diagonal' | 'conjugate', output: 'categorical' | 'squared-error'): BayesianPcTrainer {
    // a small prior precision so that the samples spread and the ensemble differs from the mean network
    const trainer = new BayesianPcTrainer({ architecture, seed: 11, pc: { output, inferenceSteps: 5 }, beliefs: { lastLayer, priorPrecision: [20, 2, 0.5] } });
    for (let i = 0; i < 2; i++) {
      const { x, y } = mnistLikeBatch(i, 32);
      trainer.step(x, y);
      tf.dispose([x, y]);
    }
    return trainer;
  }

  it.each([
    ['diagonal beliefs, categorical output, K = 8', 'diagonal', 'categorical', 8],
    ['conjugate last layer, squared-error output, K = 5', 'conjugate', 'squared-error', 5],
  ] as const)('%s: onnxruntime-node equals the trainer predictive with the same K and seed', async (label, lastLayer, output, K) => {
    const trainer = trained(lastLayer, output);
    const file = path.join(dir, 'bpc.onnx');
    exportBayesianPcToFile(file, trainer.currentBeliefs(), architecture, { metadata: PC_TEST_METADATA, output, samples: K, seed: 1234 });
    const inputs = new RandomStreams(8).data.uniformTensor([200, 784]);
    const report = await verifyParity((x: Tensor) => trainer.predictive(x as Tensor2D, K, 1234), file, inputs, { classifier: { batchSize: 128 } });
    // the ensemble is not the mean network: the samples matter
    const spread = tf.tidy(() => tf.max(tf.abs(tf.sub(trainer.predictive(inputs as Tensor2D, K, 1234), trainer.predictMean(inputs as Tensor2D)))).dataSync()[0]);
    console.log(`[bpc onnx parity] ${label}: max abs diff ${report.maxAbsDiff.toExponential(2)}, max rel diff ${report.maxRelDiff.toExponential(2)} (ensemble vs mean network: ${spread.toFixed(3)})`);
    expect(report.onnx).toEqual({ shape: [200, 10], dtype: 'float32' });
    expect(report.tfjs).toEqual(report.onnx);
    expect(report.violations).toBe(0);
    expect(report.pass).toBe(true);
    expect(spread).toBeGreaterThan(0.01);
    const classifier = await OnnxClassifier.load(file);
    expect(classifier.metadata.props).toMatchObject({ bpc_weight_samples: String(K), bpc_sample_seed: '1234', ensemble_members: String(K), pc_output: output });
    await classifier.dispose();
    inputs.dispose();
    trainer.dispose();
  });

  it('re-export with the same seed is byte-identical; another seed or K gives other bytes; no tensors left behind', () => {
    const trainer = trained('diagonal', 'categorical');
    const options = { metadata: PC_TEST_METADATA, output: 'categorical' as const, samples: 3, seed: 7 };
    const first = exportBayesianPc(trainer.currentBeliefs(), architecture, options);
    const second = exportBayesianPc(trainer.currentBeliefs(), architecture, options);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    expect(Buffer.from(exportBayesianPc(trainer.currentBeliefs(), architecture, { ...options, seed: 8 })).equals(Buffer.from(first))).toBe(false);
    expect(Buffer.from(exportBayesianPc(trainer.currentBeliefs(), architecture, { ...options, samples: 4 })).equals(Buffer.from(first))).toBe(false);
    expect(checkClassifierSignature(first).ok).toBe(true);
    assertNoTensorLeak(() => void exportBayesianPc(trainer.currentBeliefs(), architecture, options), { label: 'exportBayesianPc' });
    expect(() => exportBayesianPc(trainer.currentBeliefs(), architecture, { ...options, samples: 0 })).toThrow(/samples \(K\) must be a positive integer/);
    trainer.dispose();
  });
});
