import * as fs from 'node:fs';
import { defineExperiment, svgLineChart, type RunContext } from '@cristal/runner';
import { writeFileAtomic } from '@cristal/tensor';
import { z } from 'zod';
import { PC_ACTIVATIONS, pcArchitecture, type PcParamValues } from '../pc';
import { mnistDefaultRMax, runMnistSpikingStream, type MnistSpikingStreamConfig, type MnistSpikingStreamResult } from '../spiking-pc';
import { datasetSplits } from './datasets';
import { exportPointPredictor } from './export-predictor';
import { SPIKING_ONLINE_PROFILES } from './profiles';

const schema = z.object({
  samples: z.number().int().min(1).default(10_000).describe('Training images streamed once each, batch by batch (no epochs).'),
  testSamples: z.number().int().min(1).max(10_000).default(2_000).describe('Held-out MNIST test images scored at every evaluation.'),
  evaluateEvery: z.number().int().min(1).default(1_000).describe('Evaluate every this many samples (and at the switch and the end).'),
  switchAt: z.number().int().min(1).nullable().default(5_000).describe('From this sample on the stream shows its images rotated by `degrees`; null: no switch.'),
  degrees: z.number().min(0).max(360).default(90).describe('Rotation after the switch, degrees.'),
  hidden: z.array(z.number().int().min(1)).min(1).default([256, 256]).describe('Hidden widths (784-...-10).'),
  activation: z.enum(PC_ACTIVATIONS).default('tanh').describe('Hidden activation.'),
  batchSize: z.number().int().min(1).default(1).describe('Samples per learning step: 1 is a pure stream.'),
  timeSteps: z.number().int().min(1).default(20).describe('K, spiking inference time steps per sample.'),
  learningRate: z.number().positive().default(0.02).describe('SGD step of the local weight updates (the twins use the same).'),
  rMax: z.array(z.number().positive()).nullable().default(null).describe('Spike magnitude r_max per predicted layer; null: 0.1 for hidden layers, 1 for the output.'),
  baselines: z.array(z.enum(['pc', 'backprop'])).default(['pc', 'backprop']).describe('Non-spiking twins run on the same stream for comparison.'),
  budgetScales: z.array(z.number().positive()).default([1, 3, 10]).describe('Spike-budget curve: streams (no switch, `budgetSamples` samples) with r_max multiplied by each factor (larger r_max, fewer spikes).'),
  budgetSamples: z.number().int().min(1).default(5_000).describe('Samples of each spike-budget stream.'),
  exportOnnx: z.boolean().default(true).describe('Export the spiking PC learner\'s feedforward predictor to model.onnx.'),
});
type SpikingOnlineConfig = z.infer<typeof schema>;

interface StreamSummary {
  key: string;
  model: MnistSpikingStreamConfig['model'];
  rMax: number[];
  switchAt: number | null;
  curve: { samplesSeen: number; accuracy: Record<string, number>; spikesPerSample: number; synapticOpsPerSample: number }[];
  recovery: { samplesAfterSwitch: number; accuracy: number }[];
  totals: MnistSpikingStreamResult['run']['totals'];
}

function summarise(key: string, result: MnistSpikingStreamResult): StreamSummary {
  return {
    key,
    model: result.config.model,
    rMax: [...result.options.rMax],
    switchAt: result.config.switchAt,
    curve: result.run.evaluations.map((e) => ({ samplesSeen: e.samplesSeen, accuracy: { ...e.accuracy }, spikesPerSample: e.window.spikesPerSample, synapticOpsPerSample: e.window.synapticOpsPerSample })),
    recovery: result.recovery.map((p) => ({ ...p })),
    totals: { ...result.run.totals },
  };
}

/** Streams of an interrupted run that already finished (streams.json is rewritten atomically after each). */
function finishedStreams(file: string): Map<string, StreamSummary> {
  if (!fs.existsSync(file)) return new Map();
  return new Map((JSON.parse(fs.readFileSync(file, 'utf8')) as StreamSummary[]).map((s) => [s.key, s]));
}

const pct = (v: number) => (100 * v).toFixed(2);

