import { defineExperiment, svgLineChart } from '@cristal/runner';
import { tf, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { z } from 'zod';
import { denseRetrieval } from '../../spiking/dense-retrieval';
import { disposePatternMemory, patternMemory } from '../../spiking/pattern-memory';
import { retrievalEnergy } from '../../spiking/retrieval-accounting';
import { disposeSpikingRetrieval, spikingRetrieval, type SpikingReadout } from '../../spiking/spiking-retrieval';
import type { QueryCoding } from '../../spiking/query-coding';
import { corruptPatterns } from '../capacity/corruption';
import { randomBipolarPatterns } from '../capacity/pattern-sets';
import { retrievalSuccess } from '../capacity/retrieval-success';
import { attentionErrors, type AttentionErrors } from './attention-errors';

const schema = z.object({
  dimension: z.number().int().min(8).max(4096).default(256).describe('Pattern dimension d.'),
  patterns: z.number().int().min(2).max(100_000).default(1000).describe('Stored random +-1 patterns N (memory neurons).'),
  queries: z.number().int().min(1).max(10_000).default(200).describe('Queries: stored patterns with flipped bits.'),
  flip: z.number().min(0).max(0.5).default(0.2).describe('Fraction of flipped bits in each query.'),
  betas: z.array(z.number().positive()).default([0.03, 0.05, 0.07, 0.1]).describe('Inverse temperatures of the softmax readouts.'),
  windows: z.array(z.number().int().min(1)).default([16, 64, 256, 1024]).describe('Readout windows T (memory spikes per query for the Poisson race).'),
  codings: z.array(z.enum(['rate', 'latency'])).default(['rate', 'latency']).describe('Input codings of the query.'),
  inputSteps: z.number().int().min(2).default(16).describe('Input window T_in in steps.'),
  readouts: z.array(z.enum(['escape-noise', 'poisson-race'])).default(['escape-noise', 'poisson-race']).describe('Softmax readouts to measure.'),
  wtaThresholds: z.array(z.number().positive()).default([40, 80, 160]).describe('Thresholds of the latency winner-take-all (the beta -> infinity limit).'),
});

type AttentionConfig = z.infer<typeof schema>;

interface Row extends AttentionErrors {
  readout: string;
  coding: QueryCoding;
  beta: number | null;
  window: number | null;
  threshold: number | null;
  retrievalSuccess: number;
  /** The same criterion for the dense update at this beta (the reference's own success). */
  denseRetrievalSuccess: number;
  synapticOpsPerQuery: number;
  denseMacsPerQuery: number;
  energyRatio: number;
  /** Steps until the output is available: T_in + T for the softmax readouts, the mean decision step for the WTA. */
  latencySteps: number;
  undecided: number;
}

function table(rows: readonly Row[]): string {
  const f = (x: number | null, digits = 3) => (x === null ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(digits));
  return [
    '| readout | coding | beta | T | threshold | softmax TV | pattern rel. error | argmax agreement | retrieval success (dense) | SOPs / query | energy / dense | latency (steps) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.readout} | ${r.coding} | ${f(r.beta)} | ${f(r.window)} | ${f(r.threshold)} | ${f(r.softmaxTv)} | ${f(r.patternRelError)} | ${f(r.argmaxAgreement)} | ${f(r.retrievalSuccess)} (${f(r.denseRetrievalSuccess)}) | ${Math.round(r.synapticOpsPerQuery)} | ${f(r.energyRatio)} | ${f(r.latencySteps, 1)} |`,
    ),
  ].join('\n') + '\n';
}

