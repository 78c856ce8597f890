/** A set point given in advance. */
export interface FixedSetPoint {
  kind: 'fixed';
  value: number;
}

/**
 * A set point learned from the run itself: the first `warmupUpdates` measurements are recorded
 * while the controller holds its nominal output, then the set point freezes at their mean or median
 * plus `offset` (in the loop's measurement space: log-nats for KL, dB for SNR).
 */
export interface EarlySetPoint {
  kind: 'early';
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
  warmupUpdates: number;
  statistic: 'mean' | 'median';
  offset?: number;
}

export function fixedSetPoint(value: number): FixedSetPoint {
  if (!Number.isFinite(value)) throw new Error(`fixedSetPoint: the value must be a finite number, got ${value}.`);
  return { kind: 'fixed', value };
}

export function earlySetPoint(options: EarlySetPointOptions): EarlySetPoint {
  const { warmupUpdates, statistic, offset = 0 } = options;
  if (!Number.isInteger(warmupUpdates) || warmupUpdates < 1) {
    throw new Error(`earlySetPoint: warmupUpdates must be a positive integer (controller updates to record before freezing), got ${warmupUpdates}.`);
  }
  if (statistic !== 'mean' && statistic !== 'median') throw new Error(`earlySetPoint: statistic must be 'mean' or 'median', got '${String(statistic)}'.`);
  if (!Number.isFinite(offset)) throw new Error(`earlySetPoint: offset must be a finite number, got ${offset}.`);
  return { kind: 'early', warmupUpdates, statistic, offset, recorded: [], value: null };
}

/** The set point now, or null while an early set point is still recording. */
export function currentSetPoint(state: SetPointState): number | null {
  return state.value;
}

/**
 * Feeds one controller update's measurement. A fixed set point ignores it. An early set point
 * records it during the warm-up; the update that completes the warm-up freezes the value, but still
 * returns null (that update, like every warm-up update, holds the nominal output); from the next
 * update on it returns the frozen value and ignores measurements. Pure: returns a new state.
 */
export function updateSetPoint(state: SetPointState, measurement: number, loop = 'set point'): { state: SetPointState; setPoint: number | null } {
  if (state.kind === 'fixed' || state.value !== null) return { state, setPoint: state.value };
  if (!Number.isFinite(measurement)) {
    throw new Error(`${loop}: measurement ${measurement} during the set-point warm-up (update ${state.recorded.length + 1} of ${state.warmupUpdates}); the regulated quantity has diverged or the sensor failed.`);
  }
  const recorded = [...state.recorded, measurement];
  const value = recorded.length === state.warmupUpdates ? statisticOf(state.statistic, recorded) + state.offset : null;
  return { state: { ...state, recorded, value }, setPoint: null };
}

function statisticOf(statistic: 'mean' | 'median', values: readonly number[]): number {
  if (statistic === 'mean') return values.reduce((a, b) => a + b, 0) / values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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
  const early = earlySetPoint({ warmupUpdates: s.warmupUpdates as number, statistic: s.statistic as 'mean', offset: s.offset });
  if (!Array.isArray(s.recorded) || s.recorded.some((v) => !Number.isFinite(v)) || s.recorded.length > early.warmupUpdates) bad('recorded must hold at most warmupUpdates finite numbers');
  const recorded = s.recorded as number[];
  const complete = recorded.length === early.warmupUpdates;
  if (complete !== (s.value !== null) || (s.value !== null && !Number.isFinite(s.value))) bad('value must be a finite number exactly when the warm-up is complete');
  return { ...early, recorded: [...recorded], value: s.value as number | null };
}
