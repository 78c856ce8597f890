import type { MetricRow, RunRecord } from '../store/run-record';
import { formatNumber } from '../cli/table';
import { compareRuns } from './compare-runs';
import { escapeHtml, escapeMarkdown } from './escape';
import { svgLineChart, type Series } from './svg-chart';

export interface ReportInput {
  runs: readonly RunRecord[];
  metrics: (runId: string) => readonly MetricRow[];
}

export interface ReportFiles {
  'index.html': string;
  'report.md': string;
  charts: Record<string, string>;
}

function chartsFor(experiment: string, runs: readonly RunRecord[], metrics: ReportInput['metrics']): Record<string, string> {
  const byMetric = new Map<string, Series[]>();
  for (const run of runs) {
    const rows = metrics(run.id);
    const names = [...new Set(rows.map((r) => `${r.context}/${r.name}`))];
    for (const name of names) {
      const points = rows.filter((r) => `${r.context}/${r.name}` === name).map((r) => [r.step, r.value] as const);
      if (points.length < 2) continue;
      byMetric.set(name, [...(byMetric.get(name) ?? []), { name: run.name ?? run.id, points }]);
    }
  }
  const charts: Record<string, string> = {};
  for (const [name, series] of byMetric) charts[`${experiment}-${name}`.replace(/[^\w.-]+/g, '_') + '.svg'] = svgLineChart(`${experiment} ${name}`, series);
  return charts;
}

/** A static report (HTML with inline SVG, Markdown linking the SVG files) of the given runs. */
export function buildReport({ runs, metrics }: ReportInput): ReportFiles {
  const experiments = [...new Set(runs.map((r) => `${r.project}:${r.experiment}`))].sort();
  const html: string[] = ['<!doctype html><html><head><meta charset="utf-8"><title>lab report</title>', '<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style></head><body>', '<h1>lab report</h1>'];
  const md: string[] = ['# lab report', ''];
  const charts: Record<string, string> = {};
  for (const experiment of experiments) {
    const group = runs.filter((r) => `${r.project}:${r.experiment}` === experiment);
    html.push(`<h2>${escapeHtml(experiment)}</h2>`);
    md.push(`## ${escapeMarkdown(experiment)}`, '');
    const summaryNames = [...new Set(group.flatMap((r) => Object.keys(r.summary ?? {})))].sort();
    const headers = ['run', 'status', 'seed', ...summaryNames];
    const rows = group.map((r) => [r.name ? `${r.id} (${r.name})` : r.id, r.status, String(r.seed), ...summaryNames.map((n) => formatNumber(r.summary?.[n]))]);
    html.push('<table><tr>' + headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('') + '</tr>');
    for (const row of rows) html.push('<tr>' + row.map((c) => `<td>${escapeHtml(c)}</td>`).join('') + '</tr>');
    html.push('</table>');
    md.push(`| ${headers.map(escapeMarkdown).join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(escapeMarkdown).join(' | ')} |`), '');
    const groups = compareRuns(group);
    if (groups.some((g) => g.runIds.length > 1)) {
      html.push('<h3>mean ± std over seeds</h3><ul>');
      md.push('### mean ± std over seeds', '');
      for (const g of groups) {
        const text = `${JSON.stringify(g.label)} (${g.runIds.length} runs): ${Object.entries(g.metrics)
          .map(([k, s]) => `${k} ${formatNumber(s.mean)} ± ${formatNumber(s.std)}`)
          .join(', ')}`;
        html.push(`<li>${escapeHtml(text)}</li>`);
        md.push(`- ${escapeMarkdown(text)}`);
      }
      html.push('</ul>');
      md.push('');
    }
    const own = chartsFor(experiment, group, metrics);
    for (const [file, svg] of Object.entries(own)) {
      html.push(`<figure>${svg}</figure>`);
      md.push(`![${escapeMarkdown(file)}](${encodeURIComponent(file)})`, '');
    }
    Object.assign(charts, own);
  }
  html.push('</body></html>');
  return { 'index.html': html.join('\n'), 'report.md': md.join('\n'), charts };
}
