import { UsageError } from '../config/config-error';

export interface GridAxis {
  key: string;
  values: string[];
}

export interface SweepJob {
  index: number;
  overrides: string[];
  seed: number;
}

/** `lr=0.1,0.01` -> {key: 'lr', values: ['0.1', '0.01']}; values stay text, read as YAML later. */
export function parseGrid(specs: readonly string[]): GridAxis[] {
  const axes = specs.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new UsageError(`--grid expects key=v1,v2,..., got "${spec}".`);
    const values = spec.slice(eq + 1).split(',');
    if (values.some((v) => v.trim() === '')) throw new UsageError(`--grid ${spec}: empty value in the list.`);
    return { key: spec.slice(0, eq), values };
  });
  const keys = axes.map((a) => a.key);
  const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
  if (repeated) throw new UsageError(`--grid: key "${repeated}" given twice.`);
  return axes;
}

/** `0..4` (inclusive), `3`, or `1,5,9`. */
export function parseSeeds(spec: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(spec);
  if (range) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    if (to < from) throw new UsageError(`--seeds ${spec}: the range is empty.`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  if (/^\d+(,\d+)*$/.test(spec)) return [...new Set(spec.split(',').map(Number))];
  throw new UsageError(`--seeds expects A..B or a comma list of integers, got "${spec}".`);
}

/** The cartesian product of the grid, times the seeds; the last axis varies fastest. */
export function expandGrid(axes: readonly GridAxis[], seeds: readonly number[]): SweepJob[] {
  let combos: string[][] = [[]];
  for (const axis of axes) combos = combos.flatMap((combo) => axis.values.map((v) => [...combo, `${axis.key}=${v}`]));
  return combos.flatMap((overrides) => seeds.map((seed) => ({ overrides, seed }))).map((job, index) => ({ index, ...job }));
}
