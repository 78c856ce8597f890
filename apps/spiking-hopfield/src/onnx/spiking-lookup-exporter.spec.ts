import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf, RandomStreams, assertNoTensorLeak, type Tensor } from '@cristal/tensor';
import { OnnxClassifier, checkClassifierSignature, decodeModel } from '@cristal/onnx';
import { loadMnist } from '@cristal/datasets';
import { SpikingLookupClassifier, encoderThresholdMargin, spikingLookupForward, type SpikingLookupClassifierConfig } from '../models/classifiers/spiking-lookup-classifier';
import { trainOnMnist } from '../models/classifiers/classifiers.test-helpers';
import { imageSetPixels } from '../models/classifiers/pixels';
import { TEST_EXPORT_OPTIONS, parity, removeDir, tempDir } from './onnx.test-helpers';
import { SPIKING_LOOKUP_FAMILY, exportSpikingLookupClassifier, exportSpikingLookupClassifierToFile } from './spiking-lookup-exporter';

/**
 * onnxruntime's Gemm and TF.js's matMul sum x W_p in different orders (~1e-6 apart at most here);
 * the membrane amplifies a current difference at most 1 / (1 - beta) = 20-fold at beta 0.95, so a
 * spike can only flip where min |u_t - theta| is below ~2e-5. Rows are compared where it is >= 1e-4.
 */
const MARGIN = 1e-4;

/** Rows of `pixels` whose encoder stays at least MARGIN away from the threshold. */
function rowsAwayFromTies(model: SpikingLookupClassifier, pixels: Tensor): number[] {
  const margin = encoderThresholdMargin(model.params, pixels, model.lif);
  const values: number[] = Array.from(margin.dataSync());
  margin.dispose();
  return values.flatMap((m, i) => (m >= MARGIN ? [i] : []));
}

/** Exports, then checks probabilities (verifyParity) and spike_counts (exactly) on the rows away from ties. */
async function checkParity(label: string, model: SpikingLookupClassifier, file: string, drawn: Tensor, minKept: number): Promise<void> {
  exportSpikingLookupClassifierToFile(file, model.params, model.settings, model.lif, TEST_EXPORT_OPTIONS);
  const kept = rowsAwayFromTies(model, drawn);
  const inputs = tf.gather(drawn, kept);
  const report = await parity(`spiking lookup ${label} (${kept.length}/${drawn.shape[0]} rows away from ties)`, (x) => spikingLookupForward(model.params, x, model.settings, model.lif).probabilities, file, inputs);
  const classifier = await OnnxClassifier.load(file, { batchSize: 128 });
  const onnxCounts = (await classifier.predictAll(inputs.dataSync() as Float32Array, kept.length)).extras.spike_counts;
  await classifier.dispose();
  const tfjsCounts = tf.tidy(() => spikingLookupForward(model.params, inputs, model.settings, model.lif).spikeCounts.dataSync());
  console.log(`[onnx parity] spiking lookup ${label}: spike_counts ${Math.min(...tfjsCounts)}-${Math.max(...tfjsCounts)} per sample, equal on all ${kept.length} rows: ${Array.from(onnxCounts.data as Float32Array).every((c, i) => c === tfjsCounts[i])}`);
  expect(kept.length).toBeGreaterThanOrEqual(minKept * (drawn.shape[0] as number));
  expect(report.tfjs).toEqual({ shape: [kept.length, 10], dtype: 'float32' });
  expect(report.onnx).toEqual(report.tfjs);
  expect(report.violations).toBe(0);
  expect(report.pass).toBe(true);
  expect(onnxCounts.dims).toEqual([kept.length, 1]);
  expect(onnxCounts.data).toBeInstanceOf(Float32Array);
  expect(Array.from(onnxCounts.data as Float32Array)).toEqual(Array.from(tfjsCounts));
  // the encoder is neither silent nor saturated, so the counts carry information
  expect(Math.max(...tfjsCounts)).toBeGreaterThan(Math.min(...tfjsCounts));
  inputs.dispose();
}

