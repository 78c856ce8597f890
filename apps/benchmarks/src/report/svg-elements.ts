// Small builders for SVG markup that escape every attribute value and text node, so a chart cannot be
// broken (or scripted) by a model label, and round coordinates so the files stay small.
import { escapeXml } from './format';

/** An attribute value; undefined leaves the attribute out. Numbers are coordinates, rounded to 0.01. */
export type AttributeValue = string | number | undefined;

export const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';

/** ' name="value" ...' for the defined attributes, values escaped. */
export function attributes(values: Readonly<Record<string, AttributeValue>>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${typeof value === 'number' ? coordinate(value) : escapeXml(value)}"`)
    .join('');
}

/** `<name .../>` without children, `<name ...>children</name>` with (children are markup, not escaped). */
export function element(name: string, values: Readonly<Record<string, AttributeValue>>, children?: string | readonly string[]): string {
  if (children === undefined) return `<${name}${attributes(values)}/>`;
  const content = typeof children === 'string' ? children : children.join('');
  return `<${name}${attributes(values)}>${content}</${name}>`;
}

/** A `<text>` element holding `content` as escaped text. */
export function textElement(content: string, values: Readonly<Record<string, AttributeValue>>): string {
  return element('text', values, escapeXml(content));
}

/** A `<title>` child: the tooltip of its parent, and its accessible name. */
export function tooltip(content: string): string {
  return element('title', {}, escapeXml(content));
}

/**
 * A standalone SVG document: namespace, pixel size and matching viewBox, an accessible title, and a
 * white background so the chart reads the same on a dark page or opened alone.
 */
export function svgDocument(title: string, width: number, height: number, body: readonly string[], role = 'chart'): string {
  return [
    `<svg${attributes({ xmlns: SVG_NAMESPACE, width, height, viewBox: `0 0 ${coordinate(width)} ${coordinate(height)}`, role: 'img', 'aria-label': title, 'data-chart': role, 'font-family': 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif' })}>`,
    tooltip(title),
    element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    ...body,
    '</svg>',
  ].join('\n');
}

/** A number for an attribute: 2 decimals at most, no '-0'. */
export function coordinate(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}
