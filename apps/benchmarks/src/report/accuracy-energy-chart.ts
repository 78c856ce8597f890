// The accuracy/energy trade-off: which models buy their accuracy with how much energy per inference.
import type { ModelScore } from '../leaderboard/leaderboard-types';
import { AXIS_COLOUR, TEXT_COLOUR, chartTitle, clip, emptyChart, horizontalAxis, plotAreaFrame, verticalAxis, type PlotArea } from './chart-frame';
import { formatEnergy, formatPercent } from './format';
import { placeLabels } from './label-placement';
import { seriesColour } from './palette';
import { decimalsForStep, linearScale, logScale, logTicks, niceTicks } from './scales';
import { element, svgDocument, textElement, tooltip } from './svg-elements';

const TITLE = 'Test accuracy against energy per sample';
const WIDTH = 720;
const AREA: PlotArea = { left: 80, top: 48, width: 612, height: 300 };
const LEGEND_TOP = AREA.top + AREA.height + 66;
const LEGEND_ROW = 20;
const MARKER_RADIUS = 5;
const LABEL_CHARS = 40;
const LABEL_FONT_SIZE = 11;

/** The marker drawn for a model: spiking models are triangles, the others circles. */
export type MarkerShape = 'circle' | 'triangle';

/**
 * A scatter plot of test accuracy (y, linear, zoomed to the models' range) against estimated energy per
 * sample (x, base-10 log scale in nJ, decades labelled), one marker per model labelled with its name and
 * coloured by its position in `models`. Spiking models are triangles, the others circles; a legend below
 * says so and names every model. Models without a positive, finite energy cannot sit on a log axis and
 * are listed as not shown.
 *
 * Testable markup: each marker is an element with `data-model`, `data-shape` ('circle' | 'triangle'),
 * `data-energy-nj` and `data-accuracy`; the plot area is `rect[data-role="plot-area"]`.
 */
export function accuracyEnergyChart(models: readonly ModelScore[]): string {
  const plotted = models
    .map((model, index) => ({ model, index }))
    .filter(({ model }) => model.cost.energyNanojoulesPerSample !== null && model.cost.energyNanojoulesPerSample > 0 && Number.isFinite((model.cost.energyNanojoulesPerSample as number)) && Number.isFinite(model.test.accuracy));
  if (plotted.length === 0) return emptyChart(TITLE, 'No model has both a test accuracy and a positive energy estimate.', WIDTH);

  const energies = plotted.map(({ model }) => (model.cost.energyNanojoulesPerSample as number));
  const xTicks = logTicks(Math.min(...energies), Math.max(...energies));
  const x = logScale([xTicks[0], xTicks[xTicks.length - 1]], [AREA.left, AREA.left + AREA.width]);
  const minorTicks = xTicks.slice(0, -1).flatMap((decade) => [2, 3, 4, 5, 6, 7, 8, 9].map((k) => decade * k));

  const accuracies = plotted.map(({ model }) => model.test.accuracy);
  const [lowest, highest] = [Math.min(...accuracies), Math.max(...accuracies)];
  // headroom above and below the data, so markers and their labels do not sit on the plot's frame
  const margin = 0.08 * (highest - lowest || 0.05);
  const yTicks = niceTicks(Math.max(0, lowest - margin), Math.min(1, highest + margin), 5).filter((t) => t >= 0 && t <= 1);
  const yStep = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 0.01;
  const yDomain: [number, number] = [Math.min(yTicks[0] ?? 0, ...accuracies), Math.max(yTicks[yTicks.length - 1] ?? 1, ...accuracies)];
  const y = linearScale(yDomain, [AREA.top + AREA.height, AREA.top]);

  const missing = models.length - plotted.length;
  const legendRows = models.length + 1 + (missing > 0 ? 1 : 0);
  const height = LEGEND_TOP + LEGEND_ROW * legendRows + 8;
  const body = [
    chartTitle(TITLE, AREA.left, 28),
    ...verticalAxis(AREA, { scale: y, ticks: yTicks, tickLabel: (v) => formatPercent(v, decimalsForStep(yStep * 100)), label: 'test accuracy' }, 64),
    ...horizontalAxis(AREA, { scale: x, ticks: xTicks, minorTicks, tickLabel: energyTickLabel, label: 'energy per sample (log scale)' }),
    plotAreaFrame(AREA),
    ...points(plotted, x, y),
    ...legend(models, missing),
  ];
  return svgDocument(TITLE, WIDTH, height, body, 'accuracy-energy');
}

