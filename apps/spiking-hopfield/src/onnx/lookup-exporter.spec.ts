import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf, RandomStreams } from '@cristal/tensor';
import { OnnxClassifier, checkClassifierSignature, decodeModel } from '@cristal/onnx';
import { HopfieldLookupClassifier, lookupClassifierForward } from '../models/classifiers/hopfield-lookup-classifier';
import { loadMnist } from '@cristal/datasets';
import { trainOnMnist } from '../models/classifiers/classifiers.test-helpers';
import { imageSetPixels } from '../models/classifiers/pixels';
import { TEST_EXPORT_OPTIONS, parity, removeDir, tempDir } from './onnx.test-helpers';
import { exportLookupClassifier, exportLookupClassifierToFile } from './lookup-exporter';

describe('exportLookupClassifier', () => {
  const dir = tempDir('hopfield-lookup-');
  const inputs = new RandomStreams(8).data.uniformTensor([300, 784]);
  afterAll(() => {
    inputs.dispose();
    removeDir(dir);
  });

  it.each([
    ['hidden 64, 128 prototypes, value 32, 0 updates', { hiddenSize: 64, prototypeCount: 128, valueSize: 32 }],
    ['hidden 32, 50 prototypes, value 16, 3 updates, beta 2', { hiddenSize: 32, prototypeCount: 50, valueSize: 16, updateSteps: 3, beta: 2 }],
  ])('%s: TF.js and onnxruntime-node agree within atol 1e-5 + rtol 1e-4', async (label, config) => {
    const model = new HopfieldLookupClassifier(config, new RandomStreams(7));
    const file = path.join(dir, 'lookup.onnx');
    exportLookupClassifierToFile(file, model.params, model.settings, TEST_EXPORT_OPTIONS);
    expect(fs.readdirSync(dir)).toEqual(['lookup.onnx']);
    const report = await parity(`lookup ${label}`, (x) => lookupClassifierForward(model.params, x, model.settings).probabilities, file, inputs);
    expect(report.tfjs).toEqual({ shape: [300, 10], dtype: 'float32' });
    expect(report.onnx).toEqual(report.tfjs);
    expect(report.violations).toBe(0);
    expect(report.pass).toBe(true);
    model.dispose();
  });

  it('agrees on MNIST digits after training moved the weights away from their initialisation', async () => {
    const model = new HopfieldLookupClassifier({ hiddenSize: 32, prototypeCount: 32, valueSize: 32, updateSteps: 1 }, new RandomStreams(9));
    const losses = trainOnMnist(model, { images: 300, epochs: 5 });
    expect(losses[losses.length - 1]).toBeLessThan(0.7 * losses[0]);
    const file = path.join(dir, 'trained.onnx');
    exportLookupClassifierToFile(file, model.params, model.settings, TEST_EXPORT_OPTIONS);
    const digits = imageSetPixels(loadMnist().test, 0, 300);
    const report = await parity('lookup, trained 15 Adam steps, MNIST test digits', (x) => lookupClassifierForward(model.params, x, model.settings).probabilities, file, digits.pixels);
    expect(report.violations).toBe(0);
    expect(report.pass).toBe(true);
    digits.pixels.dispose();
    model.dispose();
  });

  it('gives byte-identical files for the same weights, exported twice', () => {
    const config = { hiddenSize: 16, prototypeCount: 20, valueSize: 8 };
    const a = new HopfieldLookupClassifier(config, new RandomStreams(3));
    const b = new HopfieldLookupClassifier(config, new RandomStreams(3));
    const first = exportLookupClassifier(a.params, a.settings, TEST_EXPORT_OPTIONS);
    expect(first.length).toBeGreaterThan(784 * 16 * 4);
    expect(Buffer.from(exportLookupClassifier(b.params, b.settings, TEST_EXPORT_OPTIONS)).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(exportLookupClassifier(a.params, { ...a.settings, updateSteps: 1 }, TEST_EXPORT_OPTIONS)).equals(Buffer.from(first))).toBe(false);
    a.dispose();
    b.dispose();
  });

  it('has the shared signature and the metadata (family, beta, steps, prototypes)', async () => {
    const model = new HopfieldLookupClassifier({ hiddenSize: 16, prototypeCount: 20, valueSize: 8, updateSteps: 2 }, new RandomStreams(5));
    const bytes = exportLookupClassifier(model.params, model.settings, TEST_EXPORT_OPTIONS);
    expect(checkClassifierSignature(bytes)).toEqual({ ok: true, problems: [], extraOutputs: [] });
    const graph = decodeModel(bytes).graph;
    expect((graph?.initializer ?? []).map((t) => t.name)).toEqual([
      'projection/weight',
      'projection/bias',
      'lookup/prototypes',
      'lookup/values',
      'lookup/beta',
      'readout/weight',
      'readout/bias',
    ]);
    const file = path.join(dir, 'meta.onnx');
    fs.writeFileSync(file, bytes);
    const classifier = await OnnxClassifier.load(file);
    expect(classifier.metadata.classifier.modelFamily).toBe('modern-hopfield-lookup');
    expect(classifier.metadata.props).toMatchObject({ beta: String(0.25), steps: '2', prototypes: '20' });
    await classifier.dispose();
    model.dispose();
  });

  it('refuses parameters that do not map 784 pixels to 10 classes', () => {
    const model = new HopfieldLookupClassifier({ hiddenSize: 8, prototypeCount: 4, valueSize: 4 }, new RandomStreams(6));
    const weight = tf.zeros([100, 8]);
    expect(() => exportLookupClassifier({ ...model.params, projection: { weight, bias: model.params.projection.bias } }, model.settings, TEST_EXPORT_OPTIONS)).toThrow(
      'exportLookupClassifier: the classifier signature needs 784 inputs and 10 outputs, the parameters map 100 -> 10.',
    );
    expect(() => exportLookupClassifier(model.params, { beta: 1, updateSteps: -1 }, TEST_EXPORT_OPTIONS)).toThrow('exportLookupClassifier: updateSteps must be an integer >= 0, got -1.');
    weight.dispose();
    model.dispose();
  });
});
