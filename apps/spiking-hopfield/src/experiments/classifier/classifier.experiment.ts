import * as fs from 'node:fs';
import { loadMnistShiftProtocol, sliceImageSet, type ImageSet } from '@cristal/datasets';
import { accuracy, matrix } from '@cristal/metrics';
import { OnnxClassifier } from '@cristal/onnx';
import { defineExperiment, fitClassifier } from '@cristal/runner';
import type { RandomStream } from '@cristal/tensor';
import { z } from 'zod';
import type { ClassifierCandidate } from './candidate';
import { fcSnnCandidate } from './fc-snn-candidate';

export const CLASSIFIER_MODELS = ['fc-snn'] as const;
export type ClassifierModel = (typeof CLASSIFIER_MODELS)[number];

const schema = z.object({
  model: z.enum(CLASSIFIER_MODELS).default('fc-snn').describe('Which classifier to train: fc-snn (the snnTorch-style FC SNN baseline).'),
  epochs: z.number().int().min(1).max(200).default(1).describe('Passes over the training set.'),
  batchSize: z.number().int().min(1).max(4096).default(128).describe('Examples per Adam step.'),
  learningRate: z.number().positive().max(1).default(5e-4).describe('Adam step size (the start of the schedule).'),
  schedule: z.enum(['constant', 'cosine']).default('constant').describe('Learning-rate schedule: constant, or cosine annealing to 0 over the run.'),
  trainExamples: z.number().int().min(0).max(50_000).default(0).describe('Use the first N training images (0: all 50,000 of the shift protocol).'),
  checkpointEvery: z.number().int().min(0).default(200).describe('Checkpoint every N steps (0: only on interruption).'),
  fcSnn: z
    .object({
      hidden: z.number().int().min(1).default(1000).describe('Hidden LIF neurons.'),
      steps: z.number().int().min(1).max(500).default(25).describe('Time steps of direct-current input.'),
      beta: z.number().gt(0).max(1).default(0.95).describe('Membrane decay per step.'),
    })
    .default({ hidden: 1000, steps: 25, beta: 0.95 })
    .describe('FC SNN baseline (model = fc-snn).'),
  verifyOnnx: z.boolean().default(true).describe('Score the exported model.onnx with onnxruntime-node on the test set and record its accuracy.'),
});

export type ClassifierConfig = z.infer<typeof schema>;

function buildCandidate(config: ClassifierConfig, stream: RandomStream): ClassifierCandidate {
  switch (config.model) {
    case 'fc-snn':
      return fcSnnCandidate(config.fcSnn, stream);
  }
}

/** Test accuracy of the exported file, through onnxruntime-node only. */
async function onnxAccuracy(file: string, test: ImageSet): Promise<number> {
  const classifier = await OnnxClassifier.load(file, { batchSize: 1000 });
  try {
    const pixels = Float32Array.from(test.images.subarray(0, test.count * 784), (v) => v / 255);
    const probabilities = await classifier.predict(pixels, test.count);
    return accuracy(matrix(probabilities, test.count, 10), test.labels.subarray(0, test.count));
  } finally {
    await classifier.dispose();
  }
}

export const classifier = defineExperiment({
  name: 'classifier',
  description: 'MNIST classifiers: accuracy, synaptic operations and energy per sample; exports model.onnx.',
  schema,
  profiles: {
    quick: { epochs: 1, trainExamples: 10_000 },
    full: { epochs: 30, learningRate: 1e-3, schedule: 'cosine' },
  },
  run: async (ctx) => {
    const config = ctx.config;
    const data = loadMnistShiftProtocol();
    const train = config.trainExamples > 0 ? sliceImageSet(data.train, 0, config.trainExamples, `${data.train.name}[:${config.trainExamples}]`) : data.train;
    const candidate = buildCandidate(config, ctx.random.init);
    try {
      const fit = await fitClassifier(ctx, candidate.trainable, {
        train,
        test: data.test,
        epochs: config.epochs,
        batchSize: config.batchSize,
        learningRate: config.learningRate,
        schedule: config.schedule,
        checkpointEvery: config.checkpointEvery,
      });
      const energy = candidate.energy(data.test);
      const testMetrics = { accuracy: fit.test.accuracy, nll: fit.test.nll, ece: fit.test.ece, brier: fit.test.brier };
      const summary: Record<string, number> = {
        ...testMetrics,
        parameters: candidate.parameterCount(),
        sops_per_sample: energy.sopsPerSample,
        macs_per_sample: energy.macsPerSample,
        energy_per_sample_nj: energy.energyPerSampleJ * 1e9,
        train_seconds: fit.trainSeconds,
        train_samples_per_second: (fit.steps * config.batchSize) / Math.max(fit.trainSeconds, 1e-9),
      };
      energy.layers.forEach((l) => (summary[`firing_rate/${l.name}`] = l.firingRate));
      const artifact = ctx.artifacts.write('model.onnx', candidate.exportOnnx({ ...ctx.provenance, modelFamily: candidate.modelFamily, timeSteps: candidate.timeSteps, testMetrics }));
      ctx.log.info(`exported model.onnx (${artifact.bytes} bytes, sha256 ${artifact.sha256.slice(0, 12)})`);
      if (config.verifyOnnx) {
        const file = ctx.artifacts.path('model.onnx');
        if (!fs.existsSync(file)) throw new Error(`model.onnx was not written to ${file}`);
        summary['onnx_accuracy'] = await onnxAccuracy(file, data.test);
      }
      return summary;
    } finally {
      candidate.dispose();
    }
  },
});
