// The speed suite's Markdown summary: one table row per workload (a failed bench gets one row saying
// so), then why references were skipped and which benches failed. The numbers are the JSON's; this only
// formats them.
import { formatCount, formatLatency, MISSING } from '../report/format';
import { escapeMarkdownText, markdownTable } from '../report/markdown-text';
import type { BenchReport } from './perf-report';
import { RATIO_DEFINITION, type Unit } from './workload-row';

type TableBench = Pick<BenchReport, 'project' | 'target' | 'status' | 'workloads' | 'failure'>;

/** A measurement with its unit: whole numbers with thousands separators from 100 up (1,000 for times), else 3 significant digits. */
export function formatMeasurement(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return MISSING;
  if (unit === 'ms') return Math.abs(value) >= 1000 ? `${formatCount(value)} ms` : formatLatency(value);
  return `${Math.abs(value) >= 100 ? formatCount(value) : value.toPrecision(3)} ${unit}`;
}

/** Our speed over the reference's, 2 decimals: 2.6512 -> '2.65x'. */
export function formatRatio(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? MISSING : `${ratio.toFixed(2)}x`;
}

export const PERF_TABLE_HEADERS = ['workload', 'batch', 'ours', 'reference', 'ours / reference'] as const;

export function perfMarkdownTable(benches: readonly TableBench[]): string {
  const rows: string[][] = [];
  const skipped: string[] = [];
  const failed: string[] = [];
  for (const bench of benches) {
    if (bench.status === 'failed') {
      rows.push([`${bench.target}`, MISSING, `FAILED: ${bench.failure?.reason.split('\n')[0] ?? 'unknown reason'}`, MISSING, MISSING]);
      failed.push(`${bench.target}: ${bench.failure?.reason ?? 'unknown reason'} (the last lines of its stderr are in the JSON: benches[].failure.stderrTail)`);
      continue;
    }
    for (const row of bench.workloads) {
      let reference: string = MISSING; // no reference exists for this workload
      if (row.reference !== null) reference = formatMeasurement(row.reference, row.unit);
      else if (row.referenceSkipped !== null) {
        reference = 'skipped';
        const reason = `${bench.target}: ${row.referenceSkipped}`;
        if (!skipped.includes(reason)) skipped.push(reason);
      }
      const notes = row.notes.length ? ` [${row.notes.join('; ')}]` : '';
      rows.push([
        `${row.workload}: ${row.implementation}${notes}`,
        row.batch === null ? MISSING : String(row.batch),
        formatMeasurement(row.ours, row.unit),
        reference,
        formatRatio(row.ratio),
      ]);
    }
  }
  const sections = [
    `${RATIO_DEFINITION}. Reference = PyTorch on the same machine in the same bench run; ${MISSING} = none exists for the workload.`,
    '',
    markdownTable(PERF_TABLE_HEADERS, ['left', 'right', 'right', 'right', 'right'], rows),
  ];
  if (skipped.length) sections.push('', 'Reference skipped:', ...skipped.map((s) => `- ${escapeMarkdownText(s)}`));
  if (failed.length) sections.push('', 'Failed benches:', ...failed.map((s) => `- ${escapeMarkdownText(s)}`));
  return sections.join('\n');
}
