import { resolvePiGains, type AntiWindup, type ResolvedPiGains } from './pi-gains';
import { earlySetPoint, fixedSetPoint, type SetPointState } from './set-point';

export type LoopName = 'kl' | 'snr';
export const LOOP_NAMES: readonly LoopName[] = ['kl', 'snr'];

/**
 * Where a loop's set point comes from, in the loop's controlled space: ln(nats per parameter) for
 * the KL loop, dB for the SNR loop. A fixed value may differ per layer (a record by layer name).
 */
export type SetPointConfig =
  | { kind: 'fixed'; value: number | Readonly<Record<string, number>> }
  | { kind: 'early'; delayUpdates?: number; warmupUpdates: number; statistic: 'mean' | 'median'; offset?: number };

/** One loop (the same tuning for every layer; each layer has its own controller and set point). */
export interface LoopConfig {
  /** Default true; false keeps the actuator at 1 while the sensor is still logged. */
  enabled?: boolean;
  /** Default: the median of the first 10 updates (hold the information flow where early training put it). */
  setPoint?: SetPointConfig;
  /** Per unit of the controlled space (per ln-nat for KL, per dB for SNR). */
  kp?: number;
  /** Per unit of the controlled space and per update. */
  ki?: number;
  antiWindup?: AntiWindup;
  /** Default ki / kp (Tt = Ti). */
  trackingGain?: number;
  /** Actuator range (a KL-weight multiplier, a noise temperature), both > 0 with 1 inside. */
  min?: number;
  max?: number;
}

export interface HomeostatConfig {
  /** The regulated layers, by name (the keys of every measurement record). */
  layers: readonly string[];
  /** Training steps between controller updates (default 20): updates run at steps 0, n, 2n, ... */
  updateEvery?: number;
  kl?: LoopConfig;
  snr?: LoopConfig;
  /**
   * KL per parameter below this many nats is taken as this before the log (default 1e-8): a
   * Monte-Carlo KL (mixture prior) can come out at or below 0 for a layer at its prior.
   */
  klFloor?: number;
}

/**
 * Defaults, for controller updates every 10 to 50 training steps (the lead tunes them on real runs).
 *
 * KL loop: y = ln(KL per parameter), u = ln(KL weight), direction -1 (a larger KL weight pulls the
 * posterior to the prior and lowers the KL). The plant is slow: the posterior follows a new KL
 * weight at the optimiser's pace, a time constant of some hundreds of steps, about 10 updates, and
 * its log-log gain is unknown (of order 1). kp = 0.5 (KL e times above the set point -> 1.65 x the
 * weight at once) and Ti = kp / ki = 10 updates, about the plant's time constant (the textbook PI
 * choice for a first-order lag); stable for log-log gains from 0.1 to 20 and time constants of 1 to
 * 100 updates (tested). Range [0.1, 10]: two decades, beyond which the loop is fighting the data
 * term rather than trimming it.
 *
 * SNR loop: y = SNR in dB, u = ln(noise temperature), direction -1. The sensor takes the
 * temperature in use, and the noise power scales as T^2, so the plant has an immediate, known part:
 * -20 log10(e) = -8.69 dB per unit of ln T (one update of delay), plus a slow drift as training
 * reacts. kp = ki = 0.03 per dB: with kp = ki the closed loop on that plant is first order with its
 * pole at 1 - 8.69 kp = 0.74 (the error shrinks by a quarter per update, a 3.3-update time
 * constant), a 10 dB error moves T by 35% at once, and 1 dB of batch-to-batch sensor noise moves it
 * by 3%. Range [0.5, 2]: +-6 dB of authority, so the loop trims the noise but cannot switch it off
 * or drown the signal.
 *
 * Both: back-calculation with Tt = Ti, which after a saturated stretch resumes with the integral a
 * controller resting at the limit would have (no windup, no undershoot; see `piStep`).
 */
export const DEFAULT_LOOPS: Readonly<Record<LoopName, Required<Omit<LoopConfig, 'trackingGain'>>>> = {
  kl: { enabled: true, setPoint: { kind: 'early', warmupUpdates: 10, statistic: 'median' }, kp: 0.5, ki: 0.05, antiWindup: 'back-calculation', min: 0.1, max: 10 },
  snr: { enabled: true, setPoint: { kind: 'early', warmupUpdates: 10, statistic: 'median' }, kp: 0.03, ki: 0.03, antiWindup: 'back-calculation', min: 0.5, max: 2 },
};

