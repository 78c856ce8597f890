// One measured workload of the speed suite: our number, the PyTorch reference's when the bench has
// one, and their ratio, always oriented so that higher means we are faster.

/** Throughputs (higher is faster) or a time per call (lower is faster). */
export type Unit = 'samples/s' | 'queries/s' | 'images/s' | 'ms';

const HIGHER_IS_FASTER: Record<Unit, boolean> = { 'samples/s': true, 'queries/s': true, 'images/s': true, ms: false };

/** How `ratio` is defined, stated in the suite's output. */
export const RATIO_DEFINITION =
  'ratio = our speed / the PyTorch reference speed: ours / reference for throughputs, reference / ours for times; above 1 means ours is faster';

/** Another implementation of ours that the bench measured on the same workload (for scale). */
export interface OtherImplementation {
  implementation: string;
  value: number;
}

export interface WorkloadRow {
  /** What is computed, e.g. 'SNN training 784-1000-10, T = 25'. */
  workload: string;
  /** Which of our implementations `ours` measures, e.g. 'fused'. */
  implementation: string;
  unit: Unit;
  /** Samples (or queries) per call; null where the workload has none (a data-set load). */
  batch: number | null;
  /** Our number, in `unit`: the statistic the bench reports for it (a median; see the bench's `statistic`). */
  ours: number;
  /** The PyTorch reference's number in the same unit, when it ran. */
  reference: number | null;
  /** What `reference` is, e.g. 'PyTorch torch_snn.py, best of 3 runs'; null for workloads without a reference. */
  referenceImplementation: string | null;
  /** Why the reference did not run, as the bench printed it; null when it ran or none exists. */
  referenceSkipped: string | null;
  /** See {@link RATIO_DEFINITION}; null without a reference. */
  ratio: number | null;
  /** The bench's own headline ratio where it prints one, which may use another statistic (e.g. median of paired rounds). */
  benchRatio: { field: string; value: number | null } | null;
  others: OtherImplementation[];
  /** Anything the reader must know about this number (e.g. a failed parity check). */
  notes: string[];
}

/** Our speed over the reference's (see {@link RATIO_DEFINITION}); null when either is missing or not positive. */
export function speedRatio(ours: number, reference: number | null, unit: Unit): number | null {
  if (reference === null || !(ours > 0) || !(reference > 0)) return null;
  return HIGHER_IS_FASTER[unit] ? ours / reference : reference / ours;
}

/** A row with its ratio computed, and the optional parts defaulted. */
export function workloadRow(row: Omit<WorkloadRow, 'ratio' | 'benchRatio' | 'others' | 'notes' | 'reference' | 'referenceImplementation' | 'referenceSkipped'> & Partial<WorkloadRow>): WorkloadRow {
  const reference = row.reference ?? null;
  return {
    workload: row.workload,
    implementation: row.implementation,
    unit: row.unit,
    batch: row.batch,
    ours: row.ours,
    reference,
    referenceImplementation: row.referenceImplementation ?? null,
    referenceSkipped: row.referenceSkipped ?? null,
    ratio: speedRatio(row.ours, reference, row.unit),
    benchRatio: row.benchRatio ?? null,
    others: row.others ?? [],
    notes: row.notes ?? [],
  };
}
