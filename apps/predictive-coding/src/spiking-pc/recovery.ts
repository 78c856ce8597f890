import type { StreamRun } from './stream-runner';

/** Accuracy on one evaluation set from a switch on: the belief-adjustment (recovery) curve. */
export interface RecoveryPoint {
  /** Samples learned since the switch (0: the model as it was when the new distribution arrived). */
  readonly samplesAfterSwitch: number;
  readonly accuracy: number;
}

function switchStart(run: StreamRun, phase: string): number {
  const found = run.phases.find((p) => p.name === phase);
  if (!found) throw new Error(`The stream has no phase "${phase}"; its phases are ${run.phases.map((p) => `"${p.name}"`).join(', ')}.`);
  return found.startsAt;
}

function checkSet(run: StreamRun, set: string): void {
  const first = run.evaluations[0];
  if (!first || !(set in first.accuracy)) throw new Error(`The stream was not evaluated on "${set}"; its evaluation sets are ${Object.keys(first?.accuracy ?? {}).map((s) => `"${s}"`).join(', ')}.`);
}

/** The evaluations of `set` from the start of `phase` on (the runner always evaluates at a phase start). */
export function recoveryCurve(run: StreamRun, phase: string, set: string): RecoveryPoint[] {
  const start = switchStart(run, phase);
  checkSet(run, set);
  return run.evaluations.filter((e) => e.samplesSeen >= start).map((e) => ({ samplesAfterSwitch: e.samplesSeen - start, accuracy: e.accuracy[set] }));
}

/** Samples after the start of `phase` until the accuracy on `set` first reaches `level`; null if it never does. */
export function samplesToRecover(run: StreamRun, phase: string, set: string, level: number): number | null {
  const point = recoveryCurve(run, phase, set).find((p) => p.accuracy >= level);
  return point ? point.samplesAfterSwitch : null;
}
