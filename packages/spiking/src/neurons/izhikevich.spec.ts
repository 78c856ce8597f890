import { tf, type Tensor } from '@cristal/tensor';
import { IZHIKEVICH_PRESETS, izhikevichInitialState, izhikevichParameters, izhikevichStep, type IzhikevichPreset } from './izhikevich';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * All presets as one population (per-neuron a, b, c, d) under constant input I = 10 for 500 ms at
 * dt = 0.5 ms: spike times (ms) and inter-spike intervals per preset.
 */
function simulatePresets(names: IzhikevichPreset[], I: number, ms: number) {
  const vec = (k: 'a' | 'b' | 'c' | 'd') => tf.tensor1d(names.map((n) => IZHIKEVICH_PRESETS[n][k]));
  const p = izhikevichParameters({ a: vec('a'), b: vec('b'), c: vec('c'), d: vec('d') });
  const input = tf.fill([1, names.length], I);
  let state = izhikevichInitialState(1, names.length, p);
  const spikes: Tensor[] = [];
  const steps = Math.round(ms / p.dt);
  for (let t = 0; t < steps; t++) {
    const out = izhikevichStep(input, state, p);
    tf.dispose([state.v, state.u, out.v]);
    spikes.push(out.spikes);
    state = out.state;
  }
  const data = tf.tidy(() => tf.stack(spikes).dataSync());
  tf.dispose([...spikes, input, state.v, state.u, p.a as Tensor, p.b as Tensor, p.c as Tensor, p.d as Tensor]);
  const result: Record<string, { times: number[]; isi: number[] }> = {};
  names.forEach((name, n) => {
    const times: number[] = [];
    for (let t = 0; t < steps; t++) if (data[t * names.length + n] === 1) times.push((t + 1) * p.dt);
    result[name] = { times, isi: times.slice(1).map((x, k) => x - times[k]) };
  });
  return result;
}

