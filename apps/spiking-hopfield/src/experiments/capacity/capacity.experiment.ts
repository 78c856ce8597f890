import { defineExperiment, svgLineChart } from '@cristal/runner';
import { tf, type RandomStream, type Tensor2D } from '@cristal/tensor';
import { z } from 'zod';
import { hebbianWeights } from '../../models/classical/hebbian-weights';
import { retrieveAsynchronous } from '../../models/classical/asynchronous';
import { retrieveSynchronous } from '../../models/classical/synchronous';
import { modernRetrieve } from '../../models/modern/modern-update';
import { disposePatternMemory, patternMemory } from '../../spiking/pattern-memory';
import { disposeSpikingRetrieval, spikingRetrieval } from '../../spiking/spiking-retrieval';
import { corruptPatterns, corruptionLabel, type Corruption } from './corruption';
import { binarisedMnistPatterns, randomBipolarPatterns } from './pattern-sets';
import { capacityFromCurve, retrievalSuccess } from './retrieval-success';

const schema = z.object({
  dimensions: z.array(z.number().int().min(8).max(4096)).default([64, 256]).describe('Dimensions d of the random +-1 pattern sets.'),
  mnist: z.boolean().default(true).describe('Also store binarised MNIST digits (d = 784).'),
  flips: z.array(z.number().min(0).max(0.5)).default([0.1, 0.2, 0.3, 0.4]).describe('Fractions of flipped bits in the queries.'),
  masks: z.array(z.number().min(0).max(1)).default([0.5]).describe('Fractions of the pattern masked (set to 0) in the queries.'),
  queries: z.number().int().min(1).max(10_000).default(100).describe('Queries per point (each a corrupted copy of a random stored pattern).'),
  classicalLoads: z
    .array(z.number().positive().max(2))
    .default([0.02, 0.05, 0.08, 0.1, 0.12, 0.14, 0.16, 0.2, 0.25, 0.3])
    .describe('Loads N/d at which the classical network is tested.'),
  classicalUpdate: z.enum(['asynchronous', 'synchronous']).default('asynchronous').describe('Classical dynamics: asynchronous (random order, to a fixed point) or synchronous.'),
  maxSweeps: z.number().int().min(1).default(50).describe('Sweeps (or synchronous steps) before the classical dynamics give up.'),
  modernMaxPatternsLog2: z.number().int().min(1).max(20).default(14).describe('The modern network is tested at N = 2, 4, ..., 2^this.'),
  mnistMaxPatternsLog2: z.number().int().min(1).max(15).default(12).describe('Largest N (as a power of 2) of stored MNIST digits.'),
  beta: z.number().positive().default(1).describe('Inverse temperature of the modern network.'),
  modernSteps: z.number().int().min(1).max(100).default(1).describe('Modern update steps per query.'),
  spikingWindows: z
    .array(z.number().int().min(1))
    .default([16, 64, 256])
    .describe('Readout windows T of the spiking network (one-step spiking retrieval at the modern network\'s beta, one curve per T).'),
  spikingReadout: z.enum(['poisson-race', 'escape-noise']).default('poisson-race').describe('Spiking softmax readout.'),
  spikingCoding: z.enum(['latency', 'rate']).default('latency').describe('Input coding of the query spikes.'),
  spikingInputSteps: z.number().int().min(2).default(16).describe('Input window T_in of the spiking network.'),
});

type CapacityConfig = z.infer<typeof schema>;

interface PatternSet {
  name: string;
  dimension: number;
  /** The first n stored patterns (shared prefix: a larger memory contains the smaller one). */
  patterns(n: number): Tensor2D;
  maxPatterns: number;
}

interface CurvePoint {
  n: number;
  success: number;
}

type Model = 'classical' | 'modern' | { spikingWindow: number };

function modelName(model: Model): string {
  return typeof model === 'string' ? model : `spiking-T${model.spikingWindow}`;
}

interface Curve {
  model: string;
  set: string;
  dimension: number;
  corruption: string;
  points: CurvePoint[];
  capacity: number;
}

function patternSets(config: CapacityConfig, stream: RandomStream): PatternSet[] {
  const sets: PatternSet[] = config.dimensions.map((d) => {
    const max = Math.max(2 ** config.modernMaxPatternsLog2, ...config.classicalLoads.map((l) => Math.round(l * d)));
    const all = randomBipolarPatterns(max, d, stream.fork(`random-d${d}`));
    return { name: `random-d${d}`, dimension: d, maxPatterns: max, patterns: (n) => tf.slice(all, [0, 0], [n, d]) };
  });
  if (config.mnist) {
    const max = 2 ** config.mnistMaxPatternsLog2;
    const all = binarisedMnistPatterns(max);
    sets.push({ name: 'mnist', dimension: 784, maxPatterns: max, patterns: (n) => tf.slice(all, [0, 0], [n, 784]) });
  }
  return sets;
}