describe('exportSpikingLookupClassifier', () => {
  const dir = tempDir('spiking-lookup-');
  const inputs = new RandomStreams(8).data.uniformTensor([300, 784]);
  afterAll(() => {
    inputs.dispose();
    removeDir(dir);
  });

  it.each<[string, SpikingLookupClassifierConfig]>([
    ['hidden 64, 128 prototypes, value 32, T 16, 0 updates', { hiddenSize: 64, prototypeCount: 128, valueSize: 32 }],
    ['hidden 32, 50 prototypes, value 16, T 8, reset to zero, 3 updates, beta 2', { hiddenSize: 32, prototypeCount: 50, valueSize: 16, updateSteps: 3, beta: 2, lif: { steps: 8, reset: 'zero' } }],
    ['hidden 48, 20 prototypes, value 8, T 25, no reset, theta 2', { hiddenSize: 48, prototypeCount: 20, valueSize: 8, lif: { steps: 25, reset: 'none', threshold: 2 } }],
  ])('%s: probabilities within atol 1e-5 + rtol 1e-4, spike_counts exactly', async (label, config) => {
    const model = new SpikingLookupClassifier(config, new RandomStreams(7));
    await checkParity(label, model, path.join(dir, 'spiking.onnx'), inputs, 0.85);
    expect(fs.readdirSync(dir)).toEqual(['spiking.onnx']); // written atomically: no temp file left behind
    model.dispose();
  });

  it('agrees on MNIST digits after training moved the weights away from their initialisation', async () => {
    const model = new SpikingLookupClassifier({ hiddenSize: 32, prototypeCount: 32, valueSize: 32, updateSteps: 1 }, new RandomStreams(9));
    const losses = trainOnMnist(model, { images: 300, epochs: 10 });
    expect(losses[losses.length - 1]).toBeLessThan(0.7 * losses[0]);
    const digits = imageSetPixels(loadMnist().test, 0, 300);
    await checkParity('trained 30 Adam steps, MNIST test digits', model, path.join(dir, 'trained.onnx'), digits.pixels, 0.85);
    digits.pixels.dispose();
    model.dispose();
  });

  it('gives byte-identical files for the same weights, exported twice', () => {
    const config = { hiddenSize: 16, prototypeCount: 20, valueSize: 8 };
    const a = new SpikingLookupClassifier(config, new RandomStreams(3));
    const b = new SpikingLookupClassifier(config, new RandomStreams(3));
    const first = exportSpikingLookupClassifier(a.params, a.settings, a.lif, TEST_EXPORT_OPTIONS);
    expect(first.length).toBeGreaterThan(784 * 16 * 4);
    expect(Buffer.from(exportSpikingLookupClassifier(a.params, a.settings, a.lif, TEST_EXPORT_OPTIONS)).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(exportSpikingLookupClassifier(b.params, b.settings, b.lif, TEST_EXPORT_OPTIONS)).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(exportSpikingLookupClassifier(a.params, a.settings, { ...a.lif, steps: 15 }, TEST_EXPORT_OPTIONS)).equals(Buffer.from(first))).toBe(false);
    a.dispose();
    b.dispose();
  });

  it('has the shared signature, spike_counts [batch, 1], the unrolled encoder and the metadata', async () => {
    const model = new SpikingLookupClassifier({ hiddenSize: 16, prototypeCount: 20, valueSize: 8, updateSteps: 2, lif: { steps: 12, beta: 0.9 } }, new RandomStreams(5));
    const bytes = exportSpikingLookupClassifier(model.params, model.settings, model.lif, { ...TEST_EXPORT_OPTIONS, extraMetadata: { dataset: 'mnist' } });
    expect(checkClassifierSignature(bytes)).toEqual({ ok: true, problems: [], extraOutputs: ['spike_counts'] });
    const graph = decodeModel(bytes).graph;
    const spikeCounts = graph?.output.find((o) => o.name === 'spike_counts')?.type?.value;
    expect(spikeCounts?.case === 'tensorType' ? spikeCounts.value.shape?.dim.map((d) => d.value.value) : []).toEqual(['batch', 1n]);
    expect((graph?.initializer ?? []).map((t) => t.name)).toEqual([
      'projection/weight',
      'projection/bias',
      'encoder/beta',
      'encoder/threshold',
      'encoder/steps',
      'lookup/prototypes',
      'lookup/values',
      'lookup/beta',
      'readout/weight',
      'readout/bias',
      'spike_counts/encoder/axes',
    ]);
    const nodes = graph?.node ?? [];
    expect(nodes.some((n) => n.opType === 'Loop' || n.opType === 'Scan')).toBe(false);
    expect(nodes.filter((n) => n.opType === 'Gemm').map((n) => n.name)).toEqual(['projection/current', 'readout/gemm']);
    expect(nodes.filter((n) => n.name.endsWith('/fire'))).toHaveLength(12);
    expect(nodes.map((n) => n.name)).toEqual(expect.arrayContaining(['encoder/t01/spikes', 'encoder/t12/count', 'encoder/rate', 'lookup/update2/query', 'lookup/readout/output', 'spike_counts/encoder']));
    const file = path.join(dir, 'meta.onnx');
    fs.writeFileSync(file, bytes);
    const classifier = await OnnxClassifier.load(file);
    expect(classifier.metadata.classifier).toEqual({ ...TEST_EXPORT_OPTIONS.metadata, modelFamily: SPIKING_LOOKUP_FAMILY, timeSteps: 12 });
    expect(classifier.metadata.props).toMatchObject({
      model_family: 'spiking-hopfield-lookup',
      time_steps: '12',
      beta: String(0.25),
      steps: '2',
      prototypes: '20',
      lif_beta: '0.9',
      threshold: '1',
      reset: 'subtract',
      neuron_model: 'lif',
      encoding: 'direct',
      dataset: 'mnist',
      // d 16, M 20, dv 8: 784 d + M dv + dv 10 dense MACs; each encoder spike drives the M memory currents
      macs_per_sample: String(784 * 16 + 20 * 8 + 8 * 10),
      spike_fanout: '20',
    });
    await classifier.dispose();
    model.dispose();
  });

  it('says what is wrong with the parameters, the settings or the metadata, and leaves no tensors behind', () => {
    const model = new SpikingLookupClassifier({ hiddenSize: 8, prototypeCount: 4, valueSize: 4 }, new RandomStreams(6));
    const weight = tf.zeros([100, 8]);
    const run = (over: { params?: object; settings?: object; lif?: object; options?: object }) => () =>
      exportSpikingLookupClassifier({ ...model.params, ...over.params }, { ...model.settings, ...over.settings }, { ...model.lif, ...over.lif }, { ...TEST_EXPORT_OPTIONS, ...over.options });
    expect(run({ params: { projection: { weight, bias: model.params.projection.bias } } })).toThrow(
      'exportSpikingLookupClassifier: the classifier signature needs 784 inputs and 10 outputs, the parameters map 100 -> 10.',
    );
    expect(run({ settings: { updateSteps: -1 } })).toThrow('exportSpikingLookupClassifier: updateSteps must be an integer >= 0, got -1.');
    expect(run({ lif: { steps: 0 } })).toThrow('exportSpikingLookupClassifier: lif.steps (time steps T) must be an integer >= 1, got 0.');
    expect(run({ options: { metadata: { ...TEST_EXPORT_OPTIONS.metadata, timeSteps: 25 } } })).toThrow(
      'exportSpikingLookupClassifier: metadata.timeSteps is 25 but the encoder runs 16 steps; leave timeSteps out (it is taken from lif.steps) or make them equal.',
    );
    expect(run({ options: { extraMetadata: { reset: 'zero', encoding: 'rate' } } })).toThrow(
      "exportSpikingLookupClassifier: extraMetadata key(s) 'reset', 'encoding' are written by the exporter itself (from the encoder settings); remove them.",
    );
    expect(run({ options: { extraMetadata: { lif_beta: '1' } } })).toThrow("extraMetadata key 'lif_beta' is written by the spiking-hopfield-lookup exporter itself");
    assertNoTensorLeak(() => exportSpikingLookupClassifier(model.params, model.settings, model.lif, TEST_EXPORT_OPTIONS), { label: 'exportSpikingLookupClassifier' });
    weight.dispose();
    model.dispose();
  });
});