export const DEFAULT_UPDATE_EVERY = 20;
export const DEFAULT_KL_FLOOR = 1e-8;

export interface ResolvedLoop {
  gains: ResolvedPiGains;
  /** Each layer's set point before the first update. */
  initialSetPoints: Record<string, SetPointState>;
  /** The actuator range, in actuator units. */
  min: number;
  max: number;
}

export interface ResolvedHomeostatConfig {
  layers: string[];
  updateEvery: number;
  klFloor: number;
  loops: Record<LoopName, ResolvedLoop | null>;
}

/** Checks the configuration, fills in the defaults; every error says which field is wrong and how. */
export function resolveHomeostatConfig(config: HomeostatConfig): ResolvedHomeostatConfig {
  const layers = [...(config.layers ?? [])];
  if (layers.length === 0) throw new Error('Homeostat: `layers` is empty; name the variational layers to regulate (the keys of the measurement records).');
  const duplicates = layers.filter((l, i) => layers.indexOf(l) !== i);
  if (duplicates.length > 0) throw new Error(`Homeostat: layer names must be distinct; repeated: ${[...new Set(duplicates)].join(', ')}.`);
  const updateEvery = config.updateEvery ?? DEFAULT_UPDATE_EVERY;
  if (!Number.isInteger(updateEvery) || updateEvery < 1) throw new Error(`Homeostat: updateEvery must be a positive integer (training steps between updates), got ${updateEvery}.`);
  const klFloor = config.klFloor ?? DEFAULT_KL_FLOOR;
  if (!(klFloor > 0) || !Number.isFinite(klFloor)) throw new Error(`Homeostat: klFloor must be a positive finite number of nats per parameter, got ${klFloor}.`);
  const loops = { kl: resolveLoop('kl', config.kl, layers), snr: resolveLoop('snr', config.snr, layers) };
  return { layers, updateEvery, klFloor, loops };
}

function resolveLoop(name: LoopName, given: LoopConfig | undefined, layers: readonly string[]): ResolvedLoop | null {
  if (!given || given.enabled === false) return null;
  const c = { ...DEFAULT_LOOPS[name], ...definedOnly(given) };
  const loop = `${name} loop`;
  if (!(c.min > 0 && c.max > 0 && Number.isFinite(c.min) && Number.isFinite(c.max))) {
    throw new Error(`Homeostat ${loop}: min and max are actuator values (a ${name === 'kl' ? 'KL-weight multiplier' : 'noise temperature'}) and must be positive and finite, got [${c.min}, ${c.max}].`);
  }
  if (!(c.min <= 1 && c.max >= 1)) throw new Error(`Homeostat ${loop}: the range [${c.min}, ${c.max}] must contain the nominal value 1 (the output at zero error).`);
  if (c.setPoint.kind === 'fixed' && typeof c.setPoint.value === 'object') {
    const unknown = Object.keys(c.setPoint.value).filter((k) => !layers.includes(k));
    if (unknown.length > 0) throw new Error(`Homeostat ${loop}: fixed set points are given for ${unknown.join(', ')}, which are not among the layers (${layers.join(', ')}).`);
  }
  const gains = resolvePiGains(
    { kp: c.kp, ki: c.ki, antiWindup: c.antiWindup, trackingGain: given.trackingGain, outputMin: Math.log(c.min), outputMax: Math.log(c.max), bias: 0, direction: -1 },
    `Homeostat ${loop}`,
  );
  return { gains, initialSetPoints: Object.fromEntries(layers.map((layer) => [layer, initialSetPoint(c.setPoint, layer, loop)])), min: c.min, max: c.max };
}

function initialSetPoint(config: SetPointConfig, layer: string, loop: string): SetPointState {
  switch (config.kind) {
    case 'fixed': {
      if (typeof config.value === 'number') return fixedSetPoint(config.value);
      const value = config.value[layer];
      if (value === undefined) throw new Error(`Homeostat ${loop}: the fixed set points name no value for layer '${layer}'; give one per layer or a single number.`);
      return fixedSetPoint(value);
    }
    case 'early':
      return earlySetPoint(config);
    default:
      throw new Error(`Homeostat ${loop}: set point kind must be 'fixed' or 'early', got '${String((config as { kind: unknown }).kind)}'.`);
  }
}

/** Drops keys whose value is undefined, so that they do not override the defaults. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
