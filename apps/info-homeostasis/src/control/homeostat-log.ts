import type { LoopName } from './homeostat-config';

/** The loop is off: the sensor reading is kept for the trajectory, the actuator stays at 1. */
export interface OffLoopRecord {
  phase: 'off';
  measurement: number;
}

/** What an enabled loop did for one layer at one update. */
export interface ActiveLoopRecord {
  /** 'warmup': the early set point is still recording and the actuator holds 1; 'control': the PI acted. */
  phase: 'warmup' | 'control';
  /** The sensor reading as given (nats per parameter, dB). */
  measurement: number;
  /** What the controller sees: ln(max(KL, klFloor)) for KL, the dB value for SNR. */
  controlled: number;
  /** null during the warm-up. */
  setPoint: number | null;
  /** direction (set point - controlled); null during the warm-up. */
  error: number | null;
  /** The PI integral after this update. */
  integral: number;
  /** ln of the actuator value. */
  logOutput: number;
  /** The actuator value now applied: exp(logOutput). */
  output: number;
  saturated: boolean;
}

/** What one loop did for one layer at one update. */
export type LoopRecord = OffLoopRecord | ActiveLoopRecord;

export interface LayerRecord {
  kl?: LoopRecord;
  snr?: LoopRecord;
  /** Logged only: the Fisher sensor drives no loop. */
  fisherPerParameter?: number;
}

export interface ActuatorValues {
  klWeight: number;
  noiseTemperature: number;
}

export interface HomeostatUpdate {
  /** false when `step` was not an update step: the actuators are the held ones and `log` is null. */
  updated: boolean;
  step: number;
  actuators: Record<string, ActuatorValues>;
  log: Record<string, LayerRecord> | null;
}

/**
 * The log as flat `layer/loop/field` keys (e.g. `layer1/kl/setPoint`), for a metrics writer or a
 * CSV row. Booleans become 0 / 1 and a missing set point (warm-up) becomes null.
 */
export function flattenHomeostatLog(log: Readonly<Record<string, LayerRecord>>): Record<string, number | string | null> {
  const row: Record<string, number | string | null> = {};
  for (const [layer, record] of Object.entries(log)) {
    for (const loop of ['kl', 'snr'] as LoopName[]) {
      const r = record[loop];
      if (!r) continue;
      for (const [field, value] of Object.entries(r)) row[`${layer}/${loop}/${field}`] = typeof value === 'boolean' ? Number(value) : value;
    }
    if (record.fisherPerParameter !== undefined) row[`${layer}/fisherPerParameter`] = record.fisherPerParameter;
  }
  return row;
}
