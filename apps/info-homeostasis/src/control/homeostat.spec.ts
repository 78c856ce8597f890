import { DEFAULT_LOOPS, resolveHomeostatConfig, type HomeostatConfig } from './homeostat-config';
import { flattenHomeostatLog, type ActiveLoopRecord, type HomeostatUpdate, type LoopRecord } from './homeostat-log';
import { Homeostat } from './homeostat';
import type { HomeostatMeasurements } from './homeostat-step';
import { closedLoopMatrix, lagPlant, spectralRadius } from './plant.test-helpers';

const DB_PER_LN = 20 / Math.LN10; // 8.686 dB of SNR per unit of ln T

const controlled = (r: LoopRecord | undefined): ActiveLoopRecord => {
  if (!r || r.phase !== 'control') throw new Error(`expected a control record, got ${JSON.stringify(r)}`);
  return r;
};

describe('Homeostat: sign conventions and the first update by hand', () => {
  it('raises the KL weight when KL is above the set point, lowers it below; u = kp e at the first update', () => {
    const h = new Homeostat({ layers: ['a', 'b'], updateEvery: 10, kl: { setPoint: { kind: 'fixed', value: Math.log(0.01) } } });
    // a: KL = 0.01 e (ln KL one above the set point): e = -(r - y) = 1, u = 0.5, weight e^0.5
    // b: KL = 0.01 / e: e = -1, weight e^-0.5
    const r = h.update(0, { kl: { a: 0.01 * Math.E, b: 0.01 / Math.E } });
    expect(r.updated).toBe(true);
    expect(r.actuators.a.klWeight).toBeCloseTo(Math.exp(0.5), 12);
    expect(r.actuators.b.klWeight).toBeCloseTo(Math.exp(-0.5), 12);
    expect(r.actuators.a.noiseTemperature).toBe(1); // the SNR loop is off
    const a = controlled(r.log?.a.kl);
    expect(a.error).toBeCloseTo(1, 12);
    expect(a.integral).toBeCloseTo(DEFAULT_LOOPS.kl.ki, 12);
    expect(a.controlled).toBeCloseTo(Math.log(0.01) + 1, 12);
    expect(a.measurement).toBe(0.01 * Math.E);
  });

  it('raises the noise temperature when the SNR is above the set point', () => {
    const h = new Homeostat({ layers: ['a'], snr: { setPoint: { kind: 'fixed', value: 10 } } });
    // 5 dB above: u = 0.03 (5) = 0.15
    expect(h.update(0, { snrDb: { a: 15 } }).actuators.a.noiseTemperature).toBeCloseTo(Math.exp(0.15), 12);
    // then 7 dB below: u = 0.03 (-7) + I, with I = 0.03 (5) from the first update
    expect(h.update(20, { snrDb: { a: 3 } }).actuators.a.noiseTemperature).toBeCloseTo(Math.exp(-0.06), 12);
  });

  it('logs the readings of loops that are off and the Fisher trace, leaving those actuators at 1', () => {
    const h = new Homeostat({ layers: ['a'], kl: { enabled: false }, snr: { setPoint: { kind: 'fixed', value: 0 } } });
    const r = h.update(0, { kl: { a: 0.3 }, snrDb: { a: 0 }, fisherPerParameter: { a: 1.5e-4 } });
    expect(r.actuators.a).toEqual({ klWeight: 1, noiseTemperature: 1 });
    expect(r.log?.a.kl).toEqual({ phase: 'off', measurement: 0.3 });
    expect(r.log?.a.fisherPerParameter).toBe(1.5e-4);
    const row = flattenHomeostatLog(r.log ?? {});
    expect(row['a/kl/measurement']).toBe(0.3);
    expect(row['a/snr/saturated']).toBe(0);
    expect(row['a/fisherPerParameter']).toBe(1.5e-4);
    expect(new Homeostat({ layers: ['a'] }).update(0, { kl: { a: 1 }, snrDb: { a: 2 } }).actuators.a).toEqual({ klWeight: 1, noiseTemperature: 1 });
  });

  it('acts only on update steps, holding the actuators in between', () => {
    const h = new Homeostat({ layers: ['a'], updateEvery: 25, snr: { setPoint: { kind: 'fixed', value: 0 } } });
    expect([0, 24, 25, 50, 51].map((s) => h.isUpdateStep(s))).toEqual([true, false, true, true, false]);
    const first = h.update(0, { snrDb: { a: 4 } });
    const between = h.update(13);
    expect(between.updated).toBe(false);
    expect(between.log).toBeNull();
    expect(between.actuators).toEqual(first.actuators);
    expect(h.actuators()).toEqual(first.actuators);
  });
});

