import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf, RandomStreams } from '@cristal/tensor';
import { OnnxClassifier, checkClassifierSignature, decodeModel } from '@cristal/onnx';
import { HopfieldPoolingClassifier, poolingClassifierForward } from '../models/classifiers/hopfield-pooling-classifier';
import { loadMnist } from '@cristal/datasets';
import { trainOnMnist } from '../models/classifiers/classifiers.test-helpers';
import { imageSetPixels } from '../models/classifiers/pixels';
import { TEST_EXPORT_OPTIONS, parity, removeDir, tempDir } from './onnx.test-helpers';
import { exportPoolingClassifier, exportPoolingClassifierToFile } from './pooling-exporter';

describe('exportPoolingClassifier', () => {
  const dir = tempDir('hopfield-pooling-');
  const inputs = new RandomStreams(8).data.uniformTensor([300, 784]);
  afterAll(() => {
    inputs.dispose();
    removeDir(dir);
  });

  it.each([
    ['16 patches of 7x7, embed 32, key 16, value 24, 0 updates', { embedSize: 32, keySize: 16, valueSize: 24 }],
    ['16 patches of 7x7, embed 32, key 16, value 24, 2 updates, beta 1', { embedSize: 32, keySize: 16, valueSize: 24, updateSteps: 2, beta: 1 }],
    ['49 patches of 4x4, embed 16, key 8, value 8, 1 update', { patchSize: 4, embedSize: 16, keySize: 8, valueSize: 8, updateSteps: 1 }],
  ])('%s: TF.js and onnxruntime-node agree within atol 1e-5 + rtol 1e-4', async (label, config) => {
    const model = new HopfieldPoolingClassifier(config, new RandomStreams(7));
    const file = path.join(dir, 'pooling.onnx');
    exportPoolingClassifierToFile(file, model.params, model.settings, TEST_EXPORT_OPTIONS);
    expect(fs.readdirSync(dir)).toEqual(['pooling.onnx']);
    const report = await parity(`pooling ${label}`, (x) => poolingClassifierForward(model.params, x, model.settings).probabilities, file, inputs);
    expect(report.tfjs).toEqual({ shape: [300, 10], dtype: 'float32' });
    expect(report.onnx).toEqual(report.tfjs);
    expect(report.violations).toBe(0);
    expect(report.pass).toBe(true);
    model.dispose();
  });

  it('agrees on MNIST digits after training moved the weights away from their initialisation', async () => {
    const model = new HopfieldPoolingClassifier({ embedSize: 32, keySize: 16, valueSize: 24, updateSteps: 1 }, new RandomStreams(9));
    const losses = trainOnMnist(model, { images: 300, epochs: 10 });
    console.log(`[pooling training] loss ${losses[0].toFixed(3)} -> ${losses[losses.length - 1].toFixed(3)}`);
    expect(losses[losses.length - 1]).toBeLessThan(0.8 * losses[0]);
    const file = path.join(dir, 'trained.onnx');
    exportPoolingClassifierToFile(file, model.params, model.settings, TEST_EXPORT_OPTIONS);
    const digits = imageSetPixels(loadMnist().test, 0, 300);
    const report = await parity('pooling, trained 30 Adam steps, MNIST test digits', (x) => poolingClassifierForward(model.params, x, model.settings).probabilities, file, digits.pixels);
    expect(report.violations).toBe(0);
    expect(report.pass).toBe(true);
    digits.pixels.dispose();
    model.dispose();
  });

  it('gives byte-identical files for the same weights, exported twice', () => {
    const config = { embedSize: 16, keySize: 8, valueSize: 8, updateSteps: 1 };
    const a = new HopfieldPoolingClassifier(config, new RandomStreams(3));
    const b = new HopfieldPoolingClassifier(config, new RandomStreams(3));
    const c = new HopfieldPoolingClassifier(config, new RandomStreams(4));
    const first = exportPoolingClassifier(a.params, a.settings, TEST_EXPORT_OPTIONS);
    expect(Buffer.from(exportPoolingClassifier(b.params, b.settings, TEST_EXPORT_OPTIONS)).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(exportPoolingClassifier(c.params, c.settings, TEST_EXPORT_OPTIONS)).equals(Buffer.from(first))).toBe(false);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('has the shared signature and the metadata (family, beta, steps, patch size)', async () => {
    const model = new HopfieldPoolingClassifier({ embedSize: 16, keySize: 4, valueSize: 8, updateSteps: 1 }, new RandomStreams(5));
    const bytes = exportPoolingClassifier(model.params, model.settings, TEST_EXPORT_OPTIONS);
    expect(checkClassifierSignature(bytes)).toEqual({ ok: true, problems: [], extraOutputs: [] });
    const names = (decodeModel(bytes).graph?.node ?? []).map((n) => n.name);
    expect(names.slice(0, 3)).toEqual(['patches/grid', 'patches/transpose', 'patches/flatten']);
    expect(names).toContain('pooling/update1/query');
    expect(names.slice(-3)).toEqual(['pooling/pooled', 'readout/gemm', 'output/softmax']);
    const file = path.join(dir, 'meta.onnx');
    fs.writeFileSync(file, bytes);
    const classifier = await OnnxClassifier.load(file);
    expect(classifier.metadata.classifier.modelFamily).toBe('modern-hopfield-pooling');
    expect(classifier.metadata.props).toMatchObject({ beta: String(0.5), steps: '1', patch_size: '7' });
    await classifier.dispose();
    model.dispose();
  });

  it('refuses a readout that does not give 10 logits', () => {
    const model = new HopfieldPoolingClassifier({ embedSize: 8, keySize: 4, valueSize: 4 }, new RandomStreams(6));
    const weight = tf.zeros([4, 9]);
    expect(() => exportPoolingClassifier({ ...model.params, readout: { weight, bias: model.params.readout.bias } }, model.settings, TEST_EXPORT_OPTIONS)).toThrow(
      'exportPoolingClassifier: the readout must give 10 logits, its weight is [4, 9].',
    );
    weight.dispose();
    model.dispose();
  });
});
