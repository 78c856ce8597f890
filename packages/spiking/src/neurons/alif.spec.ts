import { tf, type Tensor } from '@cristal/tensor';
import { alifScan } from '../kernels/alif-scan';
import { lifScan } from '../kernels/lif-scan';
import { alifInitialState, alifParameters, alifStep } from './alif';

/** One neuron driven by `input` (one value per step); returns spikes and thresholds as arrays. */
function run(input: number[], options: { beta: number; threshold: number; adaptation: number; tauAdaptation: number; dt: number }) {
  const p = alifParameters(options);
  const x = tf.tensor3d(input, [input.length, 1, 1]);
  const out = alifScan(x, p, null, { thresholds: true });
  const result = { spikes: Array.from(out.spikes.dataSync()), thresholds: Array.from((out.thresholds as Tensor).dataSync()), p };
  tf.dispose([x, out.spikes, out.thresholds as Tensor, out.finalMembrane, out.finalAdaptation]);
  return result;
}

const spikeTimes = (spikes: number[]) => spikes.flatMap((s, t) => (s === 1 ? [t] : []));

describe('ALIF: the threshold adapts with spikes and recovers with tau_a', () => {
  const dt = 1; // ms
  const tauAdaptation = 40; // ms
  const options = { beta: 0.9, threshold: 1, adaptation: 0.15, tauAdaptation, dt };
  const drive = 60;
  const input = [...Array<number>(drive).fill(0.45), ...Array<number>(100).fill(0)];
  const { spikes, thresholds, p } = run(input, options);
  const rho = Math.exp(-dt / tauAdaptation);

  it('derives rho = exp(-dt / tau_a)', () => {
    expect(p.rho).toBeCloseTo(rho, 12);
  });

  it('follows theta_{t+1} - theta0 = b (rho a_t + s_t) at every step: each spike raises the threshold by b', () => {
    for (let t = 0; t + 1 < input.length; t++) {
      const a = (thresholds[t] - 1) / options.adaptation;
      expect(thresholds[t + 1]).toBeCloseTo(1 + options.adaptation * (rho * a + spikes[t]), 5);
    }
    expect(thresholds[0]).toBe(1);
  });

  it('fires with spike-frequency adaptation: intervals lengthen, and fewer spikes than the same LIF', () => {
    const times = spikeTimes(spikes);
    expect(times.length).toBeGreaterThanOrEqual(4);
    expect(times.every((t) => t < drive)).toBe(true);
    const isi = times.slice(1).map((t, k) => t - times[k]);
    for (let k = 1; k < isi.length; k++) expect(isi[k]).toBeGreaterThanOrEqual(isi[k - 1]);
    expect(isi[isi.length - 1]).toBeGreaterThan(isi[0]);
    const lif = tf.tidy(() => tf.sum(lifScan(tf.tensor3d(input, [input.length, 1, 1]), options.beta, options.threshold).spikes).dataSync()[0]);
    expect(times.length).toBeLessThan(lif);
  });

  it('after the input stops, theta - theta0 decays by exp(-k dt / tau_a) after k steps', () => {
    const start = drive + 1; // a_{drive + 1} holds the last spike; no spikes after the drive
    const excess = thresholds[start] - 1;
    expect(excess).toBeGreaterThan(0.05);
    for (let k = 1; start + k < input.length; k++) {
      expect((thresholds[start + k] - 1) / excess).toBeCloseTo(Math.exp((-k * dt) / tauAdaptation), 5);
    }
  });

  it('with b = 0 it is the LIF neuron', () => {
    tf.tidy(() => {
      const x = tf.tensor3d(input, [input.length, 1, 1]);
      const alif = alifScan(x, { ...p, adaptation: 0 }, null, { membrane: true });
      const lif = lifScan(x, options.beta, options.threshold, null, { membrane: true });
      expect(Array.from(alif.spikes.dataSync())).toEqual(Array.from(lif.spikes.dataSync()));
      expect(Array.from((alif.membrane as Tensor).dataSync())).toEqual(Array.from((lif.membrane as Tensor).dataSync()));
    });
  });

  it('steps purely: state in, state out, nothing kept', () => {
    tf.tidy(() => {
      const state = alifInitialState(2, 3);
      const before = tf.memory().numTensors;
      const out = alifStep(tf.fill([2, 3], 2), state, p);
      expect(tf.memory().numTensors - before).toBe(1 + 5); // the fill, then spikes, v, a, u, threshold
      expect(Array.from(out.spikes.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
      expect(out.state.a.dataSync()[0]).toBe(1);
      expect(state.a.dataSync()[0]).toBe(0);
    });
  });

  it('rejects bad parameters with clear errors', () => {
    expect(() => alifParameters({ beta: 0.9, rho: 0.9 } as never)).toThrow('adaptation (b, the threshold increase per spike) is required.');
    expect(() => alifParameters({ beta: 0.9, adaptation: 0.1 })).toThrow('Give exactly one of rho and tauAdaptation.');
    expect(() => alifParameters({ beta: 0.9, rho: 0.9, tauAdaptation: 100, adaptation: 0.1 })).toThrow('Give exactly one of rho and tauAdaptation.');
    expect(() => alifParameters({ beta: 0.9, rho: 1.5, adaptation: 0.1 })).toThrow('rho must be in (0, 1], got 1.5.');
    expect(() => alifParameters({ tau: -1, rho: 0.9, adaptation: 0.1 })).toThrow('tau must be positive, got -1.');
    expect(() => alifParameters({ beta: 0.9, rho: 0.9, adaptation: -0.1 })).toThrow('adaptation must be a non-negative number');
    expect(() => alifParameters({ beta: 0.9, rho: 0.9, adaptation: 0.1, threshold: 0 })).toThrow('threshold must be positive');
  });
});