describe('Homeostat: early set points', () => {
  it('holds the actuators at 1 for the warm-up, then regulates to the median of what it recorded', () => {
    const h = new Homeostat({ layers: ['a'], updateEvery: 1, kl: { setPoint: { kind: 'early', warmupUpdates: 3, statistic: 'median', offset: Math.log(0.5) } } });
    const kls = [0.2, 0.8, 0.4];
    const warm = kls.map((kl, step) => h.update(step, { kl: { a: kl } }));
    for (const r of warm) {
      expect(r.actuators.a.klWeight).toBe(1);
      expect(r.log?.a.kl).toMatchObject({ phase: 'warmup', setPoint: null, integral: 0, output: 1 });
    }
    // set point: ln(median KL) + ln 0.5 = ln 0.2; a reading of 0.2 e is one above
    const r = h.update(3, { kl: { a: 0.2 * Math.E } });
    const c = controlled(r.log?.a.kl);
    expect(c.setPoint).toBeCloseTo(Math.log(0.2), 12);
    expect(c.error).toBeCloseTo(1, 12);
    expect(r.actuators.a.klWeight).toBeCloseTo(Math.exp(0.5), 12);
  });
});

describe('Homeostat: a delayed early set point', () => {
  it('holds the actuators at 1 through the delay and the warm-up, and takes the set point from the later readings', () => {
    const h = new Homeostat({ layers: ['a'], updateEvery: 1, kl: { setPoint: { kind: 'early', delayUpdates: 4, warmupUpdates: 2, statistic: 'mean' } } });
    // the early readings (KL 5) would set a point far above the later ones (KL 1)
    const held = [5, 5, 5, 5, 1, 1].map((kl, step) => h.update(step, { kl: { a: kl } }));
    for (const r of held) expect(r.actuators.a.klWeight).toBe(1);
    const r = h.update(6, { kl: { a: Math.E } });
    expect(controlled(r.log?.a.kl).setPoint).toBeCloseTo(0, 12);
    expect(r.actuators.a.klWeight).toBeCloseTo(Math.exp(0.5), 12);
  });
});

/**
 * Simulated layers. SNR: the sensor's exact temperature law, snrDb = S0 - 20 log10 T, with T the
 * temperature in force when measured. KL: a lag in log space, ln KL' = a ln KL + b ln beta + d, with
 * a log-log gain of -1 and a time constant of 8 updates.
 */
class SimulatedLayers {
  private lnKl: Record<string, number>;
  constructor(
    private readonly s0: Record<string, number>,
    lnKl0: Record<string, number>,
    private readonly lnKlRest: Record<string, number>,
  ) {
    this.lnKl = { ...lnKl0 };
  }
  static readonly kl = lagPlant(8, -1);

  measure(actuators: HomeostatUpdate['actuators']): HomeostatMeasurements {
    const names = Object.keys(this.s0);
    return {
      snrDb: Object.fromEntries(names.map((n) => [n, this.s0[n] - 20 * Math.log10(actuators[n].noiseTemperature)])),
      kl: Object.fromEntries(names.map((n) => [n, Math.exp(this.lnKl[n])])),
    };
  }

