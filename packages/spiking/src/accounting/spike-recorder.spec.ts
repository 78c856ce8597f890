import { tf, RandomStream, type Tensor } from '@cristal/tensor';
import { ENERGY_PRESETS } from '@cristal/metrics';
import { ALIFLayer } from '../layers/alif-layer';
import { LeakyIntegratorLayer } from '../layers/leaky-integrator-layer';
import { LIFLayer } from '../layers/lif-layer';
import { SpikeRecorder } from './spike-recorder';

const T = 6;
const B = 3;

/** A 5-8-4 network of a LIF and an ALIF layer and a readout, all recording into `recorder`. */
function network(recorder: SpikeRecorder) {
  const stream = new RandomStream(3, 'recorder');
  const w1 = stream.normalTensor([5, 8], 0.3, 0.5);
  const w2 = stream.normalTensor([8, 4], 0.3, 0.5);
  const hidden = new LIFLayer(8, { beta: 0.9 }, { name: 'hidden', recorder });
  const out = new ALIFLayer(4, { beta: 0.9, rho: 0.9, adaptation: 0.1 }, { name: 'out', recorder });
  const readout = new LeakyIntegratorLayer(4, { beta: 0.9 }, { name: 'readout', recorder });
  const project = (s: Tensor, w: Tensor) => tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(s, [-1, w.shape[0] as number]), w), [...s.shape.slice(0, -1), w.shape[1] as number]));
  const dispose = () => {
    [hidden, out, readout].forEach((l) => l.dispose());
    tf.dispose([w1, w2]);
  };
  return { hidden, out, readout, w1, w2, project, dispose };
}

describe('SpikeRecorder', () => {
  it('counts spikes per step and per layer, in both execution modes, and feeds energyReport', () => {
    const recorder = new SpikeRecorder();
    const net = network(recorder);
    const x = new RandomStream(4, 'recorder').uniformTensor([T, B, 5]);
    const s1 = net.hidden.forward(net.project(x, net.w1));
    const s2 = net.out.forward(net.project(s1, net.w2));
    tf.dispose(net.readout.forward(s2));
    const perStep = (s: Tensor) => tf.tidy(() => Array.from(tf.sum(s, [1, 2]).dataSync()));
    const expected1 = perStep(s1);
    const expected2 = perStep(s2);
    expect(expected1.reduce((a, b) => a + b)).toBeGreaterThan(0);
    expect(expected2.reduce((a, b) => a + b)).toBeGreaterThan(0);
    expect(recorder.names).toEqual(['hidden', 'out']); // the readout does not spike
    expect(recorder.layer('hidden')).toEqual({ name: 'hidden', neurons: 8, spikes: expected1.reduce((a, b) => a + b), samples: B, sampleSteps: B * T, countsPerStep: expected1 });

    // single steps continue the same sequence; a reset starts new samples
    const extra = net.hidden.step(tf.tidy(() => tf.fill([B, 8], 2)));
    const extraCount = tf.tidy(() => tf.sum(extra).dataSync()[0]);
    expect(recorder.layer('hidden').countsPerStep).toEqual([...expected1, extraCount]);
    expect(recorder.layer('hidden').samples).toBe(B);
    net.hidden.reset();
    const again = net.hidden.forward(net.project(x, net.w1));
    const h = recorder.layer('hidden');
    expect(h.samples).toBe(2 * B);
    expect(h.countsPerStep.slice(0, T)).toEqual(expected1.map((c) => 2 * c)); // same input, same spikes
    expect(() => recorder.energyInput({ fanOut: { hidden: 4, out: 0 } })).toThrow('Layers saw different inputs');

    recorder.layer('hidden').countsPerStep.pop(); // a copy: the recorder is unchanged
    expect(recorder.layer('hidden').countsPerStep.length).toBe(T + 1);
    tf.dispose([x, s1, s2, extra, again]);

    // a clean run of both layers over the same samples gives the energy report

    const fresh = new SpikeRecorder();
    const net2 = network(fresh);
    const x2 = new RandomStream(5, 'recorder').uniformTensor([T, B, 5]);
    const h2 = net2.hidden.forward(net2.project(x2, net2.w1));
    const o2 = net2.out.forward(net2.project(h2, net2.w2));
    const report = fresh.energy({ fanOut: { hidden: 4, out: 0 }, macsPerSample: 5 * 8 * T, model: 'fp32-45nm' });
    const spikesHidden = fresh.layer('hidden').spikes;
    expect(report.layers[0]).toMatchObject({ name: 'hidden', neurons: 8, fanOut: 4, spikes: spikesHidden });
    expect(report.layers[0].firingRate).toBeCloseTo(spikesHidden / (8 * T * B), 12);
    expect(report.sopsPerSample).toBeCloseTo((spikesHidden * 4) / B, 12);
    expect(report.energyPerSampleJ).toBeCloseTo(((5 * 8 * T) * ENERGY_PRESETS['fp32-45nm'].macPj + ((spikesHidden * 4) / B) * ENERGY_PRESETS['fp32-45nm'].acPj) * 1e-12, 20);
    tf.dispose([x2, h2, o2]);
    net.dispose();
    net2.dispose();
  });

  it('refuses two layers with one name, and a missing fan-out', () => {
    const recorder = new SpikeRecorder();
    const a = new LIFLayer(2, { beta: 0.9 }, { name: 'same', recorder });
    const b = new LIFLayer(2, { beta: 0.9 }, { name: 'same', recorder });
    tf.tidy(() => {
      a.step(tf.ones([1, 2]));
      expect(() => b.step(tf.ones([1, 2]))).toThrow('Two layers named "same" record into the same SpikeRecorder; give them distinct names.');
    });
    expect(() => recorder.energyInput({ fanOut: {} })).toThrow('fanOut of layer "same" is missing (give 0 for an output layer).');
    expect(() => recorder.layer('other')).toThrow('No spikes recorded for a layer named "other" (recorded: same).');
    recorder.clear();
    expect(() => recorder.energy({ fanOut: {} })).toThrow('Nothing recorded yet.');
    a.dispose();
    b.dispose();
  });
});
