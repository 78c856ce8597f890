// Column widths in a terminal are counted in cells, not UTF-16 code units: 'µ' and '°' take one cell,
// a CJK character or an emoji two, a combining accent none. Approximate (no full Unicode East Asian
// Width table), but exact for the labels and units these reports print.

// Wide (2-cell) ranges: Hangul Jamo, CJK and Yi, Hangul syllables, CJK compatibility, vertical and
// fullwidth forms, emoji and pictographs, CJK extension planes.
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f900, 0x1faff],
  [0x20000, 0x3fffd],
];

// combining marks (variation selectors included) and invisible format characters (zero-width space, joiners, BOM)
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Terminal cells `text` occupies. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/**
 * `text` with every control character (newline, tab, ESC, ...) replaced by a space, so a label cannot
 * break a table row or inject terminal escape sequences into a log.
 */
export function singleLine(text: string): string {
  return text.replace(CONTROL, ' ');
}

/** Pads `text` with spaces to `width` cells, on the right ('left' alignment) or on the left ('right'). */
export function padToWidth(text: string, width: number, align: 'left' | 'right'): string {
  const padding = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? text + padding : padding + text;
}

/** Cuts `text` to at most `width` cells, ending in '…' when it was cut. */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  let result = '';
  let used = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (used + w > width - 1) break;
    result += char;
    used += w;
  }
  return `${result}…`;
}

/** Splits `text` at spaces into lines of at most `width` cells; a word longer than `width` is cut into pieces. */
export function wrapToWidth(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter((w) => w !== '')) {
    for (const piece of splitWord(word, width)) {
      const candidate = line === '' ? piece : `${line} ${piece}`;
      if (displayWidth(candidate) <= width) {
        line = candidate;
      } else {
        lines.push(line);
        line = piece;
      }
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

function splitWord(word: string, width: number): string[] {
  if (displayWidth(word) <= width) return [word];
  const pieces: string[] = [];
  let piece = '';
  for (const char of word) {
    if (piece !== '' && displayWidth(piece + char) > width) {
      pieces.push(piece);
      piece = '';
    }
    piece += char;
  }
  pieces.push(piece);
  return pieces;
}

function charWidth(char: string): number {
  if (ZERO_WIDTH.test(char)) return 0;
  const code = char.codePointAt(0) ?? 0;
  return WIDE.some(([lo, hi]) => code >= lo && code <= hi) ? 2 : 1;
}