  /** The plant moves under the KL weights just set. */
  advance(actuators: HomeostatUpdate['actuators']): void {
    const p = SimulatedLayers.kl;
    for (const n of Object.keys(this.lnKl)) this.lnKl[n] = p.a * this.lnKl[n] + p.b * Math.log(actuators[n].klWeight) + (1 - p.a) * this.lnKlRest[n];
  }
}

function runLoop(h: Homeostat, plant: SimulatedLayers, updates: number, from = 0): HomeostatUpdate[] {
  const out: HomeostatUpdate[] = [];
  for (let i = from; i < from + updates; i++) {
    const step = i * h.config.updateEvery;
    const r = h.update(step, plant.measure(h.actuators()));
    plant.advance(r.actuators);
    out.push(r);
  }
  return out;
}

describe('Homeostat: closed loop on simulated layers', () => {
  const config: HomeostatConfig = {
    layers: ['layer1', 'layer2'],
    updateEvery: 20,
    kl: { setPoint: { kind: 'fixed', value: { layer1: Math.log(0.05), layer2: Math.log(0.2) } } },
    snr: { setPoint: { kind: 'fixed', value: 12 } },
  };

  it('drives both loops of both layers to their set points, to the closed-form actuator values', () => {
    const plant = new SimulatedLayers({ layer1: 15, layer2: 9 }, { layer1: Math.log(0.1), layer2: Math.log(0.1) }, { layer1: Math.log(0.1), layer2: Math.log(0.1) });
    const h = new Homeostat(config);
    // the KL loop's slowest pole on this plant is 0.955 (closedLoopMatrix), so 600 updates leave ~1e-12
    const last = runLoop(h, plant, 600)[599];
    // SNR: S0 - 20 log10 T* = 12, so T* = 10^((S0 - 12) / 20): 1.413 and 0.708
    expect(Math.abs(last.actuators.layer1.noiseTemperature - 10 ** (3 / 20))).toBeLessThan(1e-9);
    expect(Math.abs(last.actuators.layer2.noiseTemperature - 10 ** (-3 / 20))).toBeLessThan(1e-9);
    // KL: at rest ln KL = ln 0.1 - ln beta (gain -1), so beta* = 0.1 / KL*: 2 and 0.5
    expect(Math.abs(last.actuators.layer1.klWeight - 2)).toBeLessThan(1e-9);
    expect(Math.abs(last.actuators.layer2.klWeight - 0.5)).toBeLessThan(1e-9);
    expect(controlled(last.log?.layer1.kl).integral).toBeCloseTo(Math.log(2), 9); // I* = u* - bias
    // why 600 updates are enough for 1e-9: the slowest pole to the 600th power
    expect(spectralRadius(closedLoopMatrix(SimulatedLayers.kl, { ...DEFAULT_LOOPS.kl, direction: -1 })) ** 600).toBeLessThan(1e-11);
  });

  it('the SNR loop shrinks its error by the designed factor 1 - 8.69 kp = 0.739 per update', () => {
    const plant = new SimulatedLayers({ layer1: 16, layer2: 14 }, { layer1: 0, layer2: 0 }, { layer1: 0, layer2: 0 });
    const h = new Homeostat({ ...config, kl: { enabled: false } });
    const errors = runLoop(h, plant, 12).map((r) => controlled(r.log?.layer1.snr).error as number);
    const pole = 1 - DB_PER_LN * DEFAULT_LOOPS.snr.kp;
    // the first update moves u by kp e + ki e; from then on the error is multiplied by the pole exactly
    for (let t = 2; t < 12; t++) expect(errors[t] / errors[t - 1]).toBeCloseTo(pole, 9);
    expect(pole).toBeCloseTo(0.7394, 4);
  });

  it('saturates at the actuator limit when the set point is out of reach, with the integral held at the limit', () => {
    // 20 dB above the set point would need T = 10, beyond max 2
    const plant = new SimulatedLayers({ layer1: 32, layer2: 12 }, { layer1: 0, layer2: 0 }, { layer1: 0, layer2: 0 });
    const h = new Homeostat({ ...config, kl: { enabled: false } });
    const last = runLoop(h, plant, 100)[99];
    const r = controlled(last.log?.layer1.snr);
    expect(last.actuators.layer1.noiseTemperature).toBe(2);
    expect(r.saturated).toBe(true);
    // back-calculation with Tt = Ti (here ki / kp = 1, a full reset): I = ln 2 - bias exactly
    expect(r.integral).toBeCloseTo(Math.log(2), 12);
    expect(controlled(last.log?.layer2.snr).saturated).toBe(false);
  });

  it('resumes from a JSON checkpoint mid-run (during the warm-up and after) with the identical trajectory', () => {
    const early: HomeostatConfig = {
      layers: ['layer1', 'layer2'],
      updateEvery: 10,
      kl: { setPoint: { kind: 'early', warmupUpdates: 5, statistic: 'median', offset: -0.7 } },
      snr: { setPoint: { kind: 'early', warmupUpdates: 5, statistic: 'mean', offset: -3 } },
    };
    const fresh = () => new SimulatedLayers({ layer1: 15, layer2: 9 }, { layer1: -2, layer2: -1 }, { layer1: -2.5, layer2: -0.5 });
    const whole = runLoop(new Homeostat(early), fresh(), 40);
    for (const cut of [3, 17]) {
      const plant = fresh();
      const first = new Homeostat(early);
      const head = runLoop(first, plant, cut);
      const checkpoint = JSON.stringify(first.getState());
      const resumed = new Homeostat(early);
      resumed.setState(JSON.parse(checkpoint));
      const tail = runLoop(resumed, plant, 40 - cut, cut);
      expect([...head, ...tail]).toEqual(whole);
    }
    expect(whole.filter((r) => r.log?.layer1.kl?.phase === 'warmup')).toHaveLength(5);
    expect(whole[39].actuators.layer1.klWeight).not.toBe(1);
  });
});

