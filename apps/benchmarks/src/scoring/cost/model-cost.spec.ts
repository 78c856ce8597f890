import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OnnxClassifier, decodeModel, readModelMetadata } from '@cristal/onnx';
import { exportSpikingMlp, type SpikingMlpSpec } from '@cristal/spiking';
import { RandomStream, tf } from '@cristal/tensor';
import { TEST_METADATA, denseMlpBytes, node, plainModel } from './cost.test-helpers';
import { energyModelLabel, energyNanojoules, modelCost, type EnergyConstants } from './model-cost';
import { StaticShapeError } from './static-shape-error';
import { spikeCostMetadataProps } from './spike-ops';

jest.setTimeout(60_000);

/** The fp32-45nm preset of @cristal/metrics (Horowitz 2014), under the names modelCost takes. */
const FP32: EnergyConstants = { name: 'fp32-45nm', picojoulesPerMac: 4.6, picojoulesPerAccumulate: 0.9 };
const DENSE_MACS = 784 * 400 + 400 * 400 + 400 * 10;
const DENSE_PARAMETERS = DENSE_MACS + 400 + 400 + 10;

/** A 784-hidden-10 LIF network with random weights (so that some neurons fire), exported by @cristal/spiking. */
/** A spiking MLP as @cristal/spiking exports it: with its own cost metadata (784 x hidden MACs, fan-out 10,0). */
function spikingBytes(hidden: number, steps: number): Uint8Array {
  const stream = new RandomStream(5, 'cost-test');
  const random = (shape: [number, number], scale: number) => tf.tensor2d(Float32Array.from({ length: shape[0] * shape[1] }, () => (stream.uniform() - 0.3) * scale), shape);
  const spec: SpikingMlpSpec = {
    steps,
    readout: 'spike-count',
    layers: [
      { weight: random([784, hidden], 0.2), bias: tf.zeros([hidden]), beta: 0.9, threshold: 1, reset: 'subtract' },
      { weight: random([hidden, 10], 1), bias: tf.zeros([10]), beta: 0.9, threshold: 1, reset: 'subtract' },
    ],
  };
  try {
    return exportSpikingMlp(spec, { metadata: { ...TEST_METADATA, modelFamily: 'spiking-mlp' } });
  } finally {
    for (const l of spec.layers) tf.dispose([l.weight, l.bias]);
  }
}

describe('energyNanojoules and energyModelLabel', () => {
  it('is MACs x E_MAC + SOPs x E_AC, converted from pJ to nJ', () => {
    expect(energyNanojoules(1000, 2000, FP32)).toBeCloseTo((1000 * 4.6 + 2000 * 0.9) / 1000, 12);
    expect(energyNanojoules(DENSE_MACS, 0, FP32)).toBeCloseTo(2196.96, 9);
    expect(energyModelLabel(FP32)).toBe('fp32-45nm (4.6 pJ/MAC, 0.9 pJ/AC)');
  });
});

