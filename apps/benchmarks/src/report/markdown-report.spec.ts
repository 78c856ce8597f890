import { leaderboardColumns, leaderboardTableData } from './leaderboard-rows';
import { leaderboardMarkdown } from './markdown-report';
import { escapeMarkdownText, markdownCode, markdownTable } from './markdown-text';
import { HOSTILE_LABEL, fakeLeaderboard, fakeModel, fakeModels, hostileLeaderboard } from './report-fixtures.test-helpers';

/** The lines of the first pipe table in `markdown`. */
function tableLines(markdown: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('|'));
  return lines.slice(start, end < 0 ? undefined : end);
}

/** A table row's cells, split at the pipes that are not backslash-escaped. */
function cells(line: string): string[] {
  expect(line.startsWith('| ') && line.endsWith(' |')).toBe(true);
  return line.slice(2, -2).split(/ (?<!\\)\| /);
}

/** `markdown` without its inline code spans (whose content GitHub shows literally). */
function outsideCode(markdown: string): string {
  return markdown.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
}

describe('leaderboardMarkdown', () => {
  const board = fakeLeaderboard();
  const markdown = leaderboardMarkdown(board);

  it('opens with a heading and a paragraph stating command, date, profile, machine, versions and data', () => {
    const [heading, paragraph] = markdown.split('\n\n');
    expect(heading).toBe('# MNIST classifier leaderboard');
    expect(paragraph).not.toContain('\n');
    for (const fact of [
      '`npm start -- --profile quick`',
      '2026-03-14 09:26 UTC',
      'profile `quick`',
      'run `lb-2026-03-14-abc`',
      '2 CPUs (AMD EPYC 7B13), 24 GiB memory, linux',
      'node 20.20.2, onnxruntime-node 1.30.0',
      'MNIST test (10,000 images)',
      'rotated by 15°, 30°, 45°',
      'Fashion-MNIST test (10,000 images)',
    ]) {
      expect(paragraph).toContain(fact);
    }
  });

  it('has a pipe table with one cell per column in every row, numbers right-aligned, rows in rank order', () => {
    const lines = tableLines(markdown);
    const columns = leaderboardColumns(board);
    const { rows } = leaderboardTableData(board);
    expect(lines).toHaveLength(2 + board.models.length);
    for (const line of lines) expect(cells(line)).toHaveLength(columns.length);
    expect(cells(lines[0])).toEqual(columns.map((c) => c.header));
    expect(cells(lines[1])).toEqual(columns.map((c) => (c.align === 'right' ? '---:' : ':---')));
    expect(lines.slice(2).map(cells)).toEqual(rows);
  });

  it('shows the missing mark for the SOPs of non-spiking models only', () => {
    const sops = leaderboardColumns(board).findIndex((c) => c.key === 'sops');
    const column = tableLines(markdown).slice(2).map((line) => cells(line)[sops]);
    expect(column).toEqual(['–', '–', '1.23M']);
  });

  it('escapes pipes in labels so the table keeps its shape', () => {
    const models = [fakeModel('pipe', 0.99, { label: 'a | b || c', project: 'p|q' }), ...fakeModels()];
    const lines = tableLines(leaderboardMarkdown(fakeLeaderboard({ models })));
    const width = leaderboardColumns(fakeLeaderboard({ models })).length;
    for (const line of lines) expect(cells(line)).toHaveLength(width);
    expect(cells(lines[2])[1]).toBe('a \\| b \\|\\| c');
  });

  it('lists every model with its source and ONNX file, in rank order', () => {
    const items = markdown.split('\n').filter((line) => line.startsWith('- '));
    expect(items).toHaveLength(3);
    expect(items[0]).toBe('- **Bayes-by-backprop MLP** (rank 1, `bnn`, project bayesian): source `run-bnn-2026`, ONNX file `models/bnn.onnx`');
    expect(items.map((item) => item.match(/`([^`]+\.onnx)`/)?.[1])).toEqual(['models/bnn.onnx', 'models/mlp.onnx', 'models/snn.onnx']);
  });

  it('never lets a hostile label or project become HTML or Markdown syntax', () => {
    const hostile = leaderboardMarkdown(hostileLeaderboard());
    // raw text only inside code spans, which GitHub renders literally
    expect(outsideCode(hostile)).not.toMatch(/[<>]/);
    expect(hostile).not.toContain(HOSTILE_LABEL);
    expect(hostile).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
    expect(hostile).toContain('&lt;b&gt;p&lt;/b&gt;\\|q');
    const lines = tableLines(hostile);
    for (const line of lines) expect(cells(line)).toHaveLength(leaderboardColumns(hostileLeaderboard()).length);
  });

  it('ends with a newline and has no trailing spaces', () => {
    expect(markdown.endsWith('\n')).toBe(true);
    expect(markdown.split('\n').filter((line) => / $/.test(line))).toEqual([]);
  });
});

describe('markdown text', () => {
  it('escapes Markdown punctuation and HTML, and folds line breaks', () => {
    expect(escapeMarkdownText('a|b *c* _d_ [e](f) `g` \\ <h>\nnext')).toBe('a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\`g\\` \\\\ &lt;h&gt; next');
  });

  it('fences code spans with more backticks than they contain', () => {
    expect(markdownCode('npm start')).toBe('`npm start`');
    expect(markdownCode('a `b` c')).toBe('``a `b` c``');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
    expect(markdownCode('two\nlines')).toBe('`two lines`');
  });

  it('gives every table row exactly one cell per header', () => {
    const table = markdownTable(['a', 'b', 'c'], ['left', 'right', 'left'], [['1'], ['1', '2', '3', '4'], ['', 'x|y', '']]);
    for (const line of table.split('\n')) expect(cells(line)).toHaveLength(3);
  });
});
