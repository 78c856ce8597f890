import { tf, assertNoTensorLeak, matmulLeading, RandomStreams, type Tensor } from '@cristal/tensor';
import { lifScan } from '../kernels/lif-scan';
import type { ResetMode } from '../kernels/lif-kernel';
import { randomSpikingMlp, specTensors } from './spiking-mlp.test-helpers';
import { closedFormMembraneReadout, constantCurrentSpec, expectedCounts, RESTARTING_NEURONS, SUBTRACT_NEURONS } from './lif-closed-form.test-helpers';
import { spikingMlpForward } from './spiking-mlp-forward';
import type { SpikingMlpSpec, SpikingReadout } from './spiking-mlp-spec';

const pixels = (n: number, seed = 3): Tensor => new RandomStreams(seed).data.uniformTensor([n, 784]);

describe('spikingMlpForward', () => {
  it.each<[ResetMode, number]>([
    ['subtract', 1],
    ['subtract', 8],
    ['subtract', 25],
    ['zero', 8],
    ['zero', 25],
    ['none', 8],
    ['none', 25],
  ])('reset %s, T = %d: spike counts equal the closed form under constant currents', (reset, T) => {
    const neurons = reset === 'subtract' ? SUBTRACT_NEURONS : RESTARTING_NEURONS;
    const spec = constantCurrentSpec(neurons, reset, T, 'spike-count');
    const x = pixels(3);
    const out = spikingMlpForward(spec, x);
    const expected = expectedCounts(neurons, reset, T);
    expect(out.logits.arraySync()).toEqual([expected, expected, expected]);
    const total = expected.reduce((a, b) => a + b, 0);
    expect(out.spikeCounts.arraySync()).toEqual([[total], [total], [total]]);
    tf.dispose([x, ...Object.values(out), ...specTensors(spec)]);
  });

  it.each<[Exclude<SpikingReadout, 'spike-count'>, number]>([
    ['mean-membrane', 1],
    ['mean-membrane', 25],
    ['max-membrane', 1],
    ['max-membrane', 25],
  ])('%s without reset (T = %d) equals the closed form of u_t', (readout, T) => {
    const spec = constantCurrentSpec(RESTARTING_NEURONS, 'none', T, readout);
    const x = pixels(2);
    const out = spikingMlpForward(spec, x);
    const expected = RESTARTING_NEURONS.map((n) => closedFormMembraneReadout(n, readout, T));
    const logits = out.logits.arraySync() as number[][];
    for (const row of logits) row.forEach((v, k) => expect(Math.abs(v - expected[k])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected[k]))));
    tf.dispose([x, ...Object.values(out), ...specTensors(spec)]);
  });

  it('reports the smallest distance to the threshold: 0.125 for I = 3/8, theta = 1 over 7 steps', () => {
    // u_t = 0.375, 0.75, 1.125 | 0.5, 0.875, 1.25 | 0.625: closest to 1 at 0.875 and 1.125
    const spec = constantCurrentSpec(Array(10).fill({ beta: 1, threshold: 1, current: 0.375 }), 'subtract', 7, 'spike-count');
    const x = pixels(4);
    const out = spikingMlpForward(spec, x);
    expect(Array.from(out.thresholdMargin.dataSync())).toEqual([0.125, 0.125, 0.125, 0.125]);
    expect(out.logits.arraySync()).toEqual(Array(4).fill(Array(10).fill(2)));
    tf.dispose([x, ...Object.values(out), ...specTensors(spec)]);
  });

  it.each<[SpikingReadout, ResetMode]>([
    ['spike-count', 'subtract'],
    ['mean-membrane', 'zero'],
    ['max-membrane', 'none'],
  ])('%s (reset %s) agrees with the fused lifScan kernel run layer by layer', (readout, reset) => {
    const spec = randomSpikingMlp(21, { sizes: [784, 48, 24, 10], steps: 12, readout, reset, perNeuron: true });
    const x = pixels(64, 22);
    const out = spikingMlpForward(spec, x);
    const fused = tf.tidy(() => {
      let current: Tensor = tf.add(tf.matMul(x, spec.layers[0].weight), spec.layers[0].bias);
      const scans = spec.layers.map((l, i) => {
        if (i > 0) current = tf.add(matmulLeading(current, l.weight), l.bias); // all steps at once: [T, B, in] -> [T, B, out]
        const scan = lifScan(current, l.beta, l.threshold, null, { steps: spec.steps, reset: l.reset, membrane: true });
        current = scan.spikes;
        return scan;
      });
      const { spikes, membrane } = scans[scans.length - 1];
      const v = membrane as Tensor;
      const logits = readout === 'spike-count' ? tf.sum(spikes, 0) : readout === 'mean-membrane' ? tf.mean(v, 0) : tf.max(v, 0);
      return { logits, spikeCounts: tf.stack(scans.map((s) => tf.sum(s.spikes, [0, 2])), 1) };
    });
    // Matrix products in other shapes may round differently: compare samples away from threshold ties.
    const margin = out.thresholdMargin.dataSync();
    const kept = Array.from(margin.keys()).filter((i) => margin[i] >= 1e-4);
    expect(kept.length).toBeGreaterThanOrEqual(0.9 * margin.length);
    const rows = (t: Tensor, width: number) => kept.map((i) => Array.from(t.dataSync().slice(i * width, (i + 1) * width)));
    expect(rows(out.spikeCounts, 3)).toEqual(rows(fused.spikeCounts, 3));
    const a = rows(out.logits, 10).flat();
    const b = rows(fused.logits, 10).flat();
    const maxDiff = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    if (readout === 'spike-count') expect(a).toEqual(b);
    else expect(maxDiff).toBeLessThan(1e-5);
    expect(Math.max(...(out.spikeCounts.dataSync() as Float32Array))).toBeGreaterThan(0);
    tf.dispose([x, ...Object.values(out), ...Object.values(fused), ...specTensors(spec)]);
  });

  it('computes the probabilities as a softmax of the logits, rows summing to 1', () => {
    const spec = randomSpikingMlp(5, { sizes: [784, 16, 10], steps: 6, readout: 'mean-membrane' });
    const x = pixels(8);
    const out = spikingMlpForward(spec, x);
    expect(out.probabilities.shape).toEqual([8, 10]);
    const sums = tf.tidy(() => tf.sum(out.probabilities, 1).dataSync());
    for (const s of sums) expect(Math.abs(s - 1)).toBeLessThan(1e-6);
    const ratio = tf.tidy(() => tf.sub(tf.log(out.probabilities), tf.logSoftmax(out.logits)).abs().max().dataSync()[0]);
    expect(ratio).toBeLessThan(1e-5);
    tf.dispose([x, ...Object.values(out), ...specTensors(spec)]);
  });

  it('leaves no tensors behind', () => {
    const spec: SpikingMlpSpec = randomSpikingMlp(6, { sizes: [784, 16, 10], steps: 5, readout: 'max-membrane', perNeuron: true });
    const x = pixels(4);
    assertNoTensorLeak(() => tf.dispose(Object.values(spikingMlpForward(spec, x))), { label: 'spikingMlpForward' });
    tf.dispose([x, ...specTensors(spec)]);
  });

  it('rejects pixels of the wrong shape', () => {
    const spec = randomSpikingMlp(6, { sizes: [784, 10], steps: 2, readout: 'spike-count' });
    const x = tf.zeros([2, 28, 28]);
    expect(() => spikingMlpForward(spec, x)).toThrow('pixels must be [batch, 784], got [2, 28, 28].');
    tf.dispose([x, ...specTensors(spec)]);
  });
});
