// Markdown building blocks that keep arbitrary text (model labels, paths, commands) from being read as
// Markdown or HTML syntax, and a GitHub-flavoured pipe table.
import { escapeHtml } from './format';

/**
 * Text that renders literally in GitHub Markdown: HTML-significant characters become entities, Markdown
 * punctuation is backslash-escaped (including `|`, so it is safe in a table cell), line breaks become spaces.
 */
export function escapeMarkdownText(text: string): string {
  // HTML first: the entities it adds contain no character escaped below, so nothing is escaped twice
  return escapeHtml(text)
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}

/**
 * `text` as an inline code span, literal whatever it contains: the fence is one backtick longer than the
 * longest backtick run inside, and padded with spaces when the text starts or ends with a backtick.
 * Not for table cells (GitHub splits cells at `|` even inside code spans).
 */
export function markdownCode(text: string): string {
  const flat = text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * A GitHub pipe table. Cells are escaped here (pass plain text); every row gets exactly one cell per
 * header, missing cells empty and extra cells dropped, so the table never loses its shape.
 */
export function markdownTable(headers: readonly string[], align: ReadonlyArray<'left' | 'right'>, rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const cell = (text: string | undefined): string => (text === undefined || text === '' ? ' ' : escapeMarkdownText(text));
  return [
    line(headers.map((header) => cell(header))),
    line(headers.map((_, i) => (align[i] === 'right' ? '---:' : ':---'))),
    ...rows.map((row) => line(headers.map((_, i) => cell(row[i])))),
  ].join('\n');
}
