// The parts every chart shares: the plot area, titled axes with ticks and grid lines, a message for a
// chart without data. Charts place their data inside the plot area through their scales.
import type { Scale } from './scales';
import { element, svgDocument, textElement } from './svg-elements';

/** The rectangle data is drawn in, in SVG pixels. */
export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** One axis: where its ticks go and what they and the axis are called. */
export interface AxisSpec {
  scale: Scale;
  ticks: readonly number[];
  tickLabel: (value: number) => string;
  label: string;
  /** Unlabelled grid lines between the ticks (a log axis's 2x ... 9x). */
  minorTicks?: readonly number[];
}

export const AXIS_COLOUR = '#444444';
export const GRID_COLOUR = '#e3e3e3';
export const TEXT_COLOUR = '#222222';

/** The plot area's outline, marked data-role="plot-area" so tests can find where data may go. */
export function plotAreaFrame(area: PlotArea): string {
  return element('rect', { 'data-role': 'plot-area', x: area.left, y: area.top, width: area.width, height: area.height, fill: 'none', stroke: AXIS_COLOUR, 'stroke-width': 1 });
}

/** The chart title, left-aligned above the plot. */
export function chartTitle(text: string, x: number, y: number, fontSize = 15): string {
  return textElement(text, { x, y, 'font-size': fontSize, 'font-weight': 'bold', fill: TEXT_COLOUR });
}

/** Grid lines, tick marks and tick labels below the plot area, and the axis label under them. */
export function horizontalAxis(area: PlotArea, axis: AxisSpec, fontSize = 11): string[] {
  const bottom = area.top + area.height;
  const parts: string[] = [];
  for (const value of axis.minorTicks ?? []) {
    const x = axis.scale(value);
    parts.push(element('line', { x1: x, y1: area.top, x2: x, y2: bottom, stroke: GRID_COLOUR, 'stroke-width': 0.5 }));
  }
  for (const value of axis.ticks) {
    const x = axis.scale(value);
    parts.push(
      element('line', { x1: x, y1: area.top, x2: x, y2: bottom, stroke: GRID_COLOUR, 'stroke-width': 1 }),
      element('line', { x1: x, y1: bottom, x2: x, y2: bottom + 5, stroke: AXIS_COLOUR, 'stroke-width': 1 }),
      textElement(axis.tickLabel(value), { 'data-axis': 'x', 'data-value': String(value), x, y: bottom + 7 + fontSize, 'text-anchor': 'middle', 'font-size': fontSize, fill: TEXT_COLOUR }),
    );
  }
  parts.push(textElement(axis.label, { x: area.left + area.width / 2, y: bottom + 14 + 2 * fontSize, 'text-anchor': 'middle', 'font-size': fontSize + 1, fill: TEXT_COLOUR }));
  return parts;
}

/** Grid lines, tick marks and tick labels left of the plot area, and the axis label turned upright beside them. */
export function verticalAxis(area: PlotArea, axis: AxisSpec, labelOffset: number, fontSize = 11): string[] {
  const right = area.left + area.width;
  const parts: string[] = [];
  for (const value of axis.ticks) {
    const y = axis.scale(value);
    parts.push(
      element('line', { x1: area.left, y1: y, x2: right, y2: y, stroke: GRID_COLOUR, 'stroke-width': 1 }),
      element('line', { x1: area.left - 5, y1: y, x2: area.left, y2: y, stroke: AXIS_COLOUR, 'stroke-width': 1 }),
      textElement(axis.tickLabel(value), { 'data-axis': 'y', 'data-value': String(value), x: area.left - 8, y: y + fontSize / 3, 'text-anchor': 'end', 'font-size': fontSize, fill: TEXT_COLOUR }),
    );
  }
  const x = area.left - labelOffset;
  const y = area.top + area.height / 2;
  parts.push(textElement(axis.label, { x, y, transform: `rotate(-90 ${x} ${y})`, 'text-anchor': 'middle', 'font-size': fontSize + 1, fill: TEXT_COLOUR }));
  return parts;
}

/** A small standalone SVG saying why there is no chart. */
export function emptyChart(title: string, message: string, width: number): string {
  return svgDocument(title, width, 80, [chartTitle(title, 16, 28), textElement(message, { x: 16, y: 56, 'font-size': 12, fill: TEXT_COLOUR })], 'empty');
}

/** Cuts `text` to `maxChars` characters with '…', since SVG text does not wrap; the full text goes in a tooltip. */
export function clip(text: string, maxChars: number): string {
  const chars = [...text];
  return chars.length <= maxChars ? text : `${chars.slice(0, Math.max(0, maxChars - 1)).join('')}…`;
}
