import { loadMnist, sliceImageSet } from '@cristal/datasets';
import { checkClassifierSignature, decodeModel, type ClassifierMetadata } from '@cristal/onnx';
import type { EnergyReport } from '@cristal/metrics';
import { tf, RandomStreams, assertNoTensorLeak, type Tensor1D, type Tensor2D, type Variable } from '@cristal/tensor';
import { SpikingLookupClassifier } from '../../models/classifiers/spiking-lookup-classifier';
import { imageSetPixels } from '../../models/classifiers/pixels';
import { hopfieldLookupCandidate, spikingHopfieldCandidate, type HopfieldCandidateOptions } from './hopfield-candidates';

const OPTIONS: HopfieldCandidateOptions = { hiddenSize: 20, prototypeCount: 12, valueSize: 6, beta: 0.25, steps: 8, lifBeta: 0.9 };

const METADATA: ClassifierMetadata = {
  project: 'spiking-hopfield',
  experiment: 'classifier',
  runId: 'run-0002',
  gitCommit: '0123456789abcdef0123456789abcdef01234567',
  configHash: 'sha256:abc',
  modelFamily: 'set-by-the-exporter',
  testMetrics: { accuracy: 0.5 },
};

function metadataProps(bytes: Uint8Array): Record<string, string> {
  return Object.fromEntries((decodeModel(bytes).metadataProps ?? []).map((p) => [p.key, p.value]));
}

describe('Hopfield candidates of the classifier experiment', () => {
  // 1,500 images: the energy loop runs two batches of 1,000 (one of them partial)
  const set = sliceImageSet(loadMnist().test, 0, 1500, 'mnist-test[:1500]');

  it('the twins start from the same weights, under the same parameter paths', () => {
    const dense = hopfieldLookupCandidate(OPTIONS, new RandomStreams(3));
    const spiking = spikingHopfieldCandidate(OPTIONS, new RandomStreams(3));
    const names = Object.keys(dense.trainable.variables);
    expect(names).toEqual(['projection/weight', 'projection/bias', 'lookup/prototypes', 'lookup/values', 'readout/weight', 'readout/bias']);
    expect(Object.keys(spiking.trainable.variables)).toEqual(names);
    for (const n of names) expect(Array.from(spiking.trainable.variables[n].dataSync())).toEqual(Array.from(dense.trainable.variables[n].dataSync()));
    const { hiddenSize: d, prototypeCount: M, valueSize: dv } = OPTIONS;
    expect(dense.parameterCount()).toBe(784 * d + d + M * d + M * dv + dv * 10 + 10);
    expect(spiking.parameterCount()).toBe(dense.parameterCount());
    expect([dense.timeSteps, spiking.timeSteps]).toEqual([undefined, 8]);
    dense.dispose();
    spiking.dispose();
  });

  it('dense twin: 784 d + d M + M dv + dv 10 MACs per sample and no synaptic operations', () => {
    const dense = hopfieldLookupCandidate(OPTIONS, new RandomStreams(3));
    const energy = dense.energy(set);
    expect(energy.macsPerSample).toBe(784 * 20 + 20 * 12 + 12 * 6 + 6 * 10);
    expect(energy.sopsPerSample).toBe(0);
    expect(energy.layers).toEqual([]);
    expect(energy.energyPerSampleJ).toBeCloseTo(energy.macsPerSample * energy.model.macPj * 1e-12, 20);
    const bytes = dense.exportOnnx(METADATA);
    expect(checkClassifierSignature(bytes)).toEqual({ ok: true, problems: [], extraOutputs: [] });
    expect(metadataProps(bytes)).toMatchObject({ model_family: 'modern-hopfield-lookup', dataset: 'mnist', beta: '0.25' });
    expect(metadataProps(bytes).time_steps).toBeUndefined();
    dense.dispose();
  });

  it('spiking twin: SOPs = encoder spikes x M, MACs = 784 d + M dv + dv 10, spikes counted over every batch', () => {
    const spiking = spikingHopfieldCandidate(OPTIONS, new RandomStreams(3));
    // the same weights, run on the whole set in one call, outside the candidate
    const twin = new SpikingLookupClassifier({ ...OPTIONS, lif: { steps: 8, beta: 0.9 } }, new RandomStreams(3));
    const { pixels } = imageSetPixels(set, 0, set.count);
    const spikes = tf.tidy(() => tf.sum(twin.forward(pixels).spikeCounts).dataSync()[0]);
    let energy: EnergyReport = spiking.energy(set);
    assertNoTensorLeak(() => (energy = spiking.energy(set)), { label: 'spikingHopfieldCandidate.energy' });
    console.log(`[hopfield candidates] spiking twin, d 20, M 12, T 8, random init: ${(spikes / set.count).toFixed(1)} encoder spikes per image, ${energy.sopsPerSample.toFixed(1)} SOPs`);
    expect(spikes).toBeGreaterThan(0);
    expect(energy.layers.map((l: EnergyReport['layers'][number]) => [l.name, l.neurons, l.fanOut, l.spikes])).toEqual([['encoder', 20, 12, spikes]]);
    expect(energy.sopsPerSample).toBeCloseTo((spikes * 12) / 1500, 9);
    expect(energy.layers[0].firingRate).toBeCloseTo(spikes / (20 * 8 * 1500), 12);
    expect(energy.macsPerSample).toBe(784 * 20 + 12 * 6 + 6 * 10);
    const bytes = spiking.exportOnnx({ ...METADATA, timeSteps: 8 });
    expect(checkClassifierSignature(bytes)).toEqual({ ok: true, problems: [], extraOutputs: ['spike_counts'] });
    expect(metadataProps(bytes)).toMatchObject({ model_family: 'spiking-hopfield-lookup', time_steps: '8', lif_beta: '0.9', dataset: 'mnist' });
    pixels.dispose();
    twin.dispose();
    spiking.dispose();
  });

  it('trains through the runner interface: loss and probabilities on a batch, gradients for every variable', () => {
    for (const candidate of [hopfieldLookupCandidate(OPTIONS, new RandomStreams(4)), spikingHopfieldCandidate(OPTIONS, new RandomStreams(4))]) {
      const { pixels, labels } = imageSetPixels(set, 0, 32);
      const y = tf.tensor1d(labels, 'int32');
      const variables: Variable[] = Object.values(candidate.trainable.variables);
      const { value, grads } = tf.variableGrads(() => candidate.trainable.loss(pixels as Tensor2D, y as Tensor1D, 1), variables);
      expect(value.dataSync()[0]).toBeGreaterThan(0);
      for (const v of variables) expect(tf.tidy(() => tf.norm(grads[v.name]).dataSync()[0])).toBeGreaterThan(0);
      const probabilities = candidate.trainable.probabilities(pixels as Tensor2D);
      expect(probabilities.shape).toEqual([32, 10]);
      tf.dispose([pixels, y, value, probabilities, ...Object.values(grads)]);
      candidate.dispose();
    }
  });
});