export const spikingAttention = defineExperiment({
  name: 'spiking-attention',
  description: 'Spiking softmax and retrieved-pattern error against the dense update as functions of T, beta and coding; synaptic operations, energy and latency per query.',
  schema,
  profiles: {
    quick: { dimension: 64, patterns: 256, queries: 64, betas: [0.3, 1], windows: [16, 64, 256], wtaThresholds: [20, 40] },
    full: {},
  },
  run: async (ctx) => {
    const config: AttentionConfig = ctx.config;
    const stored = randomBipolarPatterns(config.patterns, config.dimension, ctx.random.data.fork('patterns'));
    const memory = patternMemory(stored);
    const targets = Int32Array.from({ length: config.queries }, (_, q) => q % config.patterns);
    const clean = tf.gather(stored, targets) as Tensor2D;
    const queries = corruptPatterns(clean, { kind: 'flip', fraction: config.flip }, ctx.random.data.fork('queries'));
    const rows: Row[] = [];
    const settings: { readout: SpikingReadout; coding: QueryCoding; beta: number }[] = [];
    for (const coding of config.codings) {
      for (const beta of config.betas) for (const kind of config.readouts) for (const steps of config.windows) settings.push({ readout: { kind, steps }, coding, beta });
      for (const threshold of config.wtaThresholds) settings.push({ readout: { kind: 'latency-wta', threshold }, coding, beta: 1 });
    }
    ctx.progress.start(settings.length, 'settings');
    try {
      for (const [i, s] of settings.entries()) {
        const stream = ctx.random.noise.fork(`setting-${i}`);
        const dense = denseRetrieval(memory, queries, s.beta);
        const spiking = spikingRetrieval(memory, queries, { beta: s.beta, coding: s.coding, inputSteps: config.inputSteps, readout: s.readout, stream });
        const errors = attentionErrors(spiking, dense);
        const success = retrievalSuccess(spiking.retrieved, stored, targets);
        const denseSuccess = retrievalSuccess(dense.retrieved, stored, targets);
        const energy = retrievalEnergy(spiking.activity);
        const wta = s.readout.kind === 'latency-wta';
        const decisions = wta ? Array.from((spiking.decisionStep as Tensor1D).dataSync()) : [];
        const decided = decisions.filter((d) => d >= 0);
        const row: Row = {
          ...errors,
          readout: s.readout.kind,
          coding: s.coding,
          beta: wta ? null : s.beta,
          window: s.readout.kind === 'latency-wta' ? null : s.readout.steps,
          threshold: s.readout.kind === 'latency-wta' ? s.readout.threshold : null,
          retrievalSuccess: success.filter(Boolean).length / success.length,
          denseRetrievalSuccess: denseSuccess.filter(Boolean).length / denseSuccess.length,
          synapticOpsPerQuery: spiking.activity.synapticOpsPerQuery,
          denseMacsPerQuery: spiking.activity.denseMacsPerQuery,
          energyRatio: energy.ratio,
          latencySteps: wta ? (decided.length ? decided.reduce((a, b) => a + b, 0) / decided.length + 1 : config.inputSteps) : config.inputSteps + (s.readout.kind === 'latency-wta' ? 0 : s.readout.steps),
          undecided: wta ? decisions.length - decided.length : 0,
        };
        rows.push(row);
        const key = `${row.readout}/${row.coding}/${wta ? `theta${row.threshold}` : `beta${row.beta}`}`;
        ctx.metrics.logMany({ softmax_tv: row.softmaxTv, pattern_rel_error: row.patternRelError, energy_ratio: row.energyRatio }, { step: wta ? Math.round(row.threshold ?? 0) : (row.window ?? 0), context: key });
        tf.dispose([dense.probabilities, dense.retrieved]);
        disposeSpikingRetrieval(spiking);
        ctx.progress.update(i + 1);
      }
    } finally {
      tf.dispose([stored, clean, queries]);
      disposePatternMemory(memory);
    }
    ctx.artifacts.write('spiking-attention.json', `${JSON.stringify({ config, rows }, null, 2)}\n`);
    ctx.artifacts.write('spiking-attention.md', table(rows));
    const softmaxRows = rows.filter((r) => r.window !== null);
    const curves = (y: (r: Row) => number, x: (r: Row) => number) =>
      [...new Set(softmaxRows.map((r) => `${r.readout} ${r.coding} beta=${r.beta}`))].map((name) => ({
        name,
        points: softmaxRows.filter((r) => `${r.readout} ${r.coding} beta=${r.beta}` === name).map((r) => [x(r), y(r)] as const),
      }));
    ctx.artifacts.write('softmax-error-vs-window.svg', svgLineChart('softmax TV distance vs log2 T', curves((r) => r.softmaxTv, (r) => Math.log2(r.window ?? 1)), 640, 320));
    ctx.artifacts.write('energy-vs-error.svg', svgLineChart('pattern error (y) vs energy / dense (x)', curves((r) => r.patternRelError, (r) => r.energyRatio), 640, 320));
    // headline numbers: the cheapest setting within 5% pattern error of the dense update, per readout
    const summary: Record<string, number> = {};
    for (const readout of new Set(rows.map((r) => r.readout))) {
      const good = rows.filter((r) => r.readout === readout && r.patternRelError <= 0.05).sort((a, b) => a.energyRatio - b.energyRatio);
      summary[`min_energy_ratio_at_5pct_error/${readout}`] = good.length ? good[0].energyRatio : -1;
      summary[`best_retrieval_success/${readout}`] = Math.max(...rows.filter((r) => r.readout === readout).map((r) => r.retrievalSuccess));
    }
    return summary;
  },
});
