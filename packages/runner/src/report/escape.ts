const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For text and attribute values in HTML and SVG. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c]);
}

/** For Markdown table cells: pipes and HTML-significant characters neutralised, newlines folded. */
export function escapeMarkdown(text: string): string {
  // backslashes first, so the escapes added for the other characters are not escaped again
  return escapeHtml(text).replace(/([\\`*_[\]|])/g, '\\$1').replace(/\r?\n/g, ' ');
}
