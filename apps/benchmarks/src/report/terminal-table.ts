// The leaderboard as plain text for a terminal and for logs: no ANSI colours, columns aligned by display
// width, numbers right-aligned so their digits line up.
import type { Leaderboard } from '../leaderboard/leaderboard-types';
import { displayWidth, padToWidth, singleLine, truncateToWidth, wrapToWidth } from './display-width';
import { leaderboardTableData, type LeaderboardColumn } from './leaderboard-rows';
import { REPORT_TITLE, dataSummary, provenanceSummary } from './report-text';

/** Options of {@link leaderboardTable}. */
export interface TerminalTableOptions {
  /** Widest line allowed, in terminal cells; default: no limit. */
  maxWidth?: number;
}

const GAP = '  ';
// a model column narrower than this says too little to be worth keeping the table one part wider
const MIN_MODEL_WIDTH = 8;

/**
 * The leaderboard as an aligned plain-text table between a title line (profile, date, command) and a
 * footer line (the data every model saw).
 *
 * When the table is wider than `maxWidth`, its columns are split into stacked parts (two for any usual
 * terminal; more only if two cannot fit), each repeating the rank and model columns; if even one column
 * beside them does not fit, model labels are cut with '…'. The title and footer wrap at `maxWidth`.
 * Within one part every line has the same display width.
 */
export function leaderboardTable(board: Leaderboard, options: TerminalTableOptions = {}): string {
  const { columns, rows } = leaderboardTableData(board);
  const headers = columns.map((column) => singleLine(column.header));
  const cells = rows.map((row) => row.map(singleLine));
  const widths = columns.map((_, i) => Math.max(displayWidth(headers[i]), ...cells.map((row) => displayWidth(row[i]))));
  const { maxWidth } = options;
  const parts = maxWidth === undefined ? [columns.map((_, i) => i)] : splitColumns(columns, widths, maxWidth);
  const fitted = cells.map((row) => row.map((cell, i) => truncateToWidth(cell, widths[i])));

  const title = `${REPORT_TITLE}: ${provenanceSummary(board)}; command: ${board.command}`;
  const footer = `Data: ${dataSummary(board)}`;
  const wrap = (line: string): string[] => (maxWidth === undefined ? [singleLine(line)] : wrapToWidth(singleLine(line), maxWidth));
  const tables = parts.map((part) => renderPart(part, columns, headers, fitted, widths).join('\n'));
  return [wrap(title).join('\n'), ...tables, wrap(footer).join('\n')].join('\n\n');
}

/** Header, rule and rows of the columns `part` (indices), each cell padded to its column's width. */
function renderPart(
  part: readonly number[],
  columns: readonly LeaderboardColumn[],
  headers: readonly string[],
  cells: readonly string[][],
  widths: readonly number[],
): string[] {
  const line = (texts: readonly string[]): string => part.map((i) => padToWidth(texts[i], widths[i], columns[i].align)).join(GAP);
  return [line(headers), part.map((i) => '-'.repeat(widths[i])).join(GAP), ...cells.map(line)];
}

/**
 * Column indices per part: the identifying columns, then as many of the others as fit in `maxWidth`.
 * Shrinks the model column in `widths` (mutated) when even the widest single other column does not fit.
 */
function splitColumns(columns: readonly LeaderboardColumn[], widths: number[], maxWidth: number): number[][] {
  const all = columns.map((_, i) => i);
  if (partWidth(all, widths) <= maxWidth) return [all];
  const identifying = all.filter((i) => columns[i].identifying);
  const others = all.filter((i) => !columns[i].identifying);
  const widestOther = Math.max(0, ...others.map((i) => widths[i]));
  const overflow = partWidth(identifying, widths) + GAP.length + widestOther - maxWidth;
  const model = columns.findIndex((column) => column.key === 'model');
  if (overflow > 0 && model >= 0) widths[model] = Math.max(MIN_MODEL_WIDTH, widths[model] - overflow, displayWidth(columns[model].header));

  const parts: number[][] = [];
  let current: number[] = [];
  for (const i of others) {
    if (current.length > 0 && partWidth([...identifying, ...current, i], widths) > maxWidth) {
      parts.push(current);
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0 || parts.length === 0) parts.push(current);
  return parts.map((part) => [...identifying, ...part].sort((a, b) => a - b));
}

function partWidth(part: readonly number[], widths: readonly number[]): number {
  return part.reduce((sum, i) => sum + widths[i], 0) + GAP.length * Math.max(0, part.length - 1);
}
