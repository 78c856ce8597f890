import { displayWidth } from './display-width';
import { leaderboardColumns, leaderboardTableData } from './leaderboard-rows';
import { fakeLeaderboard, fakeModel, fakeModels } from './report-fixtures.test-helpers';
import { leaderboardTable } from './terminal-table';

/** The output's blocks: title, one or more tables, footer. */
function blocks(output: string): { title: string; tables: string[][]; footer: string } {
  const parts = output.split('\n\n');
  return { title: parts[0], tables: parts.slice(1, -1).map((block) => block.split('\n')), footer: parts[parts.length - 1] };
}

/** Each column's [start, end) in a table, read off the dashed rule under the header. */
function columnSpans(table: readonly string[]): Array<[number, number]> {
  return [...table[1].matchAll(/-+/g)].map((m) => [m.index, m.index + m[0].length]);
}

describe('leaderboardTable', () => {
  const board = fakeLeaderboard();
  const { columns, rows } = leaderboardTableData(board);

  it('states profile, date, command and run in the title and the data in the footer', () => {
    const { title, footer } = blocks(leaderboardTable(board));
    expect(title).toContain('profile quick');
    expect(title).toContain('2026-03-14 09:26 UTC');
    expect(title).toContain('npm start -- --profile quick');
    expect(title).toContain('lb-2026-03-14-abc');
    expect(footer).toMatch(/^Data: MNIST test \(10,000 images\).*15°, 30°, 45°.*Fashion-MNIST test \(10,000 images\)/);
  });

  it('draws one table whose lines all have the same display width, and no ANSI escapes', () => {
    const output = leaderboardTable(board);
    const { tables } = blocks(output);
    expect(tables).toHaveLength(1);
    expect(tables[0]).toHaveLength(2 + board.models.length);
    expect(new Set(tables[0].map(displayWidth)).size).toBe(1);
    expect(output).not.toContain('\u001b');
  });

  it('lines columns up: headers over their column, numbers right-aligned and text left-aligned in it', () => {
    const [table] = blocks(leaderboardTable(board)).tables;
    const spans = columnSpans(table);
    expect(spans).toHaveLength(columns.length);
    spans.forEach(([start, end], c) => {
      expect(table[0].slice(start, end).trim()).toBe(columns[c].header);
      rows.forEach((row, r) => {
        const line = table[2 + r];
        const cell = line.slice(start, end);
        expect(cell.trim()).toBe(row[c]);
        if (columns[c].align === 'right') expect(cell.endsWith(row[c])).toBe(true);
        else expect(cell.startsWith(row[c])).toBe(true);
        // the gap before the column is blank, so no cell spills into its neighbour
        if (start > 0) expect(line.slice(start - 2, start)).toBe('  ');
      });
    });
  });

  it('keeps lines of equal display width when labels hold wide characters', () => {
    const models = [fakeModel('cjk', 0.99, { label: '卷积网络 CNN' }), ...fakeModels()];
    const [table] = blocks(leaderboardTable(fakeLeaderboard({ models }))).tables;
    expect(new Set(table.map(displayWidth)).size).toBe(1);
  });

  it('keeps a label with a newline or an escape sequence on its row, without the escape', () => {
    const models = [fakeModel('evil', 0.99, { label: 'two\nlines \u001b[31mred' }), ...fakeModels()];
    const output = leaderboardTable(fakeLeaderboard({ models }));
    const [table] = blocks(output).tables;
    expect(table).toHaveLength(2 + models.length);
    expect(output).not.toContain('\u001b');
    expect(table[2]).toContain('two lines  [31mred');
  });

  it('does not split a table that fits in maxWidth', () => {
    const full = leaderboardTable(board);
    const width = Math.max(...blocks(full).tables[0].map(displayWidth));
    expect(leaderboardTable(board, { maxWidth: width })).toBe(full);
  });

  it('splits a table one cell too wide into two stacked tables that both start with rank and model', () => {
    const width = displayWidth(blocks(leaderboardTable(board)).tables[0][0]);
    const { tables } = blocks(leaderboardTable(board, { maxWidth: width - 1 }));
    expect(tables).toHaveLength(2);
    for (const table of tables) expect(table[0]).toMatch(/^#\s+model\s/);
  });

  it.each([140, 100, 60, 30])('keeps every line within maxWidth %p, repeats rank and model, and shows every other column once', (maxWidth) => {
    const { title, tables, footer } = blocks(leaderboardTable(board, { maxWidth }));
    expect(tables.length).toBeGreaterThanOrEqual(2);
    for (const line of [title, ...tables.flat(), footer].flatMap((block) => block.split('\n'))) expect(displayWidth(line)).toBeLessThanOrEqual(maxWidth);

    const shown: string[] = [];
    for (const table of tables) {
      expect(new Set(table.map(displayWidth)).size).toBe(1);
      const headers = columnSpans(table).map(([start, end]) => table[0].slice(start, end).trim());
      expect(headers.slice(0, 2)).toEqual(['#', 'model']);
      shown.push(...headers.slice(2));
      // each part keeps the rows in rank order
      const rankSpan = columnSpans(table)[0];
      expect(table.slice(2).map((line) => line.slice(...rankSpan).trim())).toEqual(['1', '2', '3']);
    }
    expect(shown).toEqual(leaderboardColumns(board).slice(2).map((c) => c.header));
  });

  it('cuts model labels with an ellipsis when not even one column fits beside them', () => {
    const { tables } = blocks(leaderboardTable(board, { maxWidth: 30 }));
    const modelSpan = columnSpans(tables[0])[1];
    expect(tables[0].slice(2).some((line) => line.slice(...modelSpan).trim().endsWith('…'))).toBe(true);
  });
});
