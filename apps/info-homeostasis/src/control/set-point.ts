/** A set point given in advance. */
export interface FixedSetPoint {
  kind: 'fixed';
  value: number;
}

/**
 * A set point learned from the run itself: after `delayUpdates` updates that are ignored, the next
 * `warmupUpdates` measurements are recorded, the controller holding its nominal output all along;
 * then the set point freezes at their mean or median plus `offset` (in the loop's measurement
 * space: log-nats for KL, dB for SNR). A delay takes the set point later in training, from a
 * network that has learned something, rather than from the barely trained one.
 */
export interface EarlySetPoint {
  kind: 'early';
  delayUpdates: number;
  /** Updates ignored so far (at most delayUpdates). */
  skipped: number;
  warmupUpdates: number;
  statistic: 'mean' | 'median';
  offset: number;
  /** Measurements seen so far during the warm-up (kept afterwards, for the record). */
  recorded: number[];
  /** null until the warm-up is over. */
  value: number | null;
}

/** Plain data, serialisable to JSON as it is. */
export type SetPointState = FixedSetPoint | EarlySetPoint;

export interface EarlySetPointOptions {
  /** Updates to ignore before recording starts (default 0). */
  delayUpdates?: number;
  warmupUpdates: number;
  statistic: 'mean' | 'median';
  offset?: number;
}

export function fixedSetPoint(value: number): FixedSetPoint {
  if (!Number.isFinite(value)) throw new Error(`fixedSetPoint: the value must be a finite number, got ${value}.`);
  return { kind: 'fixed', value };
}

export function earlySetPoint(options: EarlySetPointOptions): EarlySetPoint {
  const { delayUpdates = 0, warmupUpdates, statistic, offset = 0 } = options;
  if (!Number.isInteger(delayUpdates) || delayUpdates < 0) {
    throw new Error(`earlySetPoint: delayUpdates must be a non-negative integer (controller updates to ignore before recording), got ${delayUpdates}.`);
  }
  if (!Number.isInteger(warmupUpdates) || warmupUpdates < 1) {
    throw new Error(`earlySetPoint: warmupUpdates must be a positive integer (controller updates to record before freezing), got ${warmupUpdates}.`);
  }
  if (statistic !== 'mean' && statistic !== 'median') throw new Error(`earlySetPoint: statistic must be 'mean' or 'median', got '${String(statistic)}'.`);
  if (!Number.isFinite(offset)) throw new Error(`earlySetPoint: offset must be a finite number, got ${offset}.`);
  return { kind: 'early', delayUpdates, skipped: 0, warmupUpdates, statistic, offset, recorded: [], value: null };
}

/** The set point now, or null while an early set point is still recording. */
export function currentSetPoint(state: SetPointState): number | null {
  return state.value;
}

/**
 * Feeds one controller update's measurement. A fixed set point ignores it. An early set point
 * ignores it during the delay and records it during the warm-up; the update that completes the warm-up freezes the value, but still
 * returns null (that update, like every warm-up update, holds the nominal output); from the next
 * update on it returns the frozen value and ignores measurements. Pure: returns a new state.
 */
export function updateSetPoint(state: SetPointState, measurement: number, loop = 'set point'): { state: SetPointState; setPoint: number | null } {
  if (state.kind === 'fixed' || state.value !== null) return { state, setPoint: state.value };
  if (state.skipped < state.delayUpdates) return { state: { ...state, skipped: state.skipped + 1 }, setPoint: null };
  if (!Number.isFinite(measurement)) {
    throw new Error(`${loop}: measurement ${measurement} during the set-point warm-up (update ${state.recorded.length + 1} of ${state.warmupUpdates}); the regulated quantity has diverged or the sensor failed.`);
  }
  const recorded = [...state.recorded, measurement];
  const value = recorded.length === state.warmupUpdates ? statisticOf(state.statistic, recorded) + state.offset : null;
  return { state: { ...state, recorded, value }, setPoint: null };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function statisticOf(statistic: 'mean' | 'median', values: readonly number[]): number {
  return statistic === 'mean' ? values.reduce((a, b) => a + b, 0) / values.length : median(values);
}

/** Checks a set-point state read from a checkpoint; throws naming `loop` and the broken field. */
export function checkSetPointState(state: unknown, loop: string): SetPointState {
  const s = state as Omit<Partial<EarlySetPoint>, 'kind'> & { kind?: string };
  const bad = (why: string): never => {
    throw new Error(`${loop}: invalid set-point state in the checkpoint (${why}): ${JSON.stringify(state)}.`);
  };
  if (s === null || typeof s !== 'object') return bad('not an object');
  if (s.kind === 'fixed') {
    if (!Number.isFinite(s.value)) bad('a fixed set point needs a finite value');
    return { kind: 'fixed', value: s.value as number };
  }
  if (s.kind !== 'early') return bad(`unknown kind '${String(s.kind)}'`);
  // checkpoints written before the delay existed have neither field: no delay
  const early = earlySetPoint({ delayUpdates: s.delayUpdates ?? 0, warmupUpdates: s.warmupUpdates as number, statistic: s.statistic as 'mean', offset: s.offset });
  const skipped = s.skipped ?? early.delayUpdates;
  if (!Number.isInteger(skipped) || skipped < 0 || skipped > early.delayUpdates) bad('skipped must be an integer from 0 to delayUpdates');
  if (!Array.isArray(s.recorded) || s.recorded.some((v) => !Number.isFinite(v)) || s.recorded.length > early.warmupUpdates) bad('recorded must hold at most warmupUpdates finite numbers');
  const recorded = s.recorded as number[];
  if (recorded.length > 0 && skipped < early.delayUpdates) bad('nothing can be recorded before the delay is over');
  const complete = recorded.length === early.warmupUpdates;
  if (complete !== (s.value !== null) || (s.value !== null && !Number.isFinite(s.value))) bad('value must be a finite number exactly when the warm-up is complete');
  return { ...early, skipped, recorded: [...recorded], value: s.value as number | null };
}
