import { BatchIterator } from '@cristal/datasets';
import { assessPredictive } from '@cristal/metrics';
import { defineExperiment, DivergedError, scheduledLearningRate, svgLineChart, type RunContext } from '@cristal/runner';
import { z } from 'zod';
import { pcArchitecture, pcKernelInfo, resolvePcOptions, PC_ACTIVATIONS, PC_KERNELS } from '../pc';
import { DATASETS, datasetSplits } from './datasets';
import { exportPointPredictor } from './export-predictor';
import { PC_VS_BP_PROFILES } from './profiles';
import { twinLearners, type TwinLearner } from './twin-learners';

export const pcVsBpSchema = z.object({
  dataset: z.enum(DATASETS).default('mnist').describe('mnist (the shift protocol: 50k train / 10k validation / 10k test) or fashion-mnist (the same split of its 60k).'),
  trainExamples: z.number().int().min(0).default(0).describe('Train on the first N training images; 0 = all 50,000.'),
  hidden: z.array(z.number().int().min(1)).min(1).default([256, 256]).describe('Hidden layer widths (784-...-10).'),
  activation: z.enum(PC_ACTIVATIONS).default('tanh').describe('Hidden activation f.'),
  output: z.enum(['squared-error', 'categorical']).default('categorical').describe('Output energy: squared error to the one-hot target, or categorical (cross-entropy on softmax logits, as PCX); the backprop twin uses the matching loss.'),
  inferenceSteps: z.number().int().min(1).default(20).describe('T, inference steps on the value nodes per batch.'),
  stepSize: z.number().positive().default(0.05).describe('eta, step size of the value-node updates (0.05: at 0.1 inference became unstable as the weights grew, in epoch 13 of a 20-epoch run).'),
  momentum: z.number().min(0).max(0.99).default(0).describe('Heavy-ball momentum of the value nodes.'),
  learningRate: z.number().positive().default(1e-3).describe('Adam step size of both twins (applied to the local updates for PC).'),
  schedule: z.enum(['constant', 'cosine']).default('cosine').describe('Learning-rate schedule of both twins over the whole run (cosine: from learningRate down to 0).'),
  weightDecay: z.number().min(0).default(0).describe('Decoupled (AdamW) weight decay of both twins.'),
  batchSize: z.number().int().min(1).default(128).describe('Mini-batch size.'),
  epochs: z.number().int().min(1).default(10).describe('Passes over the training images.'),
  kernel: z.enum(PC_KERNELS).default('auto').describe("PC's training path: auto (the fused native step when built; else TensorFlow ops), native (required), or tf (TensorFlow ops). The two agree to float rounding."),
  exportOnnx: z.boolean().default(true).describe('Export PC to model.onnx and its twin to backprop.onnx (shared classifier signature), and rescore both through onnxruntime-node.'),
});
export type PcVsBpConfig = z.infer<typeof pcVsBpSchema>;

interface EpochRow {
  epoch: number;
  pcValidation: number;
  backpropValidation: number;
  pcSeconds: number;
  backpropSeconds: number;
}

function accuracyOn(learner: TwinLearner, set: Parameters<typeof assessPredictive>[1]): number {
  return assessPredictive((x) => learner.probabilities(x), set).accuracy;
}

function table(config: PcVsBpConfig, rows: EpochRow[], test: Record<string, Record<string, number>>, kernel: string): string {
  const pct = (v: number) => (100 * v).toFixed(2);
  return [
    `# PC vs backprop: ${config.dataset}, 784-${config.hidden.join('-')}-10 ${config.activation}, ${config.output} output, T = ${config.inferenceSteps}`,
    '',
    `PC trained by ${kernel}.`,
    '',
    '| epoch | PC validation acc (%) | BP validation acc (%) | PC s/epoch | BP s/epoch |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.epoch} | ${pct(r.pcValidation)} | ${pct(r.backpropValidation)} | ${r.pcSeconds.toFixed(1)} | ${r.backpropSeconds.toFixed(1)} |`),
    '',
    '| test | accuracy (%) | NLL | ECE (%) | Brier |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...Object.entries(test).map(([name, m]) => `| ${name} | ${pct(m.accuracy)} | ${m.nll.toFixed(4)} | ${pct(m.ece)} | ${m.brier.toFixed(4)} |`),
    '',
  ].join('\n');
}

