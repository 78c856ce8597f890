import { weightLayerCount, type PcArchitecture } from '../pc';

/**
 * How an error unit transmits its precision-weighted error e:
 * - 'stochastic': two Bernoulli spike channels per unit (the model).
 * - 'expected': the channel's expected value r_max (p+ - p-) = clip(e, -r_max, r_max) is sent as
 *   is, with no sampling: the noise-free limit used to check the dynamics against the PC core.
 */
export type ErrorChannel = 'stochastic' | 'expected';

export interface SpikingPcOptions {
  /** K, time steps of inference per sample (or mini-batch). */
  readonly timeSteps: number;
  /** eta, step size of the value-node update per time step (the PC core's stepSize). */
  readonly stepSize: number;
  /** pi_1..pi_L, one per predicted layer. */
  readonly precisions: readonly number[];
  /** dt, the time step (same unit as tauSyn). */
  readonly dt: number;
  /** tau_s, time constant of the synaptic traces; tau_s >= dt. tau_s = dt: the trace is the last step's spike-carried error. */
  readonly tauSyn: number;
  /** r_max per predicted layer: the magnitude every spike carries (a larger value: fewer spikes, more variance). */
  readonly rMax: readonly number[];
  readonly channel: ErrorChannel;
  /** lr of the local weight rule; 0 runs inference only. */
  readonly learningRate: number;
}

export type SpikingPcOptionsInput = Partial<Omit<SpikingPcOptions, 'precisions' | 'rMax'>> & {
  readonly precisions?: number | readonly number[];
  readonly rMax?: number | readonly number[];
};

export const DEFAULT_SPIKING_PC_OPTIONS = {
  timeSteps: 20,
  stepSize: 0.1,
  precisions: 1,
  dt: 1,
  tauSyn: 2,
  rMax: 1,
  channel: 'stochastic',
  learningRate: 0.01,
} as const satisfies SpikingPcOptionsInput;

/** Fills defaults and validates against the architecture; errors name the field and the fix. */
export function resolveSpikingPcOptions(architecture: PcArchitecture, input: SpikingPcOptionsInput = {}): SpikingPcOptions {
  const L = weightLayerCount(architecture);
  const merged = { ...DEFAULT_SPIKING_PC_OPTIONS, ...input };
  const { timeSteps, stepSize, dt, tauSyn, channel, learningRate } = merged;
  if (!Number.isInteger(timeSteps) || timeSteps < 1) throw new Error(`timeSteps (K) must be a positive integer, got ${timeSteps}; 20 steps per sample is the default.`);
  if (!(stepSize > 0) || !Number.isFinite(stepSize)) throw new Error(`stepSize (eta) must be a positive number, got ${stepSize}; the PC core uses 0.1.`);
  if (!(dt > 0) || !Number.isFinite(dt)) throw new Error(`dt must be a positive number, got ${dt}.`);
  if (!(tauSyn >= dt) || !Number.isFinite(tauSyn)) {
    throw new Error(`tauSyn must be a finite number >= dt (${dt}), got ${tauSyn}: the trace s <- (1 - dt/tauSyn) s + (dt/tauSyn) spikes needs dt/tauSyn in (0, 1].`);
  }
  if (channel !== 'stochastic' && channel !== 'expected') {
    throw new Error(`channel must be 'stochastic' (Bernoulli error spikes) or 'expected' (noise-free limit), got "${String(channel)}".`);
  }
  if (!(learningRate >= 0) || !Number.isFinite(learningRate)) throw new Error(`learningRate must be a finite number >= 0 (0 runs inference only), got ${learningRate}.`);
  const precisions = perLayer('precisions', merged.precisions, L, architecture);
  const rMax = perLayer('rMax', merged.rMax, L, architecture);
  return Object.freeze({ timeSteps, stepSize, precisions, dt, tauSyn, rMax, channel, learningRate });
}

function perLayer(name: string, value: number | readonly number[], L: number, architecture: PcArchitecture): readonly number[] {
  const values = typeof value === 'number' ? Array.from({ length: L }, () => value) : [...value];
  if (values.length !== L) {
    throw new Error(`${name} must be one number or one per predicted layer (${L} values for sizes [${architecture.sizes.join(', ')}]), got ${values.length}.`);
  }
  values.forEach((v, i) => {
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`${name}[${i}] (layer ${i + 1}) must be a positive finite number, got ${v}.`);
  });
  return Object.freeze(values);
}

/** a = dt / tau_s, the weight of the newest spike-carried error in the trace. */
export function traceGain(options: Pick<SpikingPcOptions, 'dt' | 'tauSyn'>): number {
  return options.dt / options.tauSyn;
}
