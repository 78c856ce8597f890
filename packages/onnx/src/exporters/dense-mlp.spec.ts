import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, RandomStreams } from '@cristal/tensor';
import { decodeModel } from '../proto/model-io';
import { OnnxClassifier } from '../runtime/onnx-classifier';
import { checkClassifierSignature } from '../signature/classifier-signature';
import { verifyParity } from '../verify/parity';
import { exportDenseMlp, exportDenseMlpToFile } from './dense-mlp';
import { TEST_METADATA, randomMlp, tfjsMlp } from './mlp.test-helpers';

describe('exportDenseMlp', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-mlp-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['784-400-400-10 relu', [784, 400, 400, 10], ['relu', 'relu', 'none']],
    ['784-64-32-16-10 tanh, sigmoid, relu', [784, 64, 32, 16, 10], ['tanh', 'sigmoid', 'relu', 'none']],
  ] as const)('%s: TF.js and onnxruntime-node agree within atol 1e-5 + rtol 1e-4', async (label, sizes, activations) => {
    const layers = randomMlp(7, sizes, activations);
    const file = path.join(dir, 'mlp.onnx');
    exportDenseMlpToFile(file, layers, { metadata: TEST_METADATA });
    const inputs = new RandomStreams(8).data.uniformTensor([300, 784]);
    const report = await verifyParity(tfjsMlp(layers), file, inputs, { classifier: { batchSize: 128 } });
    console.log(`[onnx parity] ${label}: max abs diff ${report.maxAbsDiff.toExponential(2)}, max rel diff ${report.maxRelDiff.toExponential(2)}`);
    expect(report.tfjs).toEqual({ shape: [300, 10], dtype: 'float32' });
    expect(report.onnx).toEqual(report.tfjs);
    expect(report.violations).toBe(0);
    expect(report.pass).toBe(true);
    expect(report.maxAbsDiff).toBeLessThan(1e-5);
    tf.dispose([inputs, ...layers.flatMap((l) => [l.weight, l.bias])]);
  });

  it('gives byte-identical files for the same weights, exported twice', () => {
    const a = randomMlp(3, [784, 32, 10], ['relu', 'none']);
    const b = randomMlp(3, [784, 32, 10], ['relu', 'none']);
    const first = exportDenseMlp(a, { metadata: TEST_METADATA });
    const second = exportDenseMlp(b, { metadata: { ...TEST_METADATA, testMetrics: { ece: 0.0123, accuracy: 0.9812 } } });
    expect(first.length).toBeGreaterThan(784 * 32 * 4);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    const changed = randomMlp(4, [784, 32, 10], ['relu', 'none']);
    expect(Buffer.from(exportDenseMlp(changed, { metadata: TEST_METADATA })).equals(Buffer.from(first))).toBe(false);
    tf.dispose([...a, ...b, ...changed].flatMap((l) => [l.weight, l.bias]));
  });

  it('writes the shared signature, readable node names and the metadata', async () => {
    const layers = randomMlp(5, [784, 16, 10], ['sigmoid', 'none']);
    const bytes = exportDenseMlp(layers, { metadata: TEST_METADATA, extraMetadata: { dataset: 'mnist' } });
    expect(checkClassifierSignature(bytes)).toEqual({ ok: true, problems: [], extraOutputs: [] });
    const model = decodeModel(bytes);
    expect((model.graph?.node ?? []).map((n) => n.name)).toEqual(['layer1/gemm', 'layer1/sigmoid', 'layer2/gemm', 'output/softmax']);
    expect((model.graph?.initializer ?? []).map((t) => t.name)).toEqual(['layer1/weight', 'layer1/bias', 'layer2/weight', 'layer2/bias']);
    const file = path.join(dir, 'meta.onnx');
    fs.writeFileSync(file, bytes);
    const classifier = await OnnxClassifier.load(file);
    expect(classifier.metadata.classifier).toEqual(TEST_METADATA);
    expect(classifier.metadata.props.dataset).toBe('mnist');
    expect(classifier.metadata).toMatchObject({ opset: 21, irVersion: 10, producer: '@cristal/onnx 0.0.0' });
    await classifier.dispose();
    tf.dispose(layers.flatMap((l) => [l.weight, l.bias]));
  });

  it('refuses layers that do not map 784 pixels to 10 classes', () => {
    const layers = randomMlp(1, [784, 8, 9], ['relu', 'none']);
    expect(() => exportDenseMlp(layers, { metadata: TEST_METADATA })).toThrow('the classifier signature needs 784 inputs and 10 outputs, the layers map 784 -> 9');
    tf.dispose(layers.flatMap((l) => [l.weight, l.bias]));
  });
});
