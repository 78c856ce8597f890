import { BatchIterator, loadFashionMnist, ROTATION_ANGLES, shiftedMnistTest } from '@cristal/datasets';
import { assessPredictive, oodDetection, type Assessment } from '@cristal/metrics';
import { defineExperiment, DivergedError, svgLineChart, type RunContext } from '@cristal/runner';
import { tf, type Tensor2D, type Tensor3D } from '@cristal/tensor';
import { z } from 'zod';
import { BayesianPcTrainer, type BayesianPcInference } from '../bayesian-pc';
import { exportBayesianPc } from '../onnx';
import { disposePcParams, outputProbabilities, pcArchitecture, PC_ACTIVATIONS, type PcParams } from '../pc';
import { stateFromCheckpoint, stateToCheckpoint } from './bayesian-checkpoint';
import { DATASETS, datasetSplits, type DatasetSplits } from './datasets';
import { onnxAccuracy } from './export-predictor';
import { BAYESIAN_PROFILES } from './profiles';

const schema = z.object({
  dataset: z.enum(DATASETS).default('mnist').describe('Training data: mnist (the shift protocol of info-homeostasis) or fashion-mnist. Rotations and OOD are defined for mnist.'),
  trainExamples: z.number().int().min(0).default(0).describe('Train on the first N training images; 0 = all 50,000.'),
  hidden: z.array(z.number().int().min(1)).min(1).default([256, 256]).describe('Hidden widths (784-...-10).'),
  activation: z.enum(PC_ACTIVATIONS).default('tanh').describe('Hidden activation.'),
  output: z.enum(['squared-error', 'categorical']).default('categorical').describe('Output energy (categorical: softmax cross-entropy; the conjugate last layer needs squared-error).'),
  inferenceSteps: z.number().int().min(1).default(20).describe('T, inference steps per batch.'),
  stepSize: z.number().positive().default(0.1).describe('eta, value-node step size.'),
  priorPrecision: z.union([z.literal('fan-in'), z.number().positive()]).default('fan-in').describe("lambda0 of the weight prior N(0, 1/lambda0): 'fan-in' (n_l per layer) or one number."),
  forgetting: z.number().gt(0).max(1).default(1).describe('rho: lambda <- rho lambda + (1 - rho) lambda0 + data; 1 keeps every batch.'),
  lastLayer: z.enum(['diagonal', 'conjugate']).default('diagonal').describe('Mean-field beliefs everywhere, or the exact conjugate (full-covariance) last layer (squared-error output only).'),
  solveEvery: z.number().int().min(1).default(1).describe('Recompute the conjugate posterior every k updates.'),
  inference: z.enum(['deterministic', 'langevin']).default('deterministic').describe('Beliefs over latent states: MAP value nodes, or Langevin samples (Monte-Carlo PC).'),
  langevin: z
    .object({
      temperature: z.number().min(0).default(0.01).describe('Langevin temperature tau (1 samples the posterior exp(-F)).'),
      burnIn: z.number().int().min(0).default(10).describe('Steps before samples count.'),
      samples: z.number().int().min(1).default(10).describe('Steps averaged for the weight statistics (burnIn + samples <= T).'),
    })
    .default({ temperature: 0.01, burnIn: 10, samples: 10 })
    .describe('Langevin settings (inference = langevin).'),
  batchSize: z.number().int().min(1).default(128).describe('Mini-batch size.'),
  epochs: z.number().int().min(1).default(10).describe('Passes over the training images.'),
  predictiveSamples: z.number().int().min(1).default(16).describe('K weight samples of the predictive used for every metric.'),
  exportSamples: z.number().int().min(1).default(16).describe('K weight samples in model.onnx.'),
  rotations: z.array(z.number().min(0).max(360)).min(1).default([...ROTATION_ANGLES]).describe('Rotation angles of the MNIST test set, degrees.'),
  verifyOnnx: z.boolean().default(true).describe('Score model.onnx on the test set through onnxruntime-node.'),
});
type BayesianConfig = z.infer<typeof schema>;

interface RotationRow {
  degrees: number;
  accuracy: number;
  nll: number;
  ece: number;
  brier: number;
}

function inferenceOf(config: BayesianConfig): BayesianPcInference {
  return config.inference === 'deterministic' ? { kind: 'deterministic' } : { kind: 'langevin', ...config.langevin };
}

