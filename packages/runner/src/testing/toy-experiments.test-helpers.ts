// The runner's own experiments for its tests: a tiny softmax regression trained with TF.js on a
// synthetic image set, checkpointing every few steps, and a TF-free counter for store-level tests.
import { createImageSet, BatchIterator } from '@cristal/datasets';
import { Adam, RandomStream, tf, type Scalar, type Tensor2D, type Variable } from '@cristal/tensor';
import { z } from 'zod';
import { defineExperiment } from '../experiment/define-experiment';
import { restoreVariables } from '../run/checkpoints';

export const project = 'runner-toy';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const regressionSchema = z.object({
  steps: z.number().int().min(1).max(100_000).default(30).describe('Training steps (one batch each).'),
  batchSize: z.number().int().min(1).max(256).default(16).describe('Examples per batch.'),
  examples: z.number().int().min(10).max(2000).default(96).describe('Size of the synthetic training set.'),
  optimizer: z
    .object({
      learningRate: z.number().positive().max(10).default(0.05).describe('Adam step size.'),
    })
    .default({ learningRate: 0.05 })
    .describe('Optimiser settings.'),
  checkpointEvery: z.number().int().min(0).default(5).describe('Save a checkpoint every N steps (0: never).'),
  stepDelayMs: z.number().int().min(0).max(10_000).default(0).describe('Pause after each step, so tests can interrupt mid-training.'),
  divergeAtStep: z.number().int().min(-1).default(-1).describe('Replace the loss by NaN at this step (-1: never), to test divergence handling.'),
});

export const regression = defineExperiment({
  name: 'regression',
  description: 'Softmax regression on a synthetic 10-class image set (tests only).',
  schema: regressionSchema,
  profiles: { quick: { steps: 20 }, full: { steps: 200 } },
  run: async (ctx) => {
    const { steps, batchSize, examples, optimizer, checkpointEvery, stepDelayMs, divergeAtStep } = ctx.config;
    // Data from a fixed stream, not the run's: every seed trains on the same set.
    const dataStream = new RandomStream(7, 'toy-dataset');
    const pixels = new Uint8Array(examples * 784);
    const labels = new Uint8Array(examples);
    for (let i = 0; i < examples; i++) {
      labels[i] = i % 10;
      for (let p = 0; p < 784; p++) pixels[i * 784 + p] = (p % 10 === labels[i] ? 160 : 0) + Math.floor(dataStream.uniform() * 90);
    }
    const set = createImageSet('toy', pixels, labels);
    const w = tf.variable(ctx.random.init.normalTensor([784, 10], 0, 0.01), true, 'w') as Variable;
    const b = tf.variable(tf.zeros([10]), true, 'b') as Variable;
    const adam = new Adam([w, b], { learningRate: optimizer.learningRate });
    let start = 1;
    if (ctx.resume) {
      restoreVariables({ w, b }, ctx.resume);
      if (ctx.resume.optimizer) adam.setState(ctx.resume.optimizer);
      start = ctx.resume.step + 1;
    }
    const batches = new BatchIterator(set, { batchSize, stream: ctx.random.data, labels: 'one-hot', position: ctx.resume?.data });
    const lossOf = (x: Tensor2D, y: Tensor2D): Scalar => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(x, w), b)) as Scalar;
    ctx.progress.start(steps, 'train', start - 1);
    try {
      for (let step = start; step <= steps; step++) {
        const batch = batches.nextBatch();
        let loss = adam.minimize(() => lossOf(batch.x, batch.y));
        batch.x.dispose();
        batch.y.dispose();
        if (step === divergeAtStep) loss = Number.NaN;
        ctx.metrics.log('loss', loss, { step, epoch: batches.position().epoch, context: 'train' });
        ctx.progress.update(step, { loss });
        ctx.afterStep(step, () => ({ tensors: { w, b }, optimizer: adam.getState(), data: batches.position() }), checkpointEvery);
        if (stepDelayMs > 0) await sleep(stepDelayMs);
      }
      const all = new BatchIterator(set, { batchSize: examples, shuffle: false, labels: 'one-hot' }).nextBatch();
      const finalLoss = tf.tidy(() => lossOf(all.x, all.y).dataSync()[0]);
      const accuracy = tf.tidy(() => tf.mean(tf.equal(tf.argMax(tf.add(tf.matMul(all.x, w), b), 1), tf.argMax(all.y, 1))).dataSync()[0]);
      all.x.dispose();
      all.y.dispose();
      ctx.metrics.log('loss', finalLoss, { step: steps, context: 'test' });
      ctx.artifacts.write('weights-summary.json', JSON.stringify({ wNorm: tf.tidy(() => tf.norm(w).dataSync()[0]), provenance: ctx.provenance }));
      return { loss: finalLoss, accuracy };
    } finally {
      w.dispose();
      b.dispose();
    }
  },
});

const counterSchema = z.object({
  steps: z.number().int().min(1).max(10_000).default(10).describe('How many values to log.'),
  scale: z.number().min(0).default(1).describe('Multiplier of the logged values.'),
  offset: z.number().default(0).describe('Added to the final summary value.'),
});

export const counter = defineExperiment({
  name: 'counter',
  description: 'Logs scale*step for each step; no TF.js work (tests only).',
  schema: counterSchema,
  profiles: { quick: { steps: 5 }, full: { steps: 50 } },
  run: async (ctx) => {
    for (let step = 1; step <= ctx.config.steps; step++) ctx.metrics.log('value', ctx.config.scale * step, { step });
    return { final: ctx.config.scale * ctx.config.steps + ctx.config.offset, noise: ctx.random.noise.uniform() };
  },
});

export const experiments = [regression, counter];
