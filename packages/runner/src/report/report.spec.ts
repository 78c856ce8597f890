import type { RunRecord } from '../store/run-record';
import { compareRuns, meanStd } from './compare-runs';
import { escapeHtml, escapeMarkdown } from './escape';
import { svgLineChart } from './svg-chart';

const run = (id: string, lr: number, seed: number, acc: number): RunRecord =>
  ({ id, project: 'p', experiment: 'e', status: 'finished', config: { lr, steps: 5 }, configHash: `h${lr}`, seed, summary: { acc } }) as unknown as RunRecord;

describe('compareRuns', () => {
  it('groups seeds of one config and gives mean and sample std', () => {
    const groups = compareRuns([run('a', 0.1, 0, 0.8), run('b', 0.1, 1, 0.6), run('c', 0.01, 0, 0.5)]);
    expect(groups).toHaveLength(2);
    expect(groups[0].label).toEqual({ lr: 0.1 });
    expect(groups[0].metrics['acc'].mean).toBeCloseTo(0.7, 12);
    expect(groups[0].metrics['acc'].std).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(meanStd([3])).toEqual({ mean: 3, std: 0, n: 1 });
  });
});

describe('escaping', () => {
  it('neutralises HTML and Markdown syntax', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeMarkdown('a|b\n*c*')).toBe('a\\|b \\*c\\*');
    const svg = svgLineChart('<t>', [{ name: '<s>', points: [[0, 1], [1, 2]] }]);
    expect(svg).not.toContain('<s>');
    expect(svg).toContain('&lt;t&gt;');
  });
});
