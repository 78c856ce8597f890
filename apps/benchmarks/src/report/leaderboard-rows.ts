// The leaderboard's rows in display order and the columns shown for them. The terminal and Markdown
// tables (and the HTML table) render exactly these cells, so every report shows the same numbers.
import type { Leaderboard, ModelScore } from '../leaderboard/leaderboard-types';
import {
  MISSING,
  formatAuroc,
  formatBrier,
  formatCompactCount,
  formatDegrees,
  formatEce,
  formatEnergy,
  formatLatency,
  formatNll,
  formatPercent,
  formatThroughput,
} from './format';

/** A model with its place on the leaderboard (1 = best). */
export interface RankedModel {
  rank: number;
  model: ModelScore;
}

/** One table column: a header and how to print a row's cell. */
export interface LeaderboardColumn {
  /** Stable key: 'rank', 'model', 'acc-30', ... */
  key: string;
  header: string;
  /** What the column measures, for tooltips and footnotes. */
  description: string;
  /** Numbers right-aligned, text left-aligned. */
  align: 'left' | 'right';
  /** Rank and model name a row: a table split into parts repeats these columns in each part. */
  identifying: boolean;
  cell: (row: RankedModel) => string;
}

/** A table ready to render: columns and, per row, one cell string per column. */
export interface LeaderboardTableData {
  columns: LeaderboardColumn[];
  rows: string[][];
}

/**
 * Orders models by test accuracy, best first; equal accuracies by NLL, lower first (the better-calibrated
 * model of two equally accurate ones ranks higher). Models equal on both share a rank ('1, 2, 2, 4') and
 * are listed by id so the order never depends on the input order. NaN scores sort last.
 */
export function rankModels(models: readonly ModelScore[]): RankedModel[] {
  const sorted = [...models].sort((a, b) => compareByScore(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ranked: RankedModel[] = [];
  sorted.forEach((model, i) => {
    const previous = ranked[i - 1];
    const rank = previous !== undefined && compareByScore(previous.model, model) === 0 ? previous.rank : i + 1;
    ranked.push({ rank, model });
  });
  return ranked;
}

/** `mean ± std` when the row averages seeds, else the value alone, both in the column's format. */
function spread(format: (value: number) => string, value: number, std: number | undefined): string {
  return std === undefined ? format(value) : `${format(value)} ± ${format(std)}`;
}

/** The table's columns for `board`: one accuracy column per rotation other than 0°, in the data's order. */
export function leaderboardColumns(board: Leaderboard): LeaderboardColumn[] {
  const rotations = board.data.rotations.filter((degrees) => degrees !== 0);
  const batches = new Set(board.models.map((m) => m.speed.throughputBatch));
  // one batch size for all models goes in the header; mixed batch sizes must be stated per cell
  const sharedBatch = batches.size === 1 ? [...batches][0] : undefined;
  // rows averaged over seeds say how many and how much they spread
  const seeded = board.models.some((m) => m.seeds !== undefined);
  return [
    text('rank', '#', 'Rank by test accuracy (ties: lower NLL first)', (r) => String(r.rank), true, 'right'),
    text('model', 'model', 'Model', (r) => r.model.label, true),
    text('project', 'project', 'Project that trained it', (r) => r.model.project),
    ...(seeded ? [number('seeds', 'seeds', 'Seeds averaged (mean ± sample std over seeds)', (m) => String(m.seeds?.count ?? 1))] : []),
    number('test-accuracy', 'test acc', 'Accuracy on the MNIST test set', (m) => spread(formatPercent, m.test.accuracy, m.seeds?.std.accuracy)),
    number('nll', 'NLL', 'Negative log-likelihood, nats per image (lower is better)', (m) => spread(formatNll, m.test.nll, m.seeds?.std.nll)),
    number('ece', 'ECE', 'Expected calibration error, 15 bins (lower is better)', (m) => spread(formatEce, m.test.ece, m.seeds?.std.ece)),
    number('brier', 'Brier', 'Brier score (lower is better)', (m) => spread(formatBrier, m.test.brier, m.seeds?.std.brier)),
    ...rotations.map((degrees) =>
      number(`acc-${degrees}`, `acc ${formatDegrees(degrees)}`, `Accuracy on the test set rotated by ${formatDegrees(degrees)}`, (m) =>
        formatPercent(m.rotation.find((r) => r.degrees === degrees)?.accuracy ?? Number.NaN),
      ),
    ),
    number('ood-auroc', 'OOD AUROC', 'Out-of-distribution detection AUROC by maximum probability', (m) => spread(formatAuroc, m.oodAuroc, m.seeds?.std.oodAuroc)),
    number('parameters', 'params', 'Trainable parameters', (m) => formatCompactCount(m.cost.parameters)),
    number('macs', 'MACs/sample', 'Dense multiply-accumulates per sample', (m) => (m.cost.macsPerSample === null ? MISSING : formatCompactCount(m.cost.macsPerSample))),
    number('sops', 'SOPs/sample', 'Synaptic operations per sample (spiking models only)', (m) =>
      m.cost.sopsPerSample === null ? MISSING : formatCompactCount(m.cost.sopsPerSample),
    ),
    number('energy', 'energy/sample', 'Estimated energy per sample', (m) => (m.cost.energyNanojoulesPerSample === null ? MISSING : formatEnergy(m.cost.energyNanojoulesPerSample))),
    number('latency', 'latency b=1', 'Median latency at batch 1', (m) => formatLatency(m.speed.latencyMs)),
    number(
      'throughput',
      sharedBatch === undefined ? 'throughput' : `throughput b=${sharedBatch}`,
      'Median throughput, samples per second',
      (m) => (sharedBatch === undefined ? `${formatThroughput(m.speed.throughputPerSecond)} (b=${m.speed.throughputBatch})` : formatThroughput(m.speed.throughputPerSecond)),
    ),
  ];
}

/** The ranked rows of `board` as cell strings under {@link leaderboardColumns}. */
export function leaderboardTableData(board: Leaderboard): LeaderboardTableData {
  const columns = leaderboardColumns(board);
  const rows = rankModels(board.models).map((row) => columns.map((column) => column.cell(row)));
  return { columns, rows };
}

function compareByScore(a: ModelScore, b: ModelScore): number {
  return descendingNaNLast(a.test.accuracy, b.test.accuracy) || descendingNaNLast(-a.test.nll, -b.test.nll);
}

function descendingNaNLast(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  return b - a;
}

function text(
  key: string,
  header: string,
  description: string,
  cell: (row: RankedModel) => string,
  identifying = false,
  align: 'left' | 'right' = 'left',
): LeaderboardColumn {
  return { key, header, description, align, identifying, cell };
}

function number(key: string, header: string, description: string, cell: (model: ModelScore) => string): LeaderboardColumn {
  return { key, header, description, align: 'right', identifying: false, cell: (row) => cell(row.model) };
}
