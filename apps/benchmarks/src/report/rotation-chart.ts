// Robustness to rotation: how each model's accuracy falls as the test digits are rotated further.
import type { ModelScore } from '../leaderboard/leaderboard-types';
import { TEXT_COLOUR, chartTitle, clip, emptyChart, horizontalAxis, plotAreaFrame, verticalAxis, type PlotArea } from './chart-frame';
import { formatDegrees, formatPercent } from './format';
import { seriesColour, seriesDash } from './palette';
import { linearScale, niceTicks } from './scales';
import { element, svgDocument, textElement, tooltip } from './svg-elements';

const TITLE = 'Accuracy under rotation (MNIST test)';
const WIDTH = 720;
const AREA: PlotArea = { left: 72, top: 48, width: 620, height: 260 };
const LEGEND_TOP = AREA.top + AREA.height + 64;
const LEGEND_ROW = 20;
const LABEL_CHARS = 90;

/**
 * A line chart of test accuracy (y, fixed 0–100% so charts of different leaderboards compare) against
 * rotation in degrees (x), one line with point markers per model, coloured by the model's position in
 * `models`, with a legend below the plot.
 *
 * Testable markup: the plot area is `rect[data-role="plot-area"]`; each point is a `circle` with
 * `data-model` (the model id), `data-degrees` and `data-accuracy`.
 */
export function rotationChart(models: readonly ModelScore[]): string {
  const degrees = [...new Set(models.flatMap((m) => m.rotation.map((r) => r.degrees)))].filter(Number.isFinite).sort((a, b) => a - b);
  if (models.length === 0 || degrees.length === 0) return emptyChart(TITLE, 'No rotation scores to show.', WIDTH);

  const x = linearScale([degrees[0], degrees[degrees.length - 1]], [AREA.left, AREA.left + AREA.width]);
  const y = linearScale([0, 1], [AREA.top + AREA.height, AREA.top]);
  // the measured angles are the meaningful ticks, unless there are too many to label
  const xTicks = degrees.length <= 13 ? degrees : niceTicks(degrees[0], degrees[degrees.length - 1], 8);
  const height = LEGEND_TOP + LEGEND_ROW * models.length + 8;

  const body = [
    chartTitle(TITLE, AREA.left, 28),
    ...verticalAxis(AREA, { scale: y, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], tickLabel: (v) => formatPercent(v, 0), label: 'test accuracy' }, 52),
    ...horizontalAxis(AREA, { scale: x, ticks: xTicks, tickLabel: formatDegrees, label: 'rotation of the test digits' }),
    plotAreaFrame(AREA),
    ...models.map((model, i) => series(model, i, x, y)),
    ...models.map((model, i) => legendEntry(model, i, LEGEND_TOP + LEGEND_ROW * i)),
  ];
  return svgDocument(TITLE, WIDTH, height, body, 'rotation');
}

function series(model: ModelScore, index: number, x: (v: number) => number, y: (v: number) => number): string {
  const colour = seriesColour(index);
  const points = [...model.rotation].sort((a, b) => a.degrees - b.degrees);
  // a missing (non-finite) score breaks the line instead of being drawn as zero
  let path = '';
  let penDown = false;
  for (const point of points) {
    if (!Number.isFinite(point.accuracy) || !Number.isFinite(point.degrees)) {
      penDown = false;
      continue;
    }
    path += `${penDown ? 'L' : 'M'}${x(point.degrees).toFixed(2)},${y(point.accuracy).toFixed(2)} `;
    penDown = true;
  }
  const markers = points
    .filter((p) => Number.isFinite(p.accuracy) && Number.isFinite(p.degrees))
    .map((p) =>
      element(
        'circle',
        { 'data-model': model.id, 'data-degrees': String(p.degrees), 'data-accuracy': String(p.accuracy), cx: x(p.degrees), cy: y(p.accuracy), r: 4, fill: colour, stroke: '#ffffff', 'stroke-width': 1 },
        tooltip(`${model.label}: ${formatPercent(p.accuracy)} at ${formatDegrees(p.degrees)}`),
      ),
    );
  const line = path === '' ? '' : element('path', { d: path.trim(), fill: 'none', stroke: colour, 'stroke-width': 2, 'stroke-dasharray': seriesDash(index), 'stroke-linejoin': 'round' });
  return element('g', { 'data-series': model.id }, [line, ...markers]);
}

function legendEntry(model: ModelScore, index: number, top: number): string {
  const colour = seriesColour(index);
  const left = AREA.left;
  return element('g', { 'data-legend': model.id }, [
    tooltip(model.label),
    element('line', { x1: left, y1: top, x2: left + 28, y2: top, stroke: colour, 'stroke-width': 2, 'stroke-dasharray': seriesDash(index) }),
    element('circle', { cx: left + 14, cy: top, r: 4, fill: colour, stroke: '#ffffff', 'stroke-width': 1 }),
    textElement(clip(model.label, LABEL_CHARS), { x: left + 38, y: top + 4, 'font-size': 12, fill: TEXT_COLOUR }),
  ]);
}
