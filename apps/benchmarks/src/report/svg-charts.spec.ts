import type { ModelScore } from '../leaderboard/leaderboard-types';
import { formatCompactCount } from './format';
import { allAttributes, elementsNamed, markupErrors, textContents } from './markup.test-helpers';
import { OKABE_ITO } from './palette';
import { HOSTILE_LABEL, fakeBins, fakeModel, fakeModels, fakeSpikingModel, hostileLeaderboard } from './report-fixtures.test-helpers';
import { accuracyEnergyChart, reliabilityDiagram, reliabilityDiagrams, rotationChart } from './svg-charts';

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

function plotArea(svg: string): Rect {
  const [area] = elementsNamed(svg, 'rect').filter((r) => r['data-role'] === 'plot-area');
  return { x: Number(area.x), y: Number(area.y), width: Number(area.width), height: Number(area.height) };
}

/** A model scoring `accuracy` at every rotation. */
function flatRotation(id: string, accuracy: number): ModelScore {
  return fakeModel(id, accuracy, { rotation: [0, 15, 30, 45].map((degrees) => ({ degrees, accuracy, ece: 0 })) });
}

const noBins = fakeModel('empty', 0.5, { test: { ...fakeModel('empty', 0.5).test, reliability: fakeBins([]) } });

/** Each chart: how to draw it for some models, and for nothing to show. */
const charts: Array<[string, (models: ModelScore[]) => string, () => string]> = [
  ['rotationChart', (models) => rotationChart(models), () => rotationChart([])],
  ['reliabilityDiagram', (models) => reliabilityDiagram(models[0]), () => reliabilityDiagram(noBins)],
  ['reliabilityDiagrams', (models) => reliabilityDiagrams(models), () => reliabilityDiagrams([])],
  ['accuracyEnergyChart', (models) => accuracyEnergyChart(models), () => accuracyEnergyChart([])],
];

