// The leaderboard as a Markdown document for a README, a pull request or a GitHub issue.
import type { Leaderboard } from '../leaderboard/leaderboard-types';
import { formatTimestamp } from './format';
import { leaderboardTableData, rankModels } from './leaderboard-rows';
import { escapeMarkdownText, markdownCode, markdownTable } from './markdown-text';
import { REPORT_TITLE, dataSummary, machineSummary, measurementNote, versionsSummary } from './report-text';

/**
 * A GitHub-flavoured Markdown report: a heading; one paragraph with the command, date, profile, machine,
 * versions and data; the ranked table (the same columns as the terminal table); a note on how cost and
 * speed were measured; and per model its source (run id or file) and ONNX file. All text from the
 * leaderboard is escaped, so labels with `|`, `*` or HTML render literally.
 */
export function leaderboardMarkdown(board: Leaderboard): string {
  const { columns, rows } = leaderboardTableData(board);
  const run = board.runId === undefined ? '' : `, run ${markdownCode(board.runId)}`;
  const provenance = [
    `Produced by ${markdownCode(board.command)} on ${escapeMarkdownText(formatTimestamp(board.createdAt))} (profile ${markdownCode(board.profile)}${run}).`,
    `Machine: ${escapeMarkdownText(machineSummary(board))}.`,
    `Versions: ${escapeMarkdownText(versionsSummary(board))}.`,
    `Data, identical for every model: ${escapeMarkdownText(dataSummary(board))}.`,
  ].join(' ');
  const table = markdownTable(
    columns.map((column) => column.header),
    columns.map((column) => column.align),
    rows,
  );
  const ranking = 'Ranked by test accuracy; equal accuracies by lower NLL.';
  const models = rankModels(board.models).map(
    ({ rank, model }) =>
      `- **${escapeMarkdownText(model.label)}** (rank ${rank}, ${markdownCode(model.id)}, project ${escapeMarkdownText(model.project)}): source ${markdownCode(model.source)}, ONNX file ${markdownCode(model.onnxFile)}${model.cost.unavailable ? `; operation counts not available: ${escapeMarkdownText(model.cost.unavailable)}` : ''}`,
  );
  return [
    `# ${escapeMarkdownText(REPORT_TITLE)}`,
    provenance,
    table,
    escapeMarkdownText(`${ranking} ${measurementNote(board)}`),
    '## Models',
    models.length === 0 ? 'No models were scored.' : models.join('\n'),
  ].join('\n\n') + '\n';
}
