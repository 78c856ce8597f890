import { leaderboardHtml } from './html-report';
import { leaderboardColumns, leaderboardTableData } from './leaderboard-rows';
import { allAttributes, decodeEntities, elementsNamed, markupErrors, textContents } from './markup.test-helpers';
import { HOSTILE_LABEL, fakeLeaderboard, hostileLeaderboard } from './report-fixtures.test-helpers';

/** The text of every `<tag>` element in `html` that contains no nested element. */
function cellTexts(html: string, tag: string): string[] {
  return [...html.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`, 'g'))].map((m) => decodeEntities(m[1]));
}

/** Each inline `<svg ...>...</svg>` (they do not nest). */
function inlineSvgs(html: string): string[] {
  return html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
}

describe('leaderboardHtml', () => {
  const board = fakeLeaderboard();
  const html = leaderboardHtml(board);

  it('is a well-formed HTML5 document with a UTF-8 charset and inline style', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(/<style>[^<]+<\/style>/);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(markupErrors(html, 'html')).toEqual([]);
  });

  it('loads nothing from anywhere and runs no script', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|url\(/i);
    for (const [name, value] of allAttributes(html)) {
      expect(name).not.toMatch(/^(on.*|src|href|xlink:href|srcset|action)$/i);
      if (name !== 'xmlns') expect(value).not.toMatch(/https?:\/\//);
    }
  });

  it('states the command, date, profile, run, machine, versions and data', () => {
    const texts = textContents(html).join(' ');
    for (const fact of [
      'npm start -- --profile quick',
      '2026-03-14 09:26 UTC',
      'quick',
      'lb-2026-03-14-abc',
      '2 CPUs (AMD EPYC 7B13), 24 GiB memory, linux',
      'node 20.20.2, onnxruntime-node 1.30.0',
      'MNIST test (10,000 images), also rotated by 15°, 30°, 45°; OOD: Fashion-MNIST test (10,000 images)',
    ]) {
      expect(texts).toContain(fact);
    }
  });

  it('has the same table as the other reports: same headers, and the same cells in rank order', () => {
    const columns = leaderboardColumns(board);
    const { rows } = leaderboardTableData(board);
    expect(cellTexts(html.replace(/<wbr>/g, ''), 'th')).toEqual(columns.map((c) => c.header));
    const bodyRows = (html.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? '').split('</tr>').filter((row) => row.includes('<td'));
    expect(bodyRows.map((row) => cellTexts(row, 'td'))).toEqual(rows);
    const numeric = elementsNamed(html, 'td').filter((td) => td.class === 'num');
    expect(numeric).toHaveLength(rows.length * columns.filter((c) => c.align === 'right').length);
  });

  it('inlines the rotation chart, the accuracy-energy chart and the reliability diagrams as well-formed SVG', () => {
    const svgs = inlineSvgs(html);
    expect(svgs.map((svg) => elementsNamed(svg, 'svg')[0]['data-chart'])).toEqual(['rotation', 'accuracy-energy', 'reliability-grid']);
    for (const svg of svgs) expect(markupErrors(svg, 'xml')).toEqual([]);
  });

  it('lists every model with its source and ONNX file', () => {
    const items = html.match(/<li>[\s\S]*?<\/li>/g) ?? [];
    expect(items).toHaveLength(board.models.length);
    for (const model of board.models) expect(items.some((item) => item.includes(`<code>${model.source}</code>`) && item.includes(`<code>${model.onnxFile}</code>`))).toBe(true);
  });

  it('shows hostile labels, ids, paths and commands as escaped text everywhere, never as markup', () => {
    const hostile = leaderboardHtml(hostileLeaderboard());
    expect(markupErrors(hostile, 'html')).toEqual([]);
    expect(hostile).not.toMatch(/<script|<img|<b>|<i>/i);
    expect(hostile).not.toContain(HOSTILE_LABEL);
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;';
    // table, model list, and the three charts
    expect(hostile.split(escaped).length - 1).toBeGreaterThanOrEqual(5);
    expect(textContents(hostile).join(' ')).toContain('npm start <script>alert(2)</script>');
    expect(allAttributes(hostile).filter(([name]) => name === 'data-model').map(([, value]) => value)).toContain('x"><script>');
  });

  it('still renders a leaderboard without models', () => {
    const empty = leaderboardHtml(fakeLeaderboard({ models: [] }));
    expect(markupErrors(empty, 'html')).toEqual([]);
    expect(empty).toContain('No models were scored.');
  });
});