/** A decade tick: 100 -> '100 nJ', 1000 -> '1 µJ' (trailing zeros of the 3 significant digits dropped). */
function energyTickLabel(nanojoules: number): string {
  return formatEnergy(nanojoules).replace(/\.0+ /, ' ').replace(/(\.\d*?)0+ /, '$1 ');
}

function points(plotted: ReadonlyArray<{ model: ModelScore; index: number }>, x: (v: number) => number, y: (v: number) => number): string[] {
  const positions = plotted.map(({ model }) => ({ x: x((model.cost.energyNanojoulesPerSample as number)), y: y(model.test.accuracy), text: clip(model.label, LABEL_CHARS) }));
  const bounds = { left: AREA.left, top: AREA.top - 16, right: AREA.left + AREA.width, bottom: AREA.top + AREA.height };
  const labels = placeLabels(positions, bounds, LABEL_FONT_SIZE);
  return plotted.map(({ model, index }, i) => {
    const { x: cx, y: cy, text } = positions[i];
    const data = { 'data-model': model.id, 'data-energy-nj': String((model.cost.energyNanojoulesPerSample as number)), 'data-accuracy': String(model.test.accuracy) };
    const description = `${model.label}: ${formatPercent(model.test.accuracy)}, ${formatEnergy((model.cost.energyNanojoulesPerSample as number))}`;
    return element('g', { 'data-point': model.id }, [
      marker(shapeOf(model), cx, cy, seriesColour(index), { ...data, 'data-shape': shapeOf(model) }, tooltip(description)),
      textElement(text, { x: labels[i].x, y: labels[i].y, 'text-anchor': labels[i].anchor, 'font-size': LABEL_FONT_SIZE, fill: TEXT_COLOUR }),
    ]);
  });
}

function legend(models: readonly ModelScore[], missing: number): string[] {
  const left = AREA.left;
  const shapes = [
    marker('circle', left + 6, LEGEND_TOP, '#888888', {}),
    textElement('non-spiking model', { x: left + 18, y: LEGEND_TOP + 4, 'font-size': 12, fill: TEXT_COLOUR }),
    marker('triangle', left + 156, LEGEND_TOP, '#888888', {}),
    textElement('spiking model (SNN)', { x: left + 168, y: LEGEND_TOP + 4, 'font-size': 12, fill: TEXT_COLOUR }),
  ];
  const entries = models.map((model, i) => {
    const top = LEGEND_TOP + LEGEND_ROW * (i + 1);
    return element('g', { 'data-legend': model.id }, [
      tooltip(model.label),
      marker(shapeOf(model), left + 6, top, seriesColour(i), {}),
      textElement(clip(model.label, 90), { x: left + 18, y: top + 4, 'font-size': 12, fill: TEXT_COLOUR }),
    ]);
  });
  const note =
    missing > 0
      ? [textElement(`${missing} model${missing === 1 ? '' : 's'} without a positive energy estimate not shown.`, { x: left, y: LEGEND_TOP + LEGEND_ROW * (models.length + 1) + 4, 'font-size': 12, fill: TEXT_COLOUR })]
      : [];
  return [...shapes, ...entries, ...note];
}

function shapeOf(model: ModelScore): MarkerShape {
  return model.spiking ? 'triangle' : 'circle';
}

function marker(shape: MarkerShape, cx: number, cy: number, colour: string, data: Record<string, string>, children?: string): string {
  const style = { fill: colour, stroke: shape === 'circle' ? '#ffffff' : AXIS_COLOUR, 'stroke-width': 1 };
  if (shape === 'circle') return element('circle', { ...data, cx, cy, r: MARKER_RADIUS, ...style }, children);
  // an upward triangle of about the circle's area, centred on the point
  const r = MARKER_RADIUS * 1.35;
  const d = `M${f(cx)},${f(cy - r)} L${f(cx + r * 0.87)},${f(cy + r / 2)} L${f(cx - r * 0.87)},${f(cy + r / 2)} Z`;
  return element('path', { ...data, 'data-cx': cx, 'data-cy': cy, d, ...style }, children);
}

function f(value: number): string {
  return value.toFixed(2);
}
