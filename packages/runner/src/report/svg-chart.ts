import { escapeHtml } from './escape';

export interface Series {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

/** A self-contained SVG line chart (no scripts, every label escaped). */
export function svgLineChart(title: string, series: readonly Series[], width = 480, height = 260): string {
  const pad = { left: 56, right: 12, top: 24, bottom: 28 };
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="40"><text x="4" y="20">${escapeHtml(title)}: no data</text></svg>`;
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number): number => pad.left + ((x - x0) / (x1 - x0 || 1)) * (width - pad.left - pad.right);
  const sy = (y: number): number => height - pad.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - pad.top - pad.bottom);
  const lines = series.map((s, i) => {
    const d = s.points.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    return `<path d="${d}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="1.5"><title>${escapeHtml(s.name)}</title></path>`;
  });
  const legend = series.map((s, i) => `<text x="${width - pad.right}" y="${pad.top + 12 * i}" text-anchor="end" font-size="10" fill="${COLOURS[i % COLOURS.length]}">${escapeHtml(s.name)}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<text x="${pad.left}" y="14" font-size="12">${escapeHtml(title)}</text>`,
    `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#888"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#888"/>`,
    `<text x="${pad.left - 4}" y="${sy(y1) + 4}" text-anchor="end" font-size="10">${escapeHtml(y1.toPrecision(3))}</text>`,
    `<text x="${pad.left - 4}" y="${sy(y0)}" text-anchor="end" font-size="10">${escapeHtml(y0.toPrecision(3))}</text>`,
    `<text x="${pad.left}" y="${height - 8}" font-size="10">${x0}</text>`,
    `<text x="${width - pad.right}" y="${height - 8}" text-anchor="end" font-size="10">${x1}</text>`,
    ...lines,
    ...legend,
    '</svg>',
  ].join('\n');
}
