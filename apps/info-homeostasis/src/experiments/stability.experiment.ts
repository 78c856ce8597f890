import * as fs from 'node:fs';
import { sliceImageSet } from '@cristal/datasets';
import { aggregateSeeds, assessPredictive, gradientNormVariance, lossSpikes } from '@cristal/metrics';
import { defineExperiment, DivergedError, svgLineChart, type RunContext, type Series } from '@cristal/runner';
import { RandomStreams } from '@cristal/tensor';
import { z } from 'zod';
import { methodSchema, METHODS, type MethodConfig, type MethodName } from '../methods/method-config';
import { trainMethod } from '../methods/train-method';
import type { MethodData, Trajectories } from '../methods/trained-model';
import { shiftProtocolData } from './protocol';

const schema = methodSchema.extend({
  methods: z.array(z.enum(METHODS)).min(1).default(['bbb', 'homeostatic']).describe('Methods compared on the grid.'),
  learningRates: z.array(z.number().positive()).min(1).default([1e-3, 3e-3, 1e-2, 3e-2]).describe('Adam step sizes of the grid (IVON scales its own by the same factor over 1e-3).'),
  batchSizes: z.array(z.number().int().min(1)).min(1).default([32, 128]).describe('Batch sizes of the grid.'),
  seeds: z.number().int().min(1).max(20).default(5).describe('Seeds per grid cell (run seed, run seed + 1, ...).'),
  testExamples: z.number().int().min(100).max(10_000).default(10_000).describe('Test images for the final ECE of each cell.'),
  chanceAccuracy: z.number().min(0).max(1).default(0.2).describe('A run that ends at or below this test accuracy counts as diverged even without a NaN.'),
});
type StabilityConfig = z.infer<typeof schema>;

interface Cell {
  method: MethodName;
  learningRate: number;
  batchSize: number;
  seed: number;
}

interface CellResult extends Cell {
  diverged: boolean;
  /** Why: 'nan at step N' or 'chance accuracy'; empty when not diverged. */
  reason: string;
  lossSpikes: number;
  gradientNormVariance: number | null;
  finalEce: number | null;
  finalAccuracy: number | null;
  steps: number;
}

const key = (c: Cell) => `${c.method}|${c.learningRate}|${c.batchSize}|${c.seed}`;

function cellsOf(config: StabilityConfig, baseSeed: number): Cell[] {
  const cells: Cell[] = [];
  for (const method of config.methods)
    for (const learningRate of config.learningRates)
      for (const batchSize of config.batchSizes) for (let s = 0; s < config.seeds; s++) cells.push({ method, learningRate, batchSize, seed: baseSeed + s });
  return cells;
}

/** Finished cells of an interrupted run (the file is rewritten atomically after every cell). */
function finishedCells(file: string): Map<string, CellResult> {
  if (!fs.existsSync(file)) return new Map();
  const rows = JSON.parse(fs.readFileSync(file, 'utf8')) as CellResult[];
  return new Map(rows.map((r) => [key(r), r]));
}

async function runCell(ctx: RunContext<StabilityConfig>, cell: Cell, data: MethodData): Promise<{ result: CellResult; trajectories?: Trajectories }> {
  const base: MethodConfig = { ...ctx.config, method: cell.method, learningRate: cell.learningRate, batchSize: cell.batchSize };
  // IVON's step size lives on another scale; the grid multiplies it by the same factor as Adam's
  if (cell.method === 'ivon') base.ivon = { ...base.ivon, learningRate: base.ivon.learningRate * (cell.learningRate / 1e-3) };
  const random = new RandomStreams(cell.seed);
  const result: CellResult = { ...cell, diverged: false, reason: '', lossSpikes: 0, gradientNormVariance: null, finalEce: null, finalAccuracy: null, steps: 0 };
  try {
    const model = await trainMethod({ ctx: ctx as RunContext<unknown>, config: base, data, random, seed: cell.seed, resumable: false, gradientNorm: true, sense: true });
    try {
      const losses = model.fits.flatMap((f) => f.trace.loss);
      const norms = model.fits.flatMap((f) => f.trace.gradientNorm);
      const test = assessPredictive((x) => model.samples(x), data.test);
      result.lossSpikes = lossSpikes(losses).count;
      result.gradientNormVariance = norms.length >= 2 ? gradientNormVariance(norms) : null;
      result.finalEce = test.ece;
      result.finalAccuracy = test.accuracy;
      result.steps = losses.length;
      if (test.accuracy <= ctx.config.chanceAccuracy) Object.assign(result, { diverged: true, reason: 'chance accuracy' });
      return { result, trajectories: model.trajectories };
    } finally {
      model.dispose();
    }
  } catch (error) {
    if (!(error instanceof DivergedError)) throw error;
    Object.assign(result, { diverged: true, reason: error.message });
    return { result };
  }
}

