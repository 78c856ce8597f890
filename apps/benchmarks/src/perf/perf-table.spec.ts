import { adamUpdateOutput, pcTrainingOutput, snnTrainingOutput } from './perf-fixtures.test-helpers';
import { adamUpdateAdapter, pcTrainingAdapter, snnTrainingAdapter } from './perf-workloads';
import { formatMeasurement, formatRatio, perfMarkdownTable } from './perf-table';

const ok = (target: string, rows: ReturnType<typeof snnTrainingAdapter>['rows']) => ({ project: target.split(':')[0], target, status: 'ok' as const, workloads: rows, failure: null });

/** Cells of a pipe-table line, split at pipes that are not escaped. */
const cells = (line: string) => line.slice(2, -2).split(/ (?<!\\)\| /);

describe('perfMarkdownTable', () => {
  const table = perfMarkdownTable([
    ok('spiking:bench', snnTrainingAdapter(snnTrainingOutput()).rows),
    ok('predictive-coding:bench', pcTrainingAdapter(pcTrainingOutput({ skipped: true })).rows),
    ok('tensor:bench', adamUpdateAdapter(adamUpdateOutput()).rows),
    { project: 'datasets', target: 'datasets:bench', status: 'failed', workloads: [], failure: { reason: 'exited with code 1', stderrTail: ['Error: MNIST not found'] } },
  ]);
  const lines = table.split('\n');

  it('states the ratio direction above a five-column table with one row per workload and per failed bench', () => {
    expect(lines[0]).toMatch(/^ratio = our speed \/ the PyTorch reference speed: .*above 1 means ours is faster\./);
    const tableLines = lines.filter((l) => l.startsWith('|'));
    expect(tableLines[0]).toBe('| workload | batch | ours | reference | ours / reference |');
    expect(tableLines[1]).toBe('| :--- | ---: | ---: | ---: | ---: |');
    expect(tableLines).toHaveLength(2 + 2 + 1 + 1 + 1);
    for (const line of tableLines) expect(cells(line)).toHaveLength(5);
  });

  it('shows ours, the reference and the ratio with their units', () => {
    expect(lines).toContain('| SNN training 784-1000-10 LIF, T = 25, BPTT + Adam: fused (linearLifLinear) | 32 | 6,792 samples/s | 2,032 samples/s | 3.34x |');
    expect(lines).toContain('| Adam update, 795,010 parameters: fused Adam (native) | – | 0.480 ms | – | – |');
  });

  it('marks a skipped reference and gives the reason below the table', () => {
    expect(lines).toContain('| PC training 784-256-256-10 tanh, T = 20 inference steps, local SGD: PcTrainer (kernel native) | 128 | 12,429 samples/s | skipped | – |');
    const below = lines.slice(lines.indexOf('Reference skipped:') + 1);
    expect(below[0]).toMatch(/^- predictive-coding:bench: no reference: no Python with torch/);
  });

  it('gives a failed bench a row and names it below the table', () => {
    expect(lines).toContain('| datasets:bench | – | FAILED: exited with code 1 | – | – |');
    expect(lines.slice(lines.indexOf('Failed benches:') + 1)).toEqual(['- datasets:bench: exited with code 1 (the last lines of its stderr are in the JSON: benches\\[\\].failure.stderrTail)']);
  });
});

describe('formatting', () => {
  it('prints rates as whole numbers from 100 up and times to 3 significant digits', () => {
    expect(formatMeasurement(14540.4, 'samples/s')).toBe('14,540 samples/s');
    expect(formatMeasurement(42.123, 'queries/s')).toBe('42.1 queries/s');
    expect(formatMeasurement(0.052, 'ms')).toBe('0.0520 ms');
    expect(formatMeasurement(2337.4, 'ms')).toBe('2,337 ms');
    expect(formatMeasurement(Number.NaN, 'ms')).toBe('–');
  });

  it('prints the ratio with 2 decimals and a missing one as a dash', () => {
    expect(formatRatio(2.6512)).toBe('2.65x');
    expect(formatRatio(null)).toBe('–');
  });
});