describe('Izhikevich (2003) neurons', () => {
  it('takes one Euler step as computed by hand (two 0.25 ms v sub-steps, one 0.5 ms u step)', () => {
    tf.tidy(() => {
      const p = izhikevichParameters({ preset: 'RS' });
      const out = izhikevichStep(tf.fill([1, 1], 10), izhikevichInitialState(1, 1, p), p);
      // v: -65 -> -65 + 0.25 * 7 = -63.25 -> -63.25 + 0.25 * 6.7725 = -61.556875; u = -13 + 0.5 * 0.02 * (0.2 v - u)
      expect(out.state.v.dataSync()[0]).toBeCloseTo(-61.556875, 4);
      expect(out.state.u.dataSync()[0]).toBeCloseTo(-13 + 0.01 * (0.2 * -61.556875 + 13), 5);
      expect(out.spikes.dataSync()[0]).toBe(0);
    });
  });

  it('rests at its fixed point without input: v* = -70 mV, u* = b v* for RS', () => {
    tf.tidy(() => {
      // 0.04 v^2 + (5 - b) v + 140 = 0 with b = 0.2 has roots -70 (stable) and -50.
      const p = izhikevichParameters({ preset: 'RS' });
      let state = izhikevichInitialState(1, 1, p, -70);
      let fired = 0;
      for (let t = 0; t < 200; t++) {
        const out = izhikevichStep(tf.zeros([1, 1]), state, p);
        fired += out.spikes.dataSync()[0];
        state = out.state;
      }
      expect(fired).toBe(0);
      expect(state.v.dataSync()[0]).toBeCloseTo(-70, 3);
      expect(state.u.dataSync()[0]).toBeCloseTo(-14, 3);
    });
  });

  describe('the presets fire their textbook patterns under constant input I = 10 (500 ms)', () => {
    const r = simulatePresets(['RS', 'FS', 'IB', 'CH', 'LTS'], 10, 500);

    it('RS: regular spiking with spike-frequency adaptation (intervals lengthen, then settle)', () => {
      const { isi } = r.RS;
      expect(isi.length).toBeGreaterThanOrEqual(8);
      for (let k = 1; k < isi.length; k++) expect(isi[k]).toBeGreaterThanOrEqual(isi[k - 1] - 0.5); // never shorten (one step of slack)
      expect(isi[1] / isi[0]).toBeGreaterThan(1.5);
      const settled = isi.slice(-5);
      expect(Math.max(...settled) - Math.min(...settled)).toBeLessThanOrEqual(1);
      expect(median(isi)).toBeGreaterThan(30); // tonic at about 20 Hz
      expect(median(isi)).toBeLessThan(60);
    });

    it('FS: high-frequency regular spiking with little adaptation', () => {
      const { isi, times } = r.FS;
      expect(median(isi)).toBeLessThan(12); // > 80 Hz
      expect(times.length).toBeGreaterThan(4 * r.RS.times.length);
      // after the first interval every interval stays within 15% of the median: no slowing down
      const m = median(isi);
      for (const x of isi.slice(1)) expect(Math.abs(x - m) / m).toBeLessThan(0.15);
    });

    it('IB: an initial burst, then regular single spikes', () => {
      const { isi } = r.IB;
      const burst = isi.findIndex((x) => x > 20);
      expect(burst).toBeGreaterThanOrEqual(2); // at least 3 spikes in the burst
      for (const x of isi.slice(0, burst)) expect(x).toBeLessThan(10);
      const tonic = isi.slice(burst + 1);
      expect(tonic.length).toBeGreaterThanOrEqual(8);
      const m = median(tonic);
      expect(m).toBeGreaterThan(25);
      for (const x of tonic) expect(Math.abs(x - m)).toBeLessThanOrEqual(1);
    });

    it('CH: repeated bursts: short intra-burst intervals, long inter-burst intervals, nothing in between', () => {
      const { isi } = r.CH;
      expect(isi.every((x) => x < 10 || x > 30)).toBe(true);
      const long = isi.flatMap((x, k) => (x > 30 ? [k] : []));
      expect(long.length).toBeGreaterThanOrEqual(6);
      // spikes per burst: between consecutive long intervals at least 3 spikes (2 short intervals)
      for (let j = 1; j < long.length; j++) expect(long[j] - long[j - 1] - 1).toBeGreaterThanOrEqual(2);
      const bursts = long.slice(1).map((k, j) => r.CH.times[k + 1] - r.CH.times[long[j] + 1]);
      const m = median(bursts);
      for (const period of bursts) expect(Math.abs(period - m) / m).toBeLessThan(0.1); // rhythmic
    });

    it('LTS: high frequency with adaptation (intervals grow several-fold)', () => {
      const { isi } = r.LTS;
      expect(isi[0]).toBeLessThan(5);
      expect(median(isi)).toBeGreaterThan(3 * isi[0]);
      expect(median(isi)).toBeLessThan(20);
    });
  });

  it('builds parameters from presets with overrides, and rejects bad ones', () => {
    expect(izhikevichParameters({ preset: 'CH' })).toMatchObject({ a: 0.02, b: 0.2, c: -50, d: 2, dt: 0.5, substeps: 2, vPeak: 30 });
    expect(izhikevichParameters({ preset: 'FS', d: 3 }).d).toBe(3);
    expect(() => izhikevichParameters({ a: 0.02, b: 0.2, c: -65 })).toThrow('Izhikevich parameter d is missing');
    expect(() => izhikevichParameters({ preset: 'XX' as IzhikevichPreset })).toThrow('Unknown Izhikevich preset "XX"');
    expect(() => izhikevichParameters({ preset: 'RS', dt: 1, substeps: 1 })).toThrow('the v sub-step dt / substeps must be at most 0.5 ms');
    expect(() => izhikevichParameters({ preset: 'RS', a: -1 })).toThrow('a must be positive, got -1.');
  });
});
