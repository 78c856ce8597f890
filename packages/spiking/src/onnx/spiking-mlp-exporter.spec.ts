import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, assertNoTensorLeak, RandomStreams } from '@cristal/tensor';
import { OnnxClassifier, checkClassifierSignature, decodeModel } from '@cristal/onnx';
import { spikingMlpForward } from '../networks/spiking-mlp-forward';
import { randomSpikingMlp, specTensors } from '../networks/spiking-mlp.test-helpers';
import { SPIKE_COUNTS, exportSpikingMlp, exportSpikingMlpToFile, spikingMlpMetadata } from './spiking-mlp-exporter';
import { SPIKING_TEST_METADATA } from './spiking-mlp.test-helpers';

const smallSpec = (seed: number, readout: 'spike-count' | 'mean-membrane' | 'max-membrane' = 'mean-membrane') =>
  randomSpikingMlp(seed, { sizes: [784, 16, 12, 10], steps: 12, readout, perNeuron: true });

describe('exportSpikingMlp', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-snn-export-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives byte-identical files for the same weights, exported twice', () => {
    const a = smallSpec(3);
    const b = smallSpec(3);
    const first = exportSpikingMlp(a, { metadata: SPIKING_TEST_METADATA });
    const again = exportSpikingMlp(a, { metadata: SPIKING_TEST_METADATA });
    const rebuilt = exportSpikingMlp(b, { metadata: { ...SPIKING_TEST_METADATA, testMetrics: { ece: 0.021, accuracy: 0.9731 } } });
    expect(first.length).toBeGreaterThan(784 * 16 * 4);
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(rebuilt).equals(Buffer.from(first))).toBe(true);
    const other = smallSpec(4);
    expect(Buffer.from(exportSpikingMlp(other, { metadata: SPIKING_TEST_METADATA })).equals(Buffer.from(first))).toBe(false);
    expect(Buffer.from(exportSpikingMlp({ ...a, readout: 'max-membrane' }, { metadata: SPIKING_TEST_METADATA })).equals(Buffer.from(first))).toBe(false);
    tf.dispose([...specTensors(a), ...specTensors(b), ...specTensors(other)]);
  });

  it('has the shared signature with spike_counts [batch, L] as the one extra output', () => {
    const spec = smallSpec(5);
    const bytes = exportSpikingMlp(spec, { metadata: SPIKING_TEST_METADATA });
    expect(checkClassifierSignature(bytes)).toEqual({ ok: true, problems: [], extraOutputs: [SPIKE_COUNTS] });
    const outputs = decodeModel(bytes).graph?.output ?? [];
    const spikeCounts = outputs.find((o) => o.name === SPIKE_COUNTS);
    const type = spikeCounts?.type?.value;
    expect(type?.case).toBe('tensorType');
    const dims = type?.case === 'tensorType' ? type.value.shape?.dim.map((d) => d.value.value) : [];
    expect(dims).toEqual(['batch', 3n]);
    tf.dispose(specTensors(spec));
  });

  it('unrolls T steps with readable names, layer 1 current computed once, no Loop', () => {
    const spec = smallSpec(6);
    const model = decodeModel(exportSpikingMlp(spec, { metadata: SPIKING_TEST_METADATA }));
    const nodes = model.graph?.node ?? [];
    const names = nodes.map((n) => n.name);
    expect(nodes.some((n) => n.opType === 'Loop' || n.opType === 'Scan')).toBe(false);
    // one Gemm for pixels -> layer 1, then one per step for each later layer
    expect(nodes.filter((n) => n.opType === 'Gemm').map((n) => n.name)).toEqual(['fc1/current', ...Array.from({ length: 12 }, (_, i) => [`t${String(i + 1).padStart(2, '0')}/fc2/current`, `t${String(i + 1).padStart(2, '0')}/fc3/current`]).flat()]);
    expect(names).toEqual(expect.arrayContaining(['t01/lif1/fire', 't01/lif1/spikes', 't01/lif1/reset', 't07/lif2/leak', 't07/lif2/membrane', 't12/lif3/count', 'readout/mean_membrane', 'output/softmax', 'spike_counts/concat']));
    // v_0 = 0: the first step has no leak term
    expect(names.filter((n) => n.endsWith('/leak'))).toHaveLength(3 * 11);
    expect((model.graph?.initializer ?? []).map((t) => t.name).slice(0, 8)).toEqual(['fc1/weight', 'fc1/bias', 'lif1/beta', 'lif1/threshold', 'fc2/weight', 'fc2/bias', 'lif2/beta', 'lif2/threshold']);
    tf.dispose(specTensors(spec));
  });

  it('writes time_steps, the readout, reset and neuron model into the metadata', async () => {
    const spec = randomSpikingMlp(7, { sizes: [784, 8, 10], steps: 9, readout: 'spike-count', reset: 'zero' });
    const file = path.join(dir, 'meta.onnx');
    exportSpikingMlpToFile(file, spec, { metadata: SPIKING_TEST_METADATA, extraMetadata: { dataset: 'mnist' } });
    expect(fs.readdirSync(dir)).toEqual(['meta.onnx']); // atomic write: no temp file left behind
    const classifier = await OnnxClassifier.load(file);
    expect(classifier.metadata.classifier).toEqual({ ...SPIKING_TEST_METADATA, timeSteps: 9 });
    expect(classifier.metadata.props).toMatchObject({
      time_steps: '9',
      readout: 'spike-count',
      reset: 'zero',
      neuron_model: 'lif',
      encoding: 'direct',
      layer_sizes: '784-8-10',
      dataset: 'mnist',
      // the pixels' current once (784 x 8 MACs); each hidden spike drives the 10 output neurons
      macs_per_sample: String(784 * 8),
      spike_fanout: '10,0',
    });
    expect(classifier.metadata).toMatchObject({ opset: 21, irVersion: 10 });
    await classifier.dispose();
    const mixed = { ...spec, layers: [spec.layers[0], { ...spec.layers[1], reset: 'none' as const }] };
    expect(spikingMlpMetadata(mixed)).toEqual({ neuron_model: 'lif', encoding: 'direct', readout: 'spike-count', reset: 'zero,none', layer_sizes: '784-8-10', macs_per_sample: '6272', spike_fanout: '10,0' });
    // deeper: every LIF layer but the last drives the next one's width
    const deep = randomSpikingMlp(3, { sizes: [784, 16, 8, 10], steps: 2, readout: 'mean-membrane', reset: 'subtract' });
    expect(spikingMlpMetadata(deep)).toMatchObject({ macs_per_sample: String(784 * 16), spike_fanout: '8,10,0' });
    tf.dispose(specTensors(deep));
    tf.dispose(specTensors(spec));
  });

  it('runs the same at opset 17 as at the default opset 21', async () => {
    const spec = smallSpec(8, 'spike-count');
    const pixels = new RandomStreams(8).data.uniformTensor([5, 784]);
    const results = [];
    for (const opset of [17, 21]) {
      const file = path.join(dir, `opset${opset}.onnx`);
      exportSpikingMlpToFile(file, spec, { metadata: SPIKING_TEST_METADATA, opset });
      const classifier = await OnnxClassifier.load(file);
      expect(classifier.metadata.opset).toBe(opset);
      results.push(await classifier.predictAll(pixels.dataSync() as Float32Array, 5));
      await classifier.dispose();
    }
    expect(Array.from(results[0].probabilities)).toEqual(Array.from(results[1].probabilities));
    const counts = results.map((r) => Array.from(r.extras[SPIKE_COUNTS].data as Float32Array));
    expect(counts[0]).toEqual(counts[1]);
    const reference = spikingMlpForward(spec, pixels);
    expect(counts[1]).toEqual(Array.from(reference.spikeCounts.dataSync()));
    tf.dispose([pixels, ...Object.values(reference), ...specTensors(spec)]);
  });

  it('rejects conflicting metadata and invalid networks with messages that say what to fix', () => {
    const spec = smallSpec(9);
    expect(() => exportSpikingMlp(spec, { metadata: { ...SPIKING_TEST_METADATA, timeSteps: 25 } })).toThrow(
      'metadata.timeSteps is 25 but the network runs 12 steps; leave timeSteps out (it is taken from spec.steps) or make them equal.',
    );
    expect(exportSpikingMlp(spec, { metadata: { ...SPIKING_TEST_METADATA, timeSteps: 12 } })).toEqual(exportSpikingMlp(spec, { metadata: SPIKING_TEST_METADATA }));
    expect(() => exportSpikingMlp(spec, { metadata: SPIKING_TEST_METADATA, extraMetadata: { readout: 'x', reset: 'y' } })).toThrow(
      "extraMetadata key(s) 'readout', 'reset' are written by the spiking exporter from the spec; remove them.",
    );
    expect(() => exportSpikingMlp(spec, { metadata: SPIKING_TEST_METADATA, extraMetadata: { time_steps: '3' } })).toThrow("metadata key 'time_steps' is reserved");
    expect(() => exportSpikingMlp({ ...spec, steps: 0 }, { metadata: SPIKING_TEST_METADATA })).toThrow('steps must be an integer >= 1');
    expect(() => exportSpikingMlp({ ...spec, layers: spec.layers.slice(0, 2) }, { metadata: SPIKING_TEST_METADATA })).toThrow('the last layer must have 10 neurons (one per class), got 12');
    expect(() => exportSpikingMlp(spec, { metadata: SPIKING_TEST_METADATA, opset: 12 })).toThrow('opset 12 is not supported');
    tf.dispose(specTensors(spec));
  });

  it('leaves no tensors behind', () => {
    const spec = smallSpec(10);
    assertNoTensorLeak(() => exportSpikingMlp(spec, { metadata: SPIKING_TEST_METADATA }), { label: 'exportSpikingMlp' });
    tf.dispose(specTensors(spec));
  });
});
