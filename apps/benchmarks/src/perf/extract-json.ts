// Finds the JSON document a bench printed. A bench's stdout may hold more than its JSON: TensorFlow's
// log lines before it, a warning after it. Every bench prints its document with
// console.log(JSON.stringify(report, null, 2)), so the document starts with `{` at the beginning of a
// line; that rule keeps a brace inside a log line, or a nested object of a truncated document (its
// lines are indented), from being taken for the document.

/** Thrown when the output holds no complete JSON object. */
export class NoJsonDocumentError extends Error {
  override name = 'NoJsonDocumentError';
}

/**
 * The last complete top-level JSON object in `text`: a `{` at the beginning of a line through its
 * matching `}`, which JSON.parse accepts. Throws {@link NoJsonDocumentError} when there is none.
 */
export function extractLastJsonObject(text: string): Record<string, unknown> {
  let last: Record<string, unknown> | null = null;
  let from = 0;
  for (let start = nextLineStartBrace(text, from); start >= 0; start = nextLineStartBrace(text, from)) {
    const end = matchingClose(text, start);
    const value = end < 0 ? undefined : parseJson(text.slice(start, end));
    if (value !== undefined) {
      last = value;
      from = end; // objects nested in this one are part of it, not documents of their own
    } else {
      from = start + 1;
    }
  }
  if (last === null) {
    const tail = text.trimEnd().split('\n').slice(-5).join('\n');
    throw new NoJsonDocumentError(
      `no JSON document in the output: expected a line starting with "{" that begins a complete JSON object (what console.log(JSON.stringify(report, null, 2)) prints). ` +
        (tail ? `The output ends with:\n${tail}` : 'The output is empty.'),
    );
  }
  return last;
}

/** Index of the next `{` at the start of a line, at or after `from`; -1 when there is none. */
function nextLineStartBrace(text: string, from: number): number {
  for (let i = text.indexOf('{', from); i >= 0; i = text.indexOf('{', i + 1)) {
    if (i === 0 || text[i - 1] === '\n') return i;
  }
  return -1;
}

/**
 * Index just past the bracket that closes the one at `start`, skipping brackets inside strings; -1 when
 * the text ends first (a truncated document). Mismatched bracket kinds are left to JSON.parse to reject.
 */
function matchingClose(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++; // the escaped character cannot end the string
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function parseJson(candidate: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(candidate);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // a line that merely starts with a brace
  }
}
