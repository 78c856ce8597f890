import type { MetricRow } from '../store/run-record';
import { DivergedError } from './run-errors';

export interface MetricOptions {
  step: number;
  epoch?: number;
  /** Which phase the value belongs to: `train`, `val`, `test`, ... */
  context?: string;
}

export type MetricSink = (rows: MetricRow[]) => void;

/** Builds the rows for one call; a non-finite value is a divergence, reported with step and metric. */
export function metricRows(values: Record<string, number>, options: MetricOptions, time = new Date().toISOString()): MetricRow[] {
  const context = options.context ?? 'train';
  if (!Number.isInteger(options.step) || options.step < 0) throw new Error(`Metric step must be a non-negative integer, got ${options.step}.`);
  return Object.entries(values).map(([name, value]) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new DivergedError(options.step, `${context}/${name}`, value);
    return { context, name, step: options.step, epoch: options.epoch ?? null, value, time };
  });
}

/** Scalars per step (or epoch) go to the sink at once; summary values are kept for the run record. */
export class MetricLogger {
  private readonly summaryValues: Record<string, number> = {};
  private lastStep: number | null = null;

  constructor(private readonly sink: MetricSink) {}

  log(name: string, value: number, options: MetricOptions): void {
    this.logMany({ [name]: value }, options);
  }

  logMany(values: Record<string, number>, options: MetricOptions): void {
    const rows = metricRows(values, options);
    this.sink(rows);
    this.lastStep = options.step;
  }

  summary(name: string, value: number): void {
    if (!Number.isFinite(value)) throw new DivergedError(this.lastStep ?? 0, `summary/${name}`, value);
    this.summaryValues[name] = value;
  }

  summaries(): Record<string, number> {
    return { ...this.summaryValues };
  }
}