function report(config: SpikingOnlineConfig, streams: StreamSummary[]): string {
  const main = streams.filter((s) => !s.key.startsWith('budget'));
  const budget = streams.filter((s) => s.key.startsWith('budget'));
  const sets = Object.keys(main[0]?.curve[0]?.accuracy ?? {});
  const lines = [
    `# Spiking PC on an MNIST stream (784-${config.hidden.join('-')}-10, batch ${config.batchSize}, K = ${config.timeSteps}, switch to ${config.degrees} deg at ${config.switchAt ?? 'never'})`,
    '',
    `| model | ${config.switchAt === null ? '' : 'acc original at the switch (%) | '}${sets.map((s) => `final acc ${s} (%)`).join(' | ')} | spikes / sample | SOPs / sample | dense MACs / sample |`,
    `| --- | ${config.switchAt === null ? '' : '---: | '}${sets.map(() => '---:').join(' | ')} | ---: | ---: | ---: |`,
    ...main.map((s) => {
      const last = s.curve[s.curve.length - 1];
      const atSwitch = config.switchAt === null ? '' : `${pct(s.curve.find((c) => c.samplesSeen === config.switchAt)?.accuracy['original'] ?? NaN)} | `;
      const t = s.totals;
      return `| ${s.key} | ${atSwitch}${sets.map((n) => pct(last.accuracy[n])).join(' | ')} | ${(t.spikes / t.samples).toFixed(0)} | ${(t.synapticOps / t.samples).toFixed(0)} | ${((t.feedforwardMacs + t.predictionMacs) / t.samples).toFixed(0)} |`;
    }),
    '',
  ];
  if (config.switchAt !== null) {
    lines.push('Recovery after the switch (accuracy on the rotated test images, %):', '', `| samples after switch | ${main.map((s) => s.key).join(' | ')} |`, `| ---: | ${main.map(() => '---:').join(' | ')} |`);
    for (let i = 0; i < (main[0]?.recovery.length ?? 0); i++) lines.push(`| ${main[0].recovery[i].samplesAfterSwitch} | ${main.map((s) => pct(s.recovery[i]?.accuracy ?? NaN)).join(' | ')} |`);
    lines.push('');
  }
  if (budget.length > 0) {
    lines.push(`Spike budget (${config.budgetSamples} samples, no switch):`, '', '| r_max | spikes / sample | SOPs / sample | final accuracy (%) |', '| --- | ---: | ---: | ---: |');
    for (const s of budget) {
      const last = s.curve[s.curve.length - 1];
      lines.push(`| ${s.rMax.map((r) => Number(r.toPrecision(6))).join(', ')} | ${(s.totals.spikes / s.totals.samples).toFixed(0)} | ${(s.totals.synapticOps / s.totals.samples).toFixed(0)} | ${pct(last.accuracy['original'])} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function run(ctx: RunContext<SpikingOnlineConfig>): Promise<Record<string, number>> {
  const config = ctx.config;
  const rMax = config.rMax ?? mnistDefaultRMax(config.hidden);
  if (rMax.length !== config.hidden.length + 1) throw new Error(`rMax needs one value per predicted layer (${config.hidden.length + 1} for hidden ${JSON.stringify(config.hidden)}), got ${rMax.length}.`);
  const base: Partial<MnistSpikingStreamConfig> = {
    seed: ctx.seed,
    testSamples: config.testSamples,
    evaluateEvery: config.evaluateEvery,
    degrees: config.degrees,
    hidden: config.hidden,
    activation: config.activation,
    batchSize: config.batchSize,
  };
  const spiking = { timeSteps: config.timeSteps, learningRate: config.learningRate };
  const jobs: { key: string; overrides: Partial<MnistSpikingStreamConfig> }[] = [
    { key: 'spiking-pc', overrides: { ...base, model: 'spiking-pc', samples: config.samples, switchAt: config.switchAt, spiking: { ...spiking, rMax } } },
    ...config.baselines.map((model) => ({ key: model, overrides: { ...base, model, samples: config.samples, switchAt: config.switchAt, spiking: { ...spiking, rMax } } })),
    ...config.budgetScales.map((scale) => ({
      key: `budget x${scale}`,
      overrides: { ...base, model: 'spiking-pc' as const, samples: config.budgetSamples, switchAt: null, spiking: { ...spiking, rMax: rMax.map((r) => r * scale) } },
    })),
  ];
  const file = ctx.artifacts.path('streams.json');
  const done = finishedStreams(file);
  if (done.size > 0) ctx.log.info(`resuming: ${done.size} of ${jobs.length} streams already finished`);
  const streams: StreamSummary[] = [];
  let weights: PcParamValues | null = null;
  for (const [index, job] of jobs.entries()) {
    const previous = done.get(job.key);
    // streams.json keeps summaries, not weights: a resumed run streams spiking-pc again (same seed, same
    // result) when it still has to export its predictor
    const needWeights = job.key === 'spiking-pc' && config.exportOnnx;
    if (previous && !needWeights) {
      streams.push(previous);
      continue;
    }
    ctx.log.info(`stream ${index + 1}/${jobs.length}: ${job.key}`);
    ctx.progress.start(job.overrides.samples ?? config.samples, job.key);
    const result = runMnistSpikingStream(
      job.overrides,
      (e) => {
        ctx.progress.update(e.samplesSeen, { spikes: e.window.spikesPerSample });
        ctx.metrics.logMany(
          { ...Object.fromEntries(Object.entries(e.accuracy).map(([k, v]) => [`accuracy_${k}`, v])), spikes_per_sample: e.window.spikesPerSample, sops_per_sample: e.window.synapticOpsPerSample },
          { step: e.samplesSeen, context: job.key },
        );
      },
      needWeights ? (w) => (weights = w) : undefined,
    );
    ctx.progress.finish();
    streams.push(summarise(job.key, result));
    writeFileAtomic(file, `${JSON.stringify(streams, null, 2)}\n`);
    if (stopRequestedAfter(ctx)) break;
  }
  const summary: Record<string, number> = {};
  for (const s of streams) {
    const last = s.curve[s.curve.length - 1];
    for (const [set, a] of Object.entries(last.accuracy)) summary[`${s.key}/${set}`] = a;
    summary[`${s.key}/spikes_per_sample`] = s.totals.spikes / s.totals.samples;
    summary[`${s.key}/sops_per_sample`] = s.totals.synapticOps / s.totals.samples;
  }
  const architecture = pcArchitecture([784, ...config.hidden, 10], config.activation);
  if (weights && config.exportOnnx) {
    // the stream scores the first testSamples test images; the exported predictor is scored on all 10,000
    const scored = await exportPointPredictor(ctx as RunContext<unknown>, weights, architecture, 'squared-error', 'model', datasetSplits('mnist').test);
    summary['test_accuracy'] = scored.tfjs;
    summary['onnx_accuracy'] = scored.onnx;
  }
  ctx.artifacts.write('spiking-online.md', report(config, streams));
  const main = streams.filter((s) => !s.key.startsWith('budget'));
  const sets = Object.keys(main[0]?.curve[0]?.accuracy ?? {});
  for (const set of sets) {
    ctx.artifacts.write(
      `accuracy-${set}-vs-samples.svg`,
      svgLineChart(`accuracy on ${set} test images vs samples seen`, main.map((s) => ({ name: s.key, points: s.curve.map((c) => [c.samplesSeen, c.accuracy[set]] as const) })), 560, 300),
    );
  }
  const budget = streams.filter((s) => s.key.startsWith('budget'));
  if (budget.length > 0) {
    ctx.artifacts.write(
      'accuracy-vs-spike-budget.svg',
      svgLineChart('final accuracy vs spikes per sample', [{ name: 'spiking PC', points: budget.map((s) => [s.totals.spikes / s.totals.samples, s.curve[s.curve.length - 1].accuracy['original']] as const).sort((a, b) => a[0] - b[0]) }], 560, 300),
    );
  }
  return summary;
}

function stopRequestedAfter(ctx: RunContext<SpikingOnlineConfig>): boolean {
  if (!ctx.stopRequested) return false;
  ctx.log.info('stop requested: finished streams are saved in streams.json; resume the run to do the rest');
  ctx.afterStep(0, () => ({}), 0);
  return true;
}

/**
 * Online learning on a stream, no epochs and no backprop: spiking PC (and its non-spiking twins)
 * on one pass of MNIST with a switch to rotated digits (the recovery curve), synaptic operations per
 * sample, and accuracy against the spike budget.
 */
export const spikingOnline = defineExperiment({
  name: 'spiking-online',
  description: 'Spiking PC on an MNIST stream: accuracy vs samples, recovery after a switch to rotated digits, SOPs per sample, accuracy vs spike budget.',
  schema,
  profiles: SPIKING_ONLINE_PROFILES,
  run,
});