async function train(ctx: RunContext<PcVsBpConfig>): Promise<Record<string, number>> {
  const config = ctx.config;
  const data = datasetSplits(config.dataset, config.trainExamples);
  const architecture = pcArchitecture([784, ...config.hidden, 10], config.activation);
  const pcSettings = { inferenceSteps: config.inferenceSteps, stepSize: config.stepSize, momentum: config.momentum };
  const path = pcKernelInfo(resolvePcOptions(architecture, { ...pcSettings, output: config.output }), config.kernel);
  const kernel = path.kernel === 'native' ? `the fused native step (${path.threads} threads)` : `TensorFlow ops (${path.reason})`;
  ctx.log.info(`PC trains with ${kernel}`);
  const twins = twinLearners({
    architecture,
    seed: ctx.seed,
    output: config.output,
    pc: pcSettings,
    optimizer: { kind: 'adam', learningRate: config.learningRate, weightDecay: config.weightDecay },
    kernel: config.kernel,
  });
  try {
    const iterator = new BatchIterator(data.train, { batchSize: config.batchSize, stream: ctx.random.data, labels: 'one-hot' });
    const rows: EpochRow[] = (ctx.resume?.extra?.rows as EpochRow[] | undefined) ?? [];
    if (ctx.resume) {
      const steps = (ctx.resume.extra?.optimizerSteps ?? {}) as Record<string, number | null>;
      for (const t of twins) t.restore(ctx.resume.tensors, steps[t.name] ?? null);
      if (ctx.resume.data) iterator.seek(ctx.resume.data);
      ctx.log.info(`resumed after epoch ${rows.length}`);
    }
    const perEpoch = iterator.batchesPerEpoch;
    ctx.progress.start(config.epochs * perEpoch, 'pc-vs-bp', rows.length * perEpoch);
    for (let epoch = rows.length; epoch < config.epochs; epoch++) {
      const seconds = { pc: 0, backprop: 0 };
      let b = 0;
      for (const batch of iterator.batches()) {
        const lr = scheduledLearningRate(config.learningRate, config.schedule, epoch * perEpoch + b + 1, config.epochs * perEpoch);
        for (const twin of twins) {
          twin.setLearningRate(lr);
          const start = performance.now();
          twin.step(batch.x, batch.y);
          seconds[twin.name] += (performance.now() - start) / 1000;
        }
        ctx.progress.update(epoch * perEpoch + ++b);
      }
      const [pcValidation, backpropValidation] = twins.map((t) => accuracyOn(t, data.validation));
      for (const [name, value] of Object.entries({ pcValidation, backpropValidation })) {
        if (!Number.isFinite(value) || value <= 0.11) throw new DivergedError(epoch + 1, name, value);
      }
      const row = { epoch: epoch + 1, pcValidation, backpropValidation, pcSeconds: seconds.pc, backpropSeconds: seconds.backprop };
      rows.push(row);
      ctx.metrics.logMany({ pc_validation_accuracy: pcValidation, backprop_validation_accuracy: backpropValidation, pc_epoch_seconds: seconds.pc, backprop_epoch_seconds: seconds.backprop }, { step: epoch + 1 });
      ctx.afterStep(
        epoch + 1,
        () => ({
          tensors: Object.assign({}, ...twins.map((t) => t.checkpointTensors())),
          data: iterator.position(),
          extra: { rows, optimizerSteps: Object.fromEntries(twins.map((t) => [t.name, t.optimizerStep()])) },
        }),
        1,
      );
    }
    ctx.progress.finish();
    const test: Record<string, Record<string, number>> = {};
    const summary: Record<string, number> = {};
    for (const twin of twins) {
      const a = assessPredictive((x) => twin.probabilities(x), data.test);
      test[twin.name] = { accuracy: a.accuracy, nll: a.nll, ece: a.ece, brier: a.brier };
      summary[`${twin.name}_accuracy`] = a.accuracy;
      summary[`${twin.name}_nll`] = a.nll;
      summary[`${twin.name}_ece`] = a.ece;
      summary[`${twin.name}_seconds`] = rows.reduce((s, r) => s + (twin.name === 'pc' ? r.pcSeconds : r.backpropSeconds), 0);
      if (config.exportOnnx) {
        // PC is the run's model (model.onnx); its twin rides along as backprop.onnx
        const file = twin.name === 'pc' ? 'model' : 'backprop';
        summary[`${twin.name}_onnx_accuracy`] = (await exportPointPredictor(ctx as RunContext<unknown>, twin.snapshot(), architecture, config.output, file, data.test, test[twin.name])).onnx;
      }
    }
    summary['accuracy_gap'] = summary['backprop_accuracy'] - summary['pc_accuracy'];
    summary['time_ratio'] = summary['pc_seconds'] / Math.max(summary['backprop_seconds'], 1e-9);
    ctx.artifacts.write('pc-vs-bp.json', `${JSON.stringify({ config, pcKernel: path, epochs: rows, test }, null, 2)}\n`);
    ctx.artifacts.write('pc-vs-bp.md', table(config, rows, test, kernel));
    ctx.artifacts.write(
      'validation-accuracy.svg',
      svgLineChart(`${config.dataset}, T = ${config.inferenceSteps}: validation accuracy per epoch`, [
        { name: 'PC', points: rows.map((r) => [r.epoch, r.pcValidation] as const) },
        { name: 'backprop', points: rows.map((r) => [r.epoch, r.backpropValidation] as const) },
      ]),
    );
    return summary;
  } finally {
    for (const t of twins) t.dispose();
  }
}

/**
 * PC against its backprop twin (same architecture, initial weights, optimiser, output loss and
 * batches): validation accuracy and wall-clock per epoch, test metrics, and both exported to ONNX.
 * One (dataset, T, seed) per run; `lab sweep` covers the grid.
 */
export const pcVsBp = defineExperiment({
  name: 'pc-vs-bp',
  description: 'Predictive coding vs its backprop twin on MNIST or Fashion-MNIST: accuracy and wall-clock per epoch, test metrics, ONNX exports of both.',
  schema: pcVsBpSchema,
  profiles: PC_VS_BP_PROFILES,
  run: (ctx) => train(ctx),
});
