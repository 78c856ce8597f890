// The leaderboard as one self-contained HTML page: opened from disk, attached to an issue or archived,
// it shows the same thing years later because it loads nothing (no scripts, fonts, images or styles
// from anywhere else). Charts are inline SVG.
import type { Leaderboard } from '../leaderboard/leaderboard-types';
import { escapeHtml, formatTimestamp } from './format';
import { leaderboardColumns, rankModels } from './leaderboard-rows';
import { REPORT_TITLE, dataSummary, machineSummary, measurementNote, versionsSummary } from './report-text';
import { accuracyEnergyChart, reliabilityDiagrams, rotationChart } from './svg-charts';

// Laid out for ~1200 px: headers may wrap (also after a '/', see scoreTable) and model names wrap, so the
// usual table fits; a wider one scrolls sideways inside its box rather than widening the page.
const STYLE = `
  :root { color-scheme: light; }
  body { margin: 0; background: #f6f6f4; color: #1d1d1d; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
  main { max-width: 1200px; box-sizing: border-box; margin: 0 auto; padding: 24px 16px 48px; background: #ffffff; }
  h1 { font-size: 26px; margin: 0 0 12px; }
  h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 1px solid #dddddd; padding-bottom: 4px; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
  dl.facts dt { font-weight: 600; }
  dl.facts dd { margin: 0; }
  code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; background: #f0f0ee; padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
  .table-wrap { overflow-x: auto; border: 1px solid #dddddd; }
  table { border-collapse: collapse; font-size: 12px; }
  th, td { padding: 4px 6px; border-bottom: 1px solid #e6e6e6; }
  td { white-space: nowrap; }
  th { background: #f0f0ee; text-align: left; vertical-align: bottom; }
  th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
  tbody tr:nth-child(even) { background: #fafafa; }
  td.model { white-space: normal; min-width: 150px; max-width: 210px; }
  .note { font-size: 13px; color: #444444; }
  figure { margin: 8px 0 0; }
  figure svg { display: block; max-width: 100%; height: auto; }
  figcaption { font-size: 13px; color: #444444; margin-top: 4px; }
  ul.models li { margin-bottom: 4px; }
`;

/**
 * A self-contained HTML5 report: the provenance (command, date, profile, machine, versions, data), the
 * ranked table with the same columns as the other reports, the rotation chart, the accuracy-against-
 * energy chart, the reliability diagrams, and each model's source and ONNX file. No external resource of
 * any kind and no script; every value from the leaderboard is escaped.
 */
export function leaderboardHtml(board: Leaderboard): string {
  const ranked = rankModels(board.models);
  const models = ranked.map((row) => row.model);
  const date = formatTimestamp(board.createdAt);
  const facts: Array<[string, string]> = [
    ['Command', code(board.command)],
    ['Date', escapeHtml(date)],
    ['Profile', escapeHtml(board.profile)],
    ...(board.runId === undefined ? [] : [['Run', code(board.runId)] as [string, string]]),
    ['Machine', escapeHtml(machineSummary(board))],
    ['Versions', escapeHtml(versionsSummary(board))],
    ['Data', escapeHtml(dataSummary(board))],
  ];
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${REPORT_TITLE} (${board.profile}, ${date})`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(REPORT_TITLE)}</h1>`,
    `<dl class="facts">${facts.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${value}</dd>`).join('')}</dl>`,
    '<h2>Scores</h2>',
    scoreTable(board),
    `<p class="note">Ranked by test accuracy; equal accuracies by lower NLL. ${escapeHtml(measurementNote(board))}</p>`,
    '<h2>Accuracy under rotation</h2>',
    figure(rotationChart(models), 'Test accuracy of each model on the MNIST test digits rotated by each angle.'),
    '<h2>Accuracy against energy</h2>',
    figure(accuracyEnergyChart(models), 'Estimated energy per sample on a log scale; triangles are spiking models.'),
    '<h2>Calibration</h2>',
    figure(reliabilityDiagrams(models), 'Per confidence bin, the fraction classified right; bars under the diagonal are overconfident. Empty bins have no bar.'),
    '<h2>Models</h2>',
    ranked.length === 0
      ? '<p>No models were scored.</p>'
      : `<ul class="models">${ranked
          .map(({ model }) => `<li><strong>${escapeHtml(model.label)}</strong> (${code(model.id)}, project ${escapeHtml(model.project)}): source ${code(model.source)}, ONNX file ${code(model.onnxFile)}${model.cost.unavailable ? `; operation counts not available: ${escapeHtml(model.cost.unavailable)}` : ''}</li>`)
          .join('')}</ul>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function scoreTable(board: Leaderboard): string {
  const columns = leaderboardColumns(board);
  const cellClass = (key: string, align: 'left' | 'right'): string | undefined => (key === 'model' ? 'model' : align === 'right' ? 'num' : undefined);
  const classAttribute = (name: string | undefined): string => (name === undefined ? '' : ` class="${name}"`);
  const head = columns.map((c) => `<th scope="col"${classAttribute(cellClass(c.key, c.align))} title="${escapeHtml(c.description)}">${breakable(c.header)}</th>`).join('');
  const body = rankModels(board.models)
    .map((row) => `<tr>${columns.map((c) => `<td${classAttribute(cellClass(c.key, c.align))}>${escapeHtml(c.cell(row))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="table-wrap"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

/** A header that may wrap after a '/' as well as at spaces ('MACs/sample' is one long word otherwise). */
function breakable(header: string): string {
  return escapeHtml(header).replace(/\//g, '/<wbr>');
}

function figure(svg: string, caption: string): string {
  return `<figure>\n${svg}\n<figcaption>${escapeHtml(caption)}</figcaption>\n</figure>`;
}

function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}