function grid(model: Model, set: PatternSet, config: CapacityConfig): number[] {
  const powers = (maxLog2: number) => Array.from({ length: maxLog2 }, (_, i) => 2 ** (i + 1));
  if (model !== 'classical') return powers(set.name === 'mnist' ? config.mnistMaxPatternsLog2 : config.modernMaxPatternsLog2);
  if (set.name === 'mnist') return powers(Math.min(6, config.mnistMaxPatternsLog2));
  return [...new Set(config.classicalLoads.map((l) => Math.max(1, Math.round(l * set.dimension))))].sort((a, b) => a - b);
}

/** Success rate of one model at one memory size: `queries` corrupted copies of random stored patterns. */
function successRate(model: Model, stored: Tensor2D, corruption: Corruption, config: CapacityConfig, stream: RandomStream): number {
  const n = stored.shape[0];
  const targets = Int32Array.from({ length: config.queries }, () => Math.floor(stream.uniform() * n));
  const clean = tf.gather(stored, targets) as Tensor2D;
  const queries = corruptPatterns(clean, corruption, stream);
  let retrieved: Tensor2D;
  if (typeof model === 'object') {
    const memory = patternMemory(stored);
    const out = spikingRetrieval(memory, queries, {
      beta: config.beta,
      coding: config.spikingCoding,
      inputSteps: config.spikingInputSteps,
      readout: { kind: config.spikingReadout, steps: model.spikingWindow },
      stream,
    });
    retrieved = out.retrieved.clone();
    disposeSpikingRetrieval(out);
    disposePatternMemory(memory);
  } else if (model === 'modern') {
    const out = modernRetrieve(stored, queries, config.beta, config.modernSteps);
    out.attention.dispose();
    retrieved = out.state as Tensor2D;
  } else {
    const weights = hebbianWeights(stored);
    retrieved = (
      config.classicalUpdate === 'asynchronous'
        ? retrieveAsynchronous(weights, queries, stream, { maxSweeps: config.maxSweeps }).state
        : retrieveSynchronous(weights, queries, { maxSteps: config.maxSweeps }).state
    ) as Tensor2D;
    weights.dispose();
  }
  const ok = retrievalSuccess(retrieved, stored, targets);
  tf.dispose([clean, queries, retrieved]);
  return ok.filter(Boolean).length / ok.length;
}

function markdownTable(curves: readonly Curve[]): string {
  const rows = curves.map((c) => `| ${c.model} | ${c.set} | ${c.corruption} | ${c.capacity} | ${(c.capacity / c.dimension).toFixed(3)} |`);
  return ['| model | patterns | query | capacity N (>= 95% success) | N / d |', '| --- | --- | --- | ---: | ---: |', ...rows].join('\n') + '\n';
}

export const capacity = defineExperiment({
  name: 'capacity',
  description: 'Retrieval success against the number of stored patterns: classical vs modern Hopfield networks, random and MNIST patterns, flipped and masked queries.',
  schema,
  profiles: {
    quick: { dimensions: [64], mnist: false, flips: [0.1, 0.3], queries: 50, modernMaxPatternsLog2: 10, spikingWindows: [16, 64] },
    full: { queries: 200 },
  },
  run: async (ctx) => {
    const config = ctx.config;
    const corruptions: Corruption[] = [...config.flips.map((fraction) => ({ kind: 'flip' as const, fraction })), ...config.masks.map((fraction) => ({ kind: 'mask' as const, fraction }))];
    const sets = patternSets(config, ctx.random.data);
    const curves: Curve[] = [];
    const models: Model[] = ['classical', 'modern', ...config.spikingWindows.map((spikingWindow) => ({ spikingWindow }))];
    const total = sets.length * models.length * corruptions.length;
    ctx.progress.start(total, 'capacity');
    let done = 0;
    for (const set of sets) {
      for (const model of models) {
        const name = modelName(model);
        for (const corruption of corruptions) {
          const label = corruptionLabel(corruption);
          const stream = ctx.random.noise.fork(`${name}/${set.name}/${label}`);
          const points: CurvePoint[] = [];
          for (const n of grid(model, set, config)) {
            const stored = set.patterns(n);
            const success = successRate(model, stored, corruption, config, stream);
            stored.dispose();
            points.push({ n, success });
            ctx.metrics.log(`success/${name}/${set.name}/${label}`, success, { step: n, context: 'capacity' });
            // past a network's capacity, larger memories only cost time
            if (success === 0) break;
          }
          const curve = { model: name, set: set.name, dimension: set.dimension, corruption: label, points, capacity: capacityFromCurve(points) };
          curves.push(curve);
          ctx.metrics.summary(`capacity/${name}/${set.name}/${label}`, curve.capacity);
          ctx.progress.update(++done, { capacity: curve.capacity });
        }
      }
    }
    ctx.artifacts.write('capacity.json', `${JSON.stringify({ overlapThreshold: 0.95, successLevel: 0.95, curves }, null, 2)}\n`);
    ctx.artifacts.write('capacity.md', markdownTable(curves));
    for (const set of sets) {
      const series = curves.filter((c) => c.set === set.name).map((c) => ({ name: `${c.model} ${c.corruption}`, points: c.points.map((p) => [Math.log2(p.n), p.success] as const) }));
      ctx.artifacts.write(`capacity-${set.name}.svg`, svgLineChart(`${set.name}: retrieval success vs log2 N`, series, 640, 320));
    }
    return {};
  },
});
