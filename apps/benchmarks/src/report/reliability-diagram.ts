// Calibration: per confidence bin, how often the model is right against how sure it was. Bars on the
// dashed diagonal are perfectly calibrated; bars below it are overconfident.
import type { ModelScore, ReliabilityBin } from '../leaderboard/leaderboard-types';
import { AXIS_COLOUR, TEXT_COLOUR, chartTitle, clip, emptyChart, horizontalAxis, plotAreaFrame, verticalAxis, type PlotArea } from './chart-frame';
import { formatCompactCount, formatCount, formatEce, formatPercent } from './format';
import { seriesColour } from './palette';
import { linearScale } from './scales';
import { element, svgDocument, textElement, tooltip } from './svg-elements';

const PANEL_WIDTH = 320;
const PANEL_HEIGHT = 326;
const AREA: PlotArea = { left: 52, top: 56, width: 252, height: 196 };
const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];
const GRID_TITLE = 'Reliability diagrams (MNIST test, 15 equal-width confidence bins)';
const GRID_COLUMNS = 3;
const GRID_GAP = 16;
const GRID_TOP = 40;

/**
 * One model's reliability diagram as a standalone SVG: per non-empty bin a bar of its accuracy over its
 * confidence range, more opaque the more images it holds and labelled with that count; empty bins draw
 * nothing. The dashed diagonal is perfect calibration; the title states the model's ECE.
 *
 * Testable markup: each bar is a `rect` with `data-bin` (index), `data-count` and `data-accuracy`; the
 * plot area is `rect[data-role="plot-area"]`.
 */
export function reliabilityDiagram(model: ModelScore, colour = seriesColour(0)): string {
  return svgDocument(`Reliability diagram: ${model.label}`, PANEL_WIDTH, PANEL_HEIGHT, [panel(model, colour)], 'reliability');
}

/**
 * Every model's reliability diagram as small multiples in ONE SVG (one file to embed, panels aligned on
 * a grid of up to three columns), in the order of `models` and in their series colours. Each panel is a
 * `g[data-model]` holding the same markup as {@link reliabilityDiagram}.
 */
export function reliabilityDiagrams(models: readonly ModelScore[]): string {
  if (models.length === 0) return emptyChart(GRID_TITLE, 'No models to show.', PANEL_WIDTH);
  const columns = Math.min(GRID_COLUMNS, models.length);
  const rows = Math.ceil(models.length / columns);
  const width = columns * PANEL_WIDTH + (columns - 1) * GRID_GAP;
  const height = GRID_TOP + rows * PANEL_HEIGHT + (rows - 1) * GRID_GAP;
  const panels = models.map((model, i) => {
    const x = (i % columns) * (PANEL_WIDTH + GRID_GAP);
    const y = GRID_TOP + Math.floor(i / columns) * (PANEL_HEIGHT + GRID_GAP);
    return element('g', { transform: `translate(${x} ${y})` }, panel(model, seriesColour(i)));
  });
  return svgDocument(GRID_TITLE, width, height, [chartTitle(GRID_TITLE, 8, 26), ...panels], 'reliability-grid');
}

function panel(model: ModelScore, colour: string): string {
  const x = linearScale([0, 1], [AREA.left, AREA.left + AREA.width]);
  const y = linearScale([0, 1], [AREA.top + AREA.height, AREA.top]);
  const bins = model.test.reliability;
  const images = bins.reduce((sum, bin) => sum + (Number.isFinite(bin.count) ? bin.count : 0), 0);
  const maxCount = Math.max(0, ...bins.map((bin) => (Number.isFinite(bin.count) ? bin.count : 0)));
  const legendY = PANEL_HEIGHT - 22;

  return element('g', { 'data-model': model.id }, [
    tooltip(model.label),
    chartTitle(clip(model.label, 40), 8, 20, 13),
    textElement(`ECE ${formatEce(model.test.ece)} · ${formatCount(images)} images`, { x: 8, y: 38, 'font-size': 11, fill: TEXT_COLOUR }),
    ...verticalAxis(AREA, { scale: y, ticks: TICKS, tickLabel: String, label: 'accuracy' }, 38, 10),
    ...horizontalAxis(AREA, { scale: x, ticks: TICKS, tickLabel: String, label: 'confidence' }, 10),
    ...bins.flatMap((bin, i) => bar(bin, i, colour, maxCount, x, y)),
    element('line', { 'data-role': 'diagonal', x1: x(0), y1: y(0), x2: x(1), y2: y(1), stroke: AXIS_COLOUR, 'stroke-width': 1, 'stroke-dasharray': '4 3' }),
    plotAreaFrame(AREA),
    element('rect', { x: AREA.left, y: legendY - 8, width: 10, height: 10, fill: colour, 'fill-opacity': 0.7 }),
    textElement('bin accuracy (label: images)', { x: AREA.left + 14, y: legendY + 1, 'font-size': 10, fill: TEXT_COLOUR }),
    element('line', { x1: AREA.left, y1: legendY + 13, x2: AREA.left + 10, y2: legendY + 13, stroke: AXIS_COLOUR, 'stroke-dasharray': '4 3' }),
    textElement('perfect calibration', { x: AREA.left + 14, y: legendY + 16, 'font-size': 10, fill: TEXT_COLOUR }),
  ]);
}

function bar(bin: ReliabilityBin, index: number, colour: string, maxCount: number, x: (v: number) => number, y: (v: number) => number): string[] {
  // an empty bin has no accuracy to show: drawing a zero-height bar would read as "0% correct"
  if (!(bin.count > 0) || !Number.isFinite(bin.accuracy) || !Number.isFinite(bin.lower) || !Number.isFinite(bin.upper)) return [];
  const left = x(bin.lower) + 0.5;
  const width = Math.max(0.5, x(bin.upper) - x(bin.lower) - 1);
  const top = y(Math.min(1, Math.max(0, bin.accuracy)));
  // counts are very skewed (most images sit in the top bin), so opacity follows log(count)
  const weight = maxCount > 0 ? Math.log1p(bin.count) / Math.log1p(maxCount) : 1;
  const rangeText = `${bin.lower.toFixed(2)}–${bin.upper.toFixed(2)}`;
  return [
    element(
      'rect',
      {
        'data-bin': String(index),
        'data-count': String(bin.count),
        'data-accuracy': String(bin.accuracy),
        x: left,
        y: top,
        width,
        height: y(0) - top,
        fill: colour,
        'fill-opacity': Number((0.3 + 0.65 * weight).toFixed(2)),
      },
      tooltip(`confidence ${rangeText}: ${formatCount(bin.count)} images, accuracy ${formatPercent(bin.accuracy)}, mean confidence ${formatPercent(bin.confidence)}`),
    ),
    textElement(formatCompactCount(bin.count, 2), { 'data-bin-count': String(index), x: left + width / 2, y: top - 3, 'text-anchor': 'middle', 'font-size': 8, fill: TEXT_COLOUR }),
  ];
}