function report(config: BayesianConfig, test: Assessment, rows: RotationRow[], ood: Record<string, number>): string {
  const pct = (v: number) => (100 * v).toFixed(2);
  return [
    `# Bayesian PC: ${config.dataset}, 784-${config.hidden.join('-')}-10 ${config.activation}, ${config.output} output, ${config.lastLayer} last layer, ${config.inference} inference, K = ${config.predictiveSamples}`,
    '',
    `Test: accuracy ${pct(test.accuracy)}%, NLL ${test.nll.toFixed(4)}, ECE ${pct(test.ece)}%, Brier ${test.brier.toFixed(4)}`,
    '',
    '| rotation (deg) | accuracy (%) | NLL | ECE (%) | Brier |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.degrees} | ${pct(r.accuracy)} | ${r.nll.toFixed(4)} | ${pct(r.ece)} | ${r.brier.toFixed(4)} |`),
    '',
    '| OOD (Fashion-MNIST test vs MNIST test) | AUROC |',
    '| --- | ---: |',
    ...Object.entries(ood).map(([k, v]) => `| ${k} | ${v.toFixed(4)} |`),
    '',
  ].join('\n');
}

async function run(ctx: RunContext<BayesianConfig>): Promise<Record<string, number>> {
  const config = ctx.config;
  const data = datasetSplits(config.dataset, config.trainExamples);
  const architecture = pcArchitecture([784, ...config.hidden, 10], config.activation);
  const trainer = new BayesianPcTrainer({
    architecture,
    seed: ctx.seed,
    pc: { output: config.output, inferenceSteps: config.inferenceSteps, stepSize: config.stepSize },
    beliefs: { priorPrecision: config.priorPrecision, forgetting: config.forgetting, lastLayer: config.lastLayer, solveEvery: config.solveEvery },
    inference: inferenceOf(config),
  });
  try {
    const iterator = new BatchIterator(data.train, { batchSize: config.batchSize, stream: ctx.random.data, labels: 'one-hot' });
    const validation: number[] = (ctx.resume?.extra?.validation as number[] | undefined) ?? [];
    if (ctx.resume?.extra) {
      trainer.setState(stateFromCheckpoint(ctx.resume.tensors, ctx.resume.extra));
      if (ctx.resume.data) iterator.seek(ctx.resume.data);
      ctx.log.info(`resumed after epoch ${validation.length}`);
    }
    const perEpoch = iterator.batchesPerEpoch;
    ctx.progress.start(config.epochs * perEpoch, 'bayesian-pc', validation.length * perEpoch);
    let trainSeconds = (ctx.resume?.extra?.trainSeconds as number | undefined) ?? 0;
    for (let epoch = validation.length; epoch < config.epochs; epoch++) {
      let b = 0;
      const start = performance.now();
      for (const batch of iterator.batches()) {
        trainer.step(batch.x, batch.y);
        ctx.progress.update(epoch * perEpoch + ++b);
      }
      trainSeconds += (performance.now() - start) / 1000;
      const accuracy = assessPredictive((x) => tf.expandDims(trainer.predictMean(x), 0) as Tensor3D, data.validation).accuracy;
      if (!Number.isFinite(accuracy) || accuracy <= 0.11) throw new DivergedError(epoch + 1, 'validation_accuracy', accuracy);
      validation.push(accuracy);
      ctx.metrics.logMany({ validation_accuracy_mean_network: accuracy, train_seconds: trainSeconds }, { step: epoch + 1 });
      ctx.afterStep(
        epoch + 1,
        () => {
          const { tensors, extra } = stateToCheckpoint(trainer.getState());
          return { tensors, data: iterator.position(), extra: { ...extra, validation, trainSeconds } };
        },
        1,
      );
    }
    ctx.progress.finish();
    // K networks drawn once with the run's seed: every metric sees the same predictive, whose
    // per-sample distributions give the mutual information (the exported file draws its own K)
    const drawn = trainer.sampleWeights(config.predictiveSamples, ctx.seed);
    try {
      return await evaluateAndExport(ctx, trainer, drawn, data, trainSeconds, validation);
    } finally {
      drawn.forEach(disposePcParams);
    }
  } finally {
    trainer.dispose();
  }
}