describe.each(charts)('%s', (_, chart, empty) => {
  it('is a well-formed standalone SVG with namespace, size and matching viewBox', () => {
    const svg = chart(fakeModels());
    expect(markupErrors(svg, 'xml')).toEqual([]);
    const [root] = elementsNamed(svg, 'svg');
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(root.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(Number(root.width)).toBeGreaterThan(0);
    expect(Number(root.height)).toBeGreaterThan(0);
    expect(root.viewBox).toBe(`0 0 ${root.width} ${root.height}`);
  });

  it('refers to nothing outside itself and runs no script', () => {
    const svg = chart(fakeModels());
    expect(svg).not.toMatch(/<script|<image|<use|<foreignObject|url\(|@import/i);
    for (const [name, value] of allAttributes(svg)) {
      expect(name).not.toMatch(/^(on|href$|xlink:href$|src$)/i);
      if (name !== 'xmlns') expect(value).not.toMatch(/https?:/);
    }
  });

  it('shows a hostile label as text, escaped, and never as markup', () => {
    const svg = chart(hostileLeaderboard().models);
    expect(markupErrors(svg, 'xml')).toEqual([]);
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain(HOSTILE_LABEL);
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
    expect(textContents(svg).some((text) => text.includes(HOSTILE_LABEL))).toBe(true);
  });

  it('still returns a well-formed SVG when there is nothing to show', () => {
    const svg = empty();
    expect(markupErrors(svg, 'xml')).toEqual([]);
    expect(elementsNamed(svg, 'rect').filter((r) => r['data-bin'] !== undefined)).toEqual([]);
  });
});

describe('rotationChart', () => {
  const svg = rotationChart([flatRotation('perfect', 1), flatRotation('half', 0.5), flatRotation('zero', 0)]);
  const points = elementsNamed(svg, 'circle').filter((c) => c['data-model'] !== undefined);
  const area = plotArea(svg);
  const at = (model: string, degrees: number): { cx: number; cy: number } => {
    const point = points.find((p) => p['data-model'] === model && p['data-degrees'] === String(degrees));
    if (point === undefined) throw new Error(`no point ${model} ${degrees}`);
    return { cx: Number(point.cx), cy: Number(point.cy) };
  };

  it('puts accuracy 1.0 at the top of the plot area, 0.0 at the bottom and 0.5 half-way', () => {
    for (const degrees of [0, 15, 30, 45]) {
      expect(at('perfect', degrees).cy).toBeCloseTo(area.y, 1);
      expect(at('zero', degrees).cy).toBeCloseTo(area.y + area.height, 1);
      expect(at('half', degrees).cy).toBeCloseTo(area.y + area.height / 2, 1);
    }
  });

  it('puts the smallest rotation at the left edge, the largest at the right, and equal angle steps at equal distances', () => {
    expect(at('perfect', 0).cx).toBeCloseTo(area.x, 1);
    expect(at('perfect', 45).cx).toBeCloseTo(area.x + area.width, 1);
    expect(at('perfect', 30).cx - at('perfect', 15).cx).toBeCloseTo(at('perfect', 15).cx - at('perfect', 0).cx, 1);
  });

  it('draws one point per model and rotation, one line per model in distinct palette colours, and labels the ticks in degrees', () => {
    expect(points).toHaveLength(12);
    const strokes = elementsNamed(svg, 'path').map((p) => p.stroke);
    expect(strokes).toHaveLength(3);
    expect(new Set(strokes).size).toBe(3);
    for (const stroke of strokes) expect(OKABE_ITO).toContain(stroke);
    const xTicks = elementsNamed(svg, 'text').filter((t) => t['data-axis'] === 'x').map((t) => t['data-value']);
    expect(xTicks).toEqual(['0', '15', '30', '45']);
    expect(textContents(svg)).toEqual(expect.arrayContaining(['0°', '45°', '100%', '0%', 'Model perfect', 'Model zero', 'test accuracy']));
  });

  it('breaks a line at a missing score instead of drawing it as zero', () => {
    const gap = fakeModel('gap', 0.9, { rotation: [{ degrees: 0, accuracy: 0.9, ece: 0 }, { degrees: 15, accuracy: Number.NaN, ece: 0 }, { degrees: 30, accuracy: 0.8, ece: 0 }, { degrees: 45, accuracy: 0.7, ece: 0 }] });
    const chart = rotationChart([gap]);
    expect(elementsNamed(chart, 'circle').filter((c) => c['data-model'] === 'gap')).toHaveLength(3);
    expect(elementsNamed(chart, 'path')[0].d.match(/M/g)).toHaveLength(2);
  });

  it('keeps series apart after the palette cycles: the ninth model repeats the first colour, dashed', () => {
    const many = Array.from({ length: 9 }, (_, i) => flatRotation(`m${i}`, i / 10));
    const paths = elementsNamed(rotationChart(many), 'path');
    expect(paths[8].stroke).toBe(paths[0].stroke);
    expect(paths[0]['stroke-dasharray']).toBeUndefined();
    expect(paths[8]['stroke-dasharray']).toBeDefined();
  });
});

describe('reliabilityDiagram', () => {
  const counts = [0, 0, 0, 2, 0, 9, 14, 20, 25, 30, 41, 55, 80, 150, 9569];
  const model = fakeModel('cal', 0.98, { test: { ...fakeModel('cal', 0.98).test, ece: 0.0123, reliability: fakeBins(counts) } });
  const svg = reliabilityDiagram(model);
  const bars = elementsNamed(svg, 'rect').filter((r) => r['data-bin'] !== undefined);
  const area = plotArea(svg);

  it('draws a bar for each non-empty bin and nothing for an empty one', () => {
    const nonEmpty = counts.flatMap((count, i) => (count > 0 ? [String(i)] : []));
    expect(bars.map((b) => b['data-bin'])).toEqual(nonEmpty);
    expect(elementsNamed(svg, 'text').filter((t) => t['data-bin-count'] !== undefined)).toHaveLength(nonEmpty.length);
  });

  it("draws each bar over its bin's confidence range, as tall as its accuracy", () => {
    for (const bar of bars) {
      const bin = model.test.reliability[Number(bar['data-bin'])];
      const [x, y, width, height] = [bar.x, bar.y, bar.width, bar.height].map(Number);
      expect(x).toBeGreaterThanOrEqual(area.x + bin.lower * area.width - 0.01);
      expect(x + width).toBeLessThanOrEqual(area.x + bin.upper * area.width + 0.01);
      expect(y + height).toBeCloseTo(area.y + area.height, 1);
      expect(height / area.height).toBeCloseTo(bin.accuracy, 2);
    }
  });

  it('shows each bin\'s image count, as a label and as opacity that grows with the count', () => {
    const labels = elementsNamed(svg, 'text').filter((t) => t['data-bin-count'] !== undefined);
    const texts = textContents(svg);
    for (const bar of bars) expect(texts).toContain(formatCompactCount(Number(bar['data-count']), 2));
    expect(labels).toHaveLength(bars.length);
    const byCount = [...bars].sort((a, b) => Number(a['data-count']) - Number(b['data-count'])).map((b) => Number(b['fill-opacity']));
    for (let i = 1; i < byCount.length; i++) expect(byCount[i]).toBeGreaterThanOrEqual(byCount[i - 1]);
    expect(byCount[byCount.length - 1]).toBeGreaterThan(byCount[0]);
  });

  it('draws the diagonal from the bottom-left to the top-right corner and states the ECE in the title', () => {
    const [diagonal] = elementsNamed(svg, 'line').filter((l) => l['data-role'] === 'diagonal');
    expect([diagonal.x1, diagonal.y1, diagonal.x2, diagonal.y2].map(Number)).toEqual([area.x, area.y + area.height, area.x + area.width, area.y]);
    expect(textContents(svg)).toContain(`ECE 1.23% · 9,995 images`);
  });
});

describe('reliabilityDiagrams', () => {
  it('lays out one panel per model in one SVG, three to a row, in the order given and in series colours', () => {
    const models = [...fakeModels(), fakeModel('fourth', 0.9)];
    const svg = reliabilityDiagrams(models);
    expect(markupErrors(svg, 'xml')).toEqual([]);
    expect(svg.match(/<svg /g)).toHaveLength(1);
    const panels = elementsNamed(svg, 'g').filter((g) => g.transform !== undefined);
    const offsets = panels.map((g) => g.transform.match(/translate\(([\d.]+) ([\d.]+)\)/)?.slice(1).map(Number) ?? []);
    expect(offsets).toHaveLength(4);
    expect(new Set(offsets.slice(0, 3).map(([, y]) => y)).size).toBe(1);
    expect(new Set(offsets.slice(0, 3).map(([x]) => x)).size).toBe(3);
    expect(offsets[3][0]).toBe(offsets[0][0]);
    expect(offsets[3][1]).toBeGreaterThan(offsets[0][1]);
    expect(elementsNamed(svg, 'g').filter((g) => g['data-model'] !== undefined).map((g) => g['data-model'])).toEqual(models.map((m) => m.id));
    const fills = new Set(elementsNamed(svg, 'rect').filter((r) => r['data-bin'] !== undefined).map((r) => r.fill));
    expect(fills).toEqual(new Set(OKABE_ITO.slice(0, 4)));
  });
});

describe('accuracyEnergyChart', () => {
  const models = [
    fakeModel('e10', 0.9, { cost: { ...fakeModel('a', 0).cost, energyNanojoulesPerSample: 10 } }),
    fakeModel('e100', 0.95, { cost: { ...fakeModel('a', 0).cost, energyNanojoulesPerSample: 100 } }),
    fakeSpikingModel('e1000', 0.99, { cost: { ...fakeSpikingModel('a', 0).cost, energyNanojoulesPerSample: 1000 } }),
  ];
  const svg = accuracyEnergyChart(models);
  const markers = [...elementsNamed(svg, 'circle'), ...elementsNamed(svg, 'path')].filter((m) => m['data-model'] !== undefined);
  const centre = (id: string): { x: number; y: number } => {
    const m = markers.find((marker) => marker['data-model'] === id);
    if (m === undefined) throw new Error(`no marker ${id}`);
    return m.cx === undefined ? { x: Number(m['data-cx']), y: Number(m['data-cy']) } : { x: Number(m.cx), y: Number(m.cy) };
  };

  it('places energies on a log scale: each factor of 10 is the same distance to the right', () => {
    expect(centre('e100').x - centre('e10').x).toBeCloseTo(centre('e1000').x - centre('e100').x, 1);
    expect(centre('e100').x).toBeGreaterThan(centre('e10').x);
    const ticks = elementsNamed(svg, 'text').filter((t) => t['data-axis'] === 'x').map((t) => Number(t['data-value']));
    expect(ticks).toEqual([10, 100, 1000]);
    expect(textContents(svg)).toEqual(expect.arrayContaining(['10 nJ', '100 nJ', '1 µJ', 'energy per sample (log scale)']));
  });

  it('places higher accuracy higher, and every marker inside the plot area', () => {
    expect(centre('e1000').y).toBeLessThan(centre('e100').y);
    expect(centre('e100').y).toBeLessThan(centre('e10').y);
    const area = plotArea(svg);
    for (const id of ['e10', 'e100', 'e1000']) {
      const { x, y } = centre(id);
      expect(x).toBeGreaterThanOrEqual(area.x - 0.01);
      expect(x).toBeLessThanOrEqual(area.x + area.width + 0.01);
      expect(y).toBeGreaterThanOrEqual(area.y - 0.01);
      expect(y).toBeLessThanOrEqual(area.y + area.height + 0.01);
    }
  });

  it('marks spiking models with triangles and the others with circles, and says so in the legend', () => {
    expect(markers.map((m) => [m['data-model'], m['data-shape']])).toEqual(
      expect.arrayContaining([['e10', 'circle'], ['e100', 'circle'], ['e1000', 'triangle']]),
    );
    expect(elementsNamed(svg, 'path').find((p) => p['data-model'] === 'e1000')?.d).toMatch(/^M[^Z]+Z$/);
    expect(textContents(svg)).toEqual(expect.arrayContaining(['non-spiking model', 'spiking model (SNN)']));
  });

  it('labels each marker with its model in its own colour', () => {
    const texts = textContents(svg);
    for (const model of models) expect(texts.filter((t) => t === model.label).length).toBeGreaterThanOrEqual(2);
    expect(new Set(markers.map((m) => m.fill)).size).toBe(3);
  });

  it('leaves out a model without a positive energy and says so', () => {
    const broken = fakeModel('free', 0.9, { cost: { ...fakeModel('a', 0).cost, energyNanojoulesPerSample: 0 } });
    const chart = accuracyEnergyChart([...models, broken]);
    expect(markupErrors(chart, 'xml')).toEqual([]);
    expect(chart).not.toContain('data-model="free"');
    expect(textContents(chart)).toContain('1 model without a positive energy estimate not shown.');
  });
});