describe('Homeostat defaults', () => {
  it('keep the KL loop stable up to the closed-form gain limit g (1 - a) < min((1 + a) / (kp - ki), 2 (1 + a) / (2 kp - ki))', () => {
    const gains = resolveHomeostatConfig({ layers: ['x'], kl: {} }).loops.kl?.gains;
    if (!gains) throw new Error('kl loop missing');
    // Jury's conditions on z^2 - (1 + a - c kp) z + (a - c kp + c ki), c = g (1 - a) the gain per update
    const limit = (a: number) => Math.min((1 + a) / (gains.kp - gains.ki), (2 * (1 + a)) / (2 * gains.kp - gains.ki)) / (1 - a);
    const rows: string[] = [];
    for (const tau of [1, 3, 10, 30, 100]) {
      const gMax = limit(Math.exp(-1 / tau));
      rows.push(`tau ${tau}: g < ${gMax.toFixed(1)}`);
      for (const g of [0.05, 0.3, 1, 3, 0.999 * gMax]) expect(spectralRadius(closedLoopMatrix(lagPlant(tau, -g), gains))).toBeLessThan(1);
      expect(spectralRadius(closedLoopMatrix(lagPlant(tau, -1.001 * gMax), gains))).toBeGreaterThan(1);
    }
    console.log(`default KL loop, largest stable log-log gain per plant time constant (updates): ${rows.join('; ')}`);
  });

  it('keep the SNR loop stable for 0.25 to 3 times the exact temperature gain, with or without a slow drift', () => {
    const gains = resolveHomeostatConfig({ layers: ['x'], snr: {} }).loops.snr?.gains;
    if (!gains) throw new Error('snr loop missing');
    for (const scale of [0.25, 0.5, 1, 2, 3]) {
      // one update of delay, no memory (a = 0), gain -8.69 scale dB per ln T; then a slow lag as training reacts
      expect(spectralRadius(closedLoopMatrix({ a: 0, b: -DB_PER_LN * scale, d: 0 }, gains))).toBeLessThan(1);
      expect(spectralRadius(closedLoopMatrix(lagPlant(20, -DB_PER_LN * scale), gains))).toBeLessThan(1);
    }
  });
});