describe('modelCost', () => {
  it('counts a dense model on its graph when it has no macs_per_sample metadata', () => {
    expect(modelCost({ model: decodeModel(denseMlpBytes([784, 400, 400, 10])), energy: FP32 })).toEqual({
      parameters: DENSE_PARAMETERS,
      macsPerSample: DENSE_MACS,
      sopsPerSample: null,
      energyNanojoulesPerSample: energyNanojoules(DENSE_MACS, 0, FP32),
      energyModel: 'fp32-45nm (4.6 pJ/MAC, 0.9 pJ/AC)',
      macsSource: 'graph',
    });
  });

  it("takes the exporter's macs_per_sample over the graph count when present", () => {
    const cost = modelCost({ model: decodeModel(denseMlpBytes([784, 400, 400, 10], { macs_per_sample: '123456' })), energy: FP32 });
    expect(cost).toMatchObject({ macsPerSample: 123456, macsSource: 'metadata', sopsPerSample: null, parameters: DENSE_PARAMETERS });
    expect(cost.energyNanojoulesPerSample).toBeCloseTo((123456 * 4.6) / 1000, 9);
  });

  it('lets a graph the static pass cannot count fail with StaticShapeError (shown as n/a)', () => {
    const model = plainModel({ nodes: [node('TopK', ['pixels'], ['top'], {}, 'top_k')] });
    expect(() => modelCost({ model, energy: FP32 })).toThrow(StaticShapeError);
    expect(() => modelCost({ model, energy: FP32 })).toThrow(/node 'top_k' \(op TopK\) is not supported/);
    // metadata makes such a graph countable: the pass is not run
    const described = plainModel({ nodes: model.graph?.node.slice() ?? [], metadata: { macs_per_sample: '10' } });
    expect(modelCost({ model: described, energy: FP32 }).macsPerSample).toBe(10);
  });

  it('prices a spiking model from its metadata and the spike counts measured by onnxruntime', async () => {
    const [hidden, steps, samples] = [24, 6, 7];
    // the exporter writes the cost metadata itself
    const bytes = spikingBytes(hidden, steps);
    expect(readModelMetadata(decodeModel(bytes)).props).toMatchObject(spikeCostMetadataProps({ macsPerSample: 784 * hidden, spikeFanout: [10, 0] }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-cost-'));
    const file = path.join(dir, 'spiking.onnx');
    fs.writeFileSync(file, bytes);
    const stream = new RandomStream(9, 'pixels');
    const pixels = Float32Array.from({ length: samples * 784 }, () => stream.uniform());
    // batches of 3: the rows of three runs concatenated, as the scorer collects them
    const classifier = await OnnxClassifier.load(file, { batchSize: 3, intraOpThreads: 1, interOpThreads: 1 });
    let counts: Float32Array;
    try {
      const outputs = await classifier.predictAll(pixels, samples);
      expect(outputs.extras.spike_counts.dims).toEqual([samples, 2]);
      counts = outputs.extras.spike_counts.data as Float32Array;
    } finally {
      await classifier.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const cost = modelCost({ model: decodeModel(bytes), spikeCounts: { values: counts, samples }, energy: FP32 });
    // hidden spikes each drive the 10 output synapses; the output layer's spikes drive nothing
    let hiddenSpikes = 0;
    for (let b = 0; b < samples; b++) hiddenSpikes += counts[b * 2];
    expect(hiddenSpikes).toBeGreaterThan(0);
    expect(cost.sopsPerSample).toBeCloseTo((hiddenSpikes * 10) / samples, 9);
    // at most one spike per neuron per step
    expect(cost.sopsPerSample).toBeLessThanOrEqual(steps * hidden * 10);
    expect(cost).toMatchObject({ macsPerSample: 784 * hidden, macsSource: 'metadata', parameters: 784 * hidden + hidden + hidden * 10 + 10 + 2 * 2 });
    expect(cost.energyNanojoulesPerSample).toBeCloseTo((784 * hidden * 4.6 + (cost.sopsPerSample ?? NaN) * 0.9) / 1000, 9);
  });

  it('refuses a spiking model without the metadata, naming the missing key', () => {
    const spikeCounts = { values: Float32Array.from([1, 2]), samples: 1 };
    // a file from an exporter that does not write them: the same model with keys removed
    const without = (...keys: string[]) => {
      const model = decodeModel(spikingBytes(8, 2));
      model.metadataProps = model.metadataProps.filter((p) => !keys.includes(p.key));
      return model;
    };
    const noFanout = without('spike_fanout');
    expect(() => modelCost({ model: noFanout, spikeCounts, energy: FP32 })).toThrow(/has a 'spike_counts' output \(a spiking model\) but its metadata lacks 'spike_fanout' .*; the exporter must write it/);
    const noMacs = without('macs_per_sample');
    expect(() => modelCost({ model: noMacs, spikeCounts, energy: FP32 })).toThrow(/its metadata lacks 'macs_per_sample' .*; the exporter must write it/);
    const neither = without('spike_fanout', 'macs_per_sample');
    expect(() => modelCost({ model: neither, spikeCounts, energy: FP32 })).toThrow(/lacks 'spike_fanout' .* and 'macs_per_sample' .*; the exporter must write them/);
  });

  it('refuses spike counts that do not fit the model', () => {
    const spiking = decodeModel(spikingBytes(8, 2));
    expect(() => modelCost({ model: spiking, energy: FP32 })).toThrow(/pass spikeCounts/);
    expect(() => modelCost({ model: spiking, spikeCounts: { values: Float32Array.from([1, 2, 3]), samples: 1 }, energy: FP32 })).toThrow(/3 column\(s\) per sample .* lists 2 fan-out\(s\)/);
    const dense = decodeModel(denseMlpBytes([784, 10]));
    expect(() => modelCost({ model: dense, spikeCounts: { values: Float32Array.from([1]), samples: 1 }, energy: FP32 })).toThrow(/spikeCounts were given for a model without a 'spike_counts' output/);
    const strayFanout = decodeModel(denseMlpBytes([784, 10], { spike_fanout: '10' }));
    expect(() => modelCost({ model: strayFanout, energy: FP32 })).toThrow(/has 'spike_fanout' metadata but no 'spike_counts' output/);
  });

  it('refuses energy constants that are not picojoule amounts', () => {
    const model = decodeModel(denseMlpBytes([784, 10]));
    expect(() => modelCost({ model, energy: { ...FP32, picojoulesPerMac: -1 } })).toThrow(/energy.picojoulesPerMac is -1/);
    expect(() => modelCost({ model, energy: { ...FP32, picojoulesPerAccumulate: NaN } })).toThrow(/energy.picojoulesPerAccumulate is NaN/);
    expect(() => modelCost({ model, energy: { ...FP32, name: ' ' } })).toThrow(/energy.name is empty/);
  });
});