function summarise(config: StabilityConfig, rows: CellResult[]): { summary: Record<string, number>; markdown: string } {
  const summary: Record<string, number> = {};
  const lines = [
    '| method | lr | batch | diverged | loss spikes (mean) | grad-norm variance (median) | final ECE (mean +- std, converged runs) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const median = (v: number[]) => (v.length === 0 ? NaN : [...v].sort((a, b) => a - b)[v.length >> 1]);
  for (const method of config.methods) {
    const mine = rows.filter((r) => r.method === method);
    summary[`${method}/diverged_fraction`] = mine.filter((r) => r.diverged).length / mine.length;
    const converged = mine.filter((r) => !r.diverged);
    if (converged.length > 0) {
      summary[`${method}/loss_spikes_mean`] = converged.reduce((s, r) => s + r.lossSpikes, 0) / converged.length;
      summary[`${method}/final_ece_mean`] = converged.reduce((s, r) => s + (r.finalEce ?? 0), 0) / converged.length;
    }
    for (const learningRate of config.learningRates)
      for (const batchSize of config.batchSizes) {
        const group = mine.filter((r) => r.learningRate === learningRate && r.batchSize === batchSize);
        const ok = group.filter((r) => !r.diverged);
        const ece = ok.length > 0 ? aggregateSeeds(ok.map((r) => r.finalEce as number)) : null;
        const gv = median(ok.map((r) => r.gradientNormVariance).filter((v): v is number => v !== null));
        lines.push(
          `| ${method} | ${learningRate} | ${batchSize} | ${group.filter((r) => r.diverged).length}/${group.length} | ${ok.length ? (ok.reduce((s, r) => s + r.lossSpikes, 0) / ok.length).toFixed(1) : '-'} | ${Number.isFinite(gv) ? gv.toExponential(2) : '-'} | ${ece ? `${ece.mean.toFixed(4)} +- ${ece.std.toFixed(4)}` : '-'} |`,
        );
      }
  }
  return { summary, markdown: `${lines.join('\n')}\n` };
}

/** The per-layer series of one run as charts: sensed value and set point per loop, and the actuators. */
function trajectoryCharts(title: string, trajectories: Trajectories): Record<string, string> {
  const groups = new Map<string, Series[]>();
  for (const [name, points] of Object.entries(trajectories)) {
    const [quantity, layer] = name.split('/');
    const chart = quantity.replace(/_setpoint$/, '');
    const list = groups.get(chart) ?? [];
    list.push({ name: quantity.endsWith('_setpoint') ? `${layer} set point` : layer, points });
    groups.set(chart, list);
  }
  const charts: Record<string, string> = {};
  for (const [chart, series] of groups) charts[`trajectory-${chart}.svg`] = svgLineChart(`${title}: ${chart} per layer vs step`, series, 640, 320);
  return charts;
}

/**
 * Training stability over a grid of learning rates (including aggressive ones) and batch sizes, for
 * several seeds per cell: the fraction of runs that diverge (a NaN or chance accuracy at the end),
 * loss spikes (loss above twice the running median), the variance of the gradient norm, the final
 * ECE; and the per-layer KL, SNR and Fisher-trace trajectories of each method's first cell.
 * Every cell is a full training inside this run; finished cells are kept in cells.json, so a resumed
 * run skips them.
 */
export const stability = defineExperiment({
  name: 'stability',
  description: 'Divergence fraction, loss spikes, gradient-norm variance and final ECE over a learning-rate x batch-size x seed grid; per-layer information-flow trajectories.',
  schema,
  profiles: {
    // 40 steps: the homeostat updates every 4 and fixes its set points over the first 3 updates
    quick: {
      trainExamples: 5_000,
      epochs: 1,
      seeds: 2,
      learningRates: [1e-3, 3e-2],
      batchSizes: [128],
      testExamples: 2_000,
      predictiveSamples: 4,
      schedule: 'constant' as const,
      homeostasis: { updateEvery: 4, warmupUpdates: 3 },
    },
    // one epoch on all 50,000 images per cell (390 steps at batch 128, 1,563 at 32): divergence at an
    // aggressive step size shows within it, and the grid is 80 trainings on a 2-core machine
    full: { trainExamples: 0, epochs: 1, seeds: 5, predictiveSamples: 8, schedule: 'constant' as const },
  },
  run: async (ctx) => {
    const config = ctx.config;
    const protocol = shiftProtocolData(config.trainExamples);
    const data: MethodData = { ...protocol, test: sliceImageSet(protocol.test, 0, config.testExamples, `${protocol.test.name}[:${config.testExamples}]`) };
    const cellsFile = ctx.artifacts.path('cells.json');
    const done = finishedCells(cellsFile);
    const rows: CellResult[] = [];
    const cells = cellsOf(config, ctx.seed);
    for (const [i, cell] of cells.entries()) {
      const previous = done.get(key(cell));
      if (previous) {
        rows.push(previous);
        continue;
      }
      ctx.log.info(`cell ${i + 1}/${cells.length}: ${cell.method} lr ${cell.learningRate} batch ${cell.batchSize} seed ${cell.seed}`);
      const { result, trajectories } = await runCell(ctx, cell, data);
      rows.push(result);
      ctx.artifacts.write('cells.json', `${JSON.stringify(rows, null, 1)}\n`);
      const first = cell.learningRate === config.learningRates[0] && cell.batchSize === config.batchSizes[0] && cell.seed === ctx.seed;
      if (first && trajectories) {
        ctx.artifacts.write(`trajectories-${cell.method}.json`, `${JSON.stringify(trajectories)}\n`);
        for (const [file, svg] of Object.entries(trajectoryCharts(`${cell.method} (lr ${cell.learningRate}, batch ${cell.batchSize})`, trajectories))) {
          ctx.artifacts.write(file.replace('trajectory-', `trajectory-${cell.method}-`), svg);
        }
      }
    }
    const { summary, markdown } = summarise(config, rows);
    ctx.artifacts.write('stability.md', markdown);
    return summary;
  },
});
