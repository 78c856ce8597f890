import { LOOP_NAMES, type LoopName, type ResolvedHomeostatConfig, type ResolvedLoop } from './homeostat-config';
import type { ActuatorValues, HomeostatUpdate, LayerRecord, LoopRecord } from './homeostat-log';
import type { HomeostatState, LoopLayerState } from './homeostat-state';
import { piStep } from './pi-step';
import { updateSetPoint } from './set-point';

/** The sensor readings of one update, per layer name. */
export interface HomeostatMeasurements {
  /** KL(q || p) per parameter, in nats (`klPerParameter`). */
  kl?: Readonly<Record<string, number>>;
  /** Pre-activation SNR in dB at the temperature in use (`preActivationSnr(...).snrDb`). */
  snrDb?: Readonly<Record<string, number>>;
  /** Fisher trace per parameter (`fisherTracePerParameter(...).perParameter`); logged only. */
  fisherPerParameter?: Readonly<Record<string, number>>;
}

const SENSOR_OF: Record<LoopName, 'kl' | 'snrDb'> = { kl: 'kl', snr: 'snrDb' };

/** Updates run at steps 0, updateEvery, 2 updateEvery, ... */
export function isUpdateStep(config: ResolvedHomeostatConfig, step: number): boolean {
  return step % config.updateEvery === 0;
}

/** The actuator values the state implies: exp(logOutput) of each enabled loop, 1 for a loop that is off. */
export function actuatorValues(config: ResolvedHomeostatConfig, state: HomeostatState): Record<string, ActuatorValues> {
  const value = (loop: LoopName, layer: string) => {
    const l = state.loops[loop]?.[layer];
    return l ? Math.exp(l.logOutput) : 1;
  };
  return Object.fromEntries(config.layers.map((layer) => [layer, { klWeight: value('kl', layer), noiseTemperature: value('snr', layer) }]));
}

/**
 * One call of the per-layer homeostat (pure; returns the next state). On a step that is not an
 * update step it only reports the held actuators. On an update step, per enabled loop and layer:
 *
 *   KL loop:  y = ln(max(KL per parameter, klFloor)),  u = ln(KL weight)
 *   SNR loop: y = SNR in dB,                            u = ln(noise temperature)
 *
 * both with direction -1 (raising either actuator lowers its measurement), so a measurement above
 * its set point raises the actuator. The set point is updated first; during an early set point's
 * warm-up the controller holds u = 0 (actuator 1) and its integral. Readings of loops that are off
 * and the Fisher trace are logged and nothing else.
 */
export function homeostatStep(config: ResolvedHomeostatConfig, state: HomeostatState, step: number, measurements: HomeostatMeasurements): { state: HomeostatState; update: HomeostatUpdate } {
  if (!Number.isInteger(step) || step < 0) throw new Error(`Homeostat.update: step must be a non-negative integer (the training step), got ${step}.`);
  if (!isUpdateStep(config, step)) {
    // measurements given on other steps are ignored: the sensors are only worth computing on update steps
    return { state, update: { updated: false, step, actuators: actuatorValues(config, state), log: null } };
  }
  checkMeasurements(config, measurements);
  if (state.lastUpdateStep !== null && step <= state.lastUpdateStep) {
    throw new Error(`Homeostat.update: step ${step} comes after the update at step ${state.lastUpdateStep}; steps must increase (was the state restored from a later checkpoint?).`);
  }
  const loops: HomeostatState['loops'] = {};
  const log: Record<string, LayerRecord> = Object.fromEntries(config.layers.map((layer) => [layer, {}]));
  for (const name of LOOP_NAMES) {
    const loop = config.loops[name];
    const readings = measurements[SENSOR_OF[name]];
    if (!loop) {
      if (readings) for (const layer of config.layers) log[layer][name] = { phase: 'off', measurement: readings[layer] };
      continue;
    }
    const before = state.loops[name] as Record<string, LoopLayerState>;
    const after: Record<string, LoopLayerState> = {};
    for (const layer of config.layers) {
      const r = loopUpdate(name, loop, before[layer], (readings as Record<string, number>)[layer], config.klFloor, `${name} loop, layer ${layer}`);
      after[layer] = r.state;
      log[layer][name] = r.record;
    }
    loops[name] = after;
  }
  if (measurements.fisherPerParameter) for (const layer of config.layers) log[layer].fisherPerParameter = measurements.fisherPerParameter[layer];
  const next: HomeostatState = { version: 1, lastUpdateStep: step, updates: state.updates + 1, loops };
  return { state: next, update: { updated: true, step, actuators: actuatorValues(config, next), log } };
}

function loopUpdate(name: LoopName, loop: ResolvedLoop, state: LoopLayerState, measurement: number, klFloor: number, label: string): { state: LoopLayerState; record: LoopRecord } {
  // NaN stays NaN through max and log, and is reported below with the loop's name
  const controlled = name === 'kl' ? Math.log(Math.max(measurement, klFloor)) : measurement;
  const sp = updateSetPoint(state.setPoint, controlled, label);
  if (sp.setPoint === null) {
    const held = loop.gains.bias;
    return {
      state: { integral: state.integral, setPoint: sp.state, logOutput: held },
      record: { phase: 'warmup', measurement, controlled, setPoint: null, error: null, integral: state.integral, logOutput: held, output: Math.exp(held), saturated: false },
    };
  }
  const r = piStep(loop.gains, { integral: state.integral }, controlled, sp.setPoint, label);
  return {
    state: { integral: r.state.integral, setPoint: sp.state, logOutput: r.output },
    record: { phase: 'control', measurement, controlled, setPoint: sp.setPoint, error: r.error, integral: r.state.integral, logOutput: r.output, output: Math.exp(r.output), saturated: r.saturated },
  };
}

/** Every record must name configured layers only, and an enabled loop needs a reading for every layer. */
function checkMeasurements(config: ResolvedHomeostatConfig, m: HomeostatMeasurements): void {
  const known = new Set(config.layers);
  for (const key of ['kl', 'snrDb', 'fisherPerParameter'] as const) {
    const record = m[key];
    if (record === undefined) continue;
    const unknown = Object.keys(record).filter((k) => !known.has(k));
    if (unknown.length > 0) throw new Error(`Homeostat.update: measurements.${key} names ${unknown.join(', ')}, which the homeostat does not regulate (its layers: ${config.layers.join(', ')}).`);
    const notNumbers = Object.entries(record).filter(([, v]) => typeof v !== 'number');
    if (notNumbers.length > 0) throw new Error(`Homeostat.update: measurements.${key} must hold numbers; ${notNumbers.map(([k, v]) => `${k} is ${typeof v}`).join(', ')}.`);
  }
  for (const name of LOOP_NAMES) {
    if (!config.loops[name]) continue;
    const key = SENSOR_OF[name];
    const missing = config.layers.filter((layer) => m[key]?.[layer] === undefined);
    if (missing.length > 0) throw new Error(`Homeostat.update: the ${name} loop is on but measurements.${key} has no value for ${missing.join(', ')}.`);
  }
}