describe('Homeostat errors say what is wrong', () => {
  it('in the configuration', () => {
    expect(() => new Homeostat({ layers: [] })).toThrow(/`layers` is empty/);
    expect(() => new Homeostat({ layers: ['a', 'a'] })).toThrow(/distinct; repeated: a/);
    expect(() => new Homeostat({ layers: ['a'], updateEvery: 0 })).toThrow(/updateEvery must be a positive integer/);
    expect(() => new Homeostat({ layers: ['a'], kl: { min: 2, max: 10 } })).toThrow(/kl loop: the range \[2, 10\] must contain the nominal value 1/);
    expect(() => new Homeostat({ layers: ['a'], snr: { min: 0, max: 2 } })).toThrow(/snr loop: min and max are actuator values \(a noise temperature\)/);
    expect(() => new Homeostat({ layers: ['a', 'b'], kl: { setPoint: { kind: 'fixed', value: { a: 1 } } } })).toThrow(/no value for layer 'b'/);
    expect(() => new Homeostat({ layers: ['a'], kl: { setPoint: { kind: 'fixed', value: { a: 1, c: 2 } } } })).toThrow(/given for c, which are not among the layers/);
    expect(() => new Homeostat({ layers: ['a'], kl: { kp: -1 } })).toThrow(/Homeostat kl loop: kp and ki must be >= 0/);
    expect(() => new Homeostat({ layers: ['a'], klFloor: 0 })).toThrow(/klFloor must be a positive finite number/);
  });

  it('in the measurements and steps, naming the loop and layer on divergence', () => {
    const h = new Homeostat({ layers: ['a', 'b'], kl: { setPoint: { kind: 'fixed', value: -3 } } });
    expect(() => h.update(0, { kl: { a: 0.1 } })).toThrow(/the kl loop is on but measurements.kl has no value for b/);
    expect(() => h.update(0, { kl: { a: 0.1, b: 0.1, c: 0.1 } })).toThrow(/measurements.kl names c, which the homeostat does not regulate/);
    expect(() => h.update(0, { kl: { a: 0.1, b: Number.NaN } })).toThrow(/kl loop, layer b: the measurement is NaN/);
    expect(() => h.update(1.5, { kl: { a: 0.1, b: 0.1 } })).toThrow(/step must be a non-negative integer/);
    h.update(20, { kl: { a: 0.1, b: 0.1 } });
    expect(() => h.update(20, { kl: { a: 0.1, b: 0.1 } })).toThrow(/step 20 comes after the update at step 20; steps must increase/);
    // a KL at or below 0 (Monte-Carlo) is floored, not an error
    expect(controlled(h.update(40, { kl: { a: -0.01, b: 0.1 } }).log?.a.kl).controlled).toBeCloseTo(Math.log(1e-8), 12);
  });

  it('in a checkpoint that does not match the configuration', () => {
    const h = new Homeostat({ layers: ['a'], kl: {} });
    const state = h.getState();
    expect(() => new Homeostat({ layers: ['a'], snr: {} }).setState(state)).toThrow(/the checkpoint has a kl loop but this configuration switches it off/);
    expect(() => new Homeostat({ layers: ['b'], kl: {} }).setState(state)).toThrow(/regulates \[a\], this configuration \[b\]/);
    expect(() => new Homeostat({ layers: ['a'], kl: { setPoint: { kind: 'fixed', value: 0 } } }).setState(state)).toThrow(/was configured differently/);
    expect(() => h.setState({ ...state, loops: { kl: { a: { ...state.loops.kl?.a, logOutput: 5 } } } } as typeof state)).toThrow(/logOutput 5 is outside the actuator range/);
    expect(() => h.setState({ version: 2 } as unknown as typeof state)).toThrow(/expected a state object with version 1/);
  });
});