async function evaluateAndExport(
  ctx: RunContext<BayesianConfig>,
  trainer: BayesianPcTrainer,
  drawn: PcParams[],
  data: DatasetSplits,
  trainSeconds: number,
  validation: number[],
): Promise<Record<string, number>> {
  const config = ctx.config;
  const { architecture } = trainer;
  const samples = (x: Tensor2D): Tensor3D => tf.stack(drawn.map((p) => outputProbabilities(p, architecture, x))) as Tensor3D;
  const test = assessPredictive(samples, data.test);
  const summary: Record<string, number> = {
    accuracy: test.accuracy,
    test_error: 1 - test.accuracy,
    nll: test.nll,
    ece: test.ece,
    brier: test.brier,
    train_seconds: trainSeconds,
    parameters: architecture.sizes.slice(1).reduce((s, n, l) => s + (architecture.sizes[l] + 1) * n, 0),
  };
  const rows: RotationRow[] = [];
  const ood: Record<string, number> = {};
  if (config.dataset === 'mnist') {
    const shifted = shiftedMnistTest();
    for (const degrees of config.rotations) {
      const a = degrees === 0 ? test : assessPredictive(samples, shifted.rotated(degrees));
      rows.push({ degrees, accuracy: a.accuracy, nll: a.nll, ece: a.ece, brier: a.brier });
      ctx.metrics.logMany({ accuracy: a.accuracy, nll: a.nll, ece: a.ece, brier: a.brier }, { step: degrees, context: 'rotation' });
      for (const [k, v] of Object.entries({ accuracy: a.accuracy, ece: a.ece, nll: a.nll })) summary[`rot${degrees}/${k}`] = v;
    }
    const fashion = assessPredictive(samples, loadFashionMnist().test);
    ood['predictive entropy'] = oodDetection(test.predictiveEntropy, fashion.predictiveEntropy, 'out').auroc;
    ood['mutual information'] = oodDetection(test.mutualInformation, fashion.mutualInformation, 'out').auroc;
    summary['ood_auroc_entropy'] = ood['predictive entropy'];
    summary['ood_auroc_mi'] = ood['mutual information'];
  }
  const metadata = { ...ctx.provenance, modelFamily: `bayesian-pc-mlp-${config.lastLayer}`, testMetrics: { accuracy: test.accuracy, nll: test.nll, ece: test.ece, brier: test.brier } };
  const artifact = ctx.artifacts.write('model.onnx', exportBayesianPc(trainer.currentBeliefs(), architecture, { samples: config.exportSamples, seed: ctx.seed, output: config.output, metadata }));
  ctx.log.info(`exported model.onnx (${config.exportSamples} weight samples, ${artifact.bytes} bytes, sha256 ${artifact.sha256.slice(0, 12)})`);
  if (config.verifyOnnx) summary['onnx_accuracy'] = await onnxAccuracy(ctx.artifacts.path('model.onnx'), data.test);
  ctx.artifacts.write('bayesian.json', `${JSON.stringify({ config, validation, test: { accuracy: test.accuracy, nll: test.nll, ece: test.ece, brier: test.brier }, rotations: rows, ood }, null, 2)}\n`);
  ctx.artifacts.write('bayesian.md', report(config, test, rows, ood));
  if (rows.length > 1) {
    for (const metric of ['accuracy', 'ece', 'nll'] as const) {
      ctx.artifacts.write(`${metric}-vs-rotation.svg`, svgLineChart(`Bayesian PC: ${metric} vs rotation (deg)`, [{ name: 'Bayesian PC', points: rows.map((r) => [r.degrees, r[metric]] as const) }], 560, 300));
    }
  }
  return summary;
}

/**
 * Bayesian predictive coding scored with the protocol and metrics of the information-homeostasis
 * app (accuracy, NLL, ECE-15, Brier; rotated MNIST; Fashion-MNIST OOD AUROC by predictive entropy
 * and by mutual information), exported to model.onnx as a K-sample ensemble.
 */
export const bayesian = defineExperiment({
  name: 'bayesian',
  description: 'Bayesian PC (Gaussian beliefs over weights, optional Langevin latents): accuracy, NLL, ECE, Brier, rotated MNIST, Fashion-MNIST OOD AUROC; K-sample ONNX ensemble.',
  schema,
  profiles: BAYESIAN_PROFILES,
  run,
});
