import { BatchIterator, type ImageSet } from '@cristal/datasets';
import { Adam, tf, type Scalar, type Tensor1D, type Tensor2D, type Variable } from '@cristal/tensor';
import { restoreVariables } from '../run/checkpoints';
import type { RunContext } from '../run/run-context';
import { evaluateClassifier, type ClassifierEvaluation, type ProbabilityFn } from './evaluate-classifier';

export type LearningRateSchedule = 'constant' | 'cosine';

/** The step size of optimiser step `step` (1-based) of `total`. */
export function scheduledLearningRate(base: number, schedule: LearningRateSchedule, step: number, total: number): number {
  if (schedule === 'constant') return base;
  return (base * (1 + Math.cos((Math.PI * (step - 1)) / total))) / 2;
}

/** What `fitClassifier` needs of a model: its parameters, a training loss and class probabilities. */
export interface TrainableClassifier {
  /** Trainable variables by name: Adam updates them and checkpoints store them under these names. */
  readonly variables: Readonly<Record<string, Variable>>;
  /**
   * The loss to minimise on one batch (pixels [B, 784] in [0, 1], integer labels [B]); runs inside
   * the optimiser's gradient tape. `step` counts from 1 (for schedules such as a KL warm-up).
   */
  loss(x: Tensor2D, labels: Tensor1D, step: number): Scalar;
  /** Class probabilities [B, 10] for evaluation. */
  probabilities: ProbabilityFn;
}

export interface FitOptions {
  train: ImageSet;
  /** Evaluated once at the end (and every `evaluateEvery` steps, logged as context `test`). */
  test: ImageSet;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** 'constant' (default) or 'cosine': lr * (1 + cos(pi * (step - 1) / steps)) / 2, annealed to 0. */
  schedule?: LearningRateSchedule;
  weightDecay?: number;
  /** Checkpoint every N steps (0: only on interruption). */
  checkpointEvery: number;
  /** Log the training loss every N steps (default 10; the last step is always logged). */
  logEvery?: number;
  /** Evaluate on `test` every N steps (default 0: only at the end). */
  evaluateEvery?: number;
  /** Stop after this many steps even if epochs remain (quick profiles, smoke tests). */
  maxSteps?: number;
}

export interface FitResult {
  /** Optimiser steps taken in total (including those before a resume). */
  steps: number;
  /** Wall-clock seconds of training in this process (not evaluation). */
  trainSeconds: number;
  test: ClassifierEvaluation;
}

/** Steps a fit will take: every batch of every epoch (the last, smaller batch included), capped. */
export function plannedSteps(train: ImageSet, options: Pick<FitOptions, 'epochs' | 'batchSize' | 'maxSteps'>): number {
  const perEpoch = Math.ceil(train.count / options.batchSize);
  return Math.min(options.epochs * perEpoch, options.maxSteps ?? Number.POSITIVE_INFINITY);
}

/**
 * Mini-batch Adam on a classifier inside a run: seeded shuffling from `ctx.random.data`, the loss
 * logged as it goes (NaN ends the run `diverged`), checkpoints through `ctx.afterStep` (weights, Adam
 * moments, data position), exact continuation on `lab resume`, test metrics at the end.
 */
export async function fitClassifier(ctx: RunContext<unknown>, model: TrainableClassifier, options: FitOptions): Promise<FitResult> {
  const { train, test, epochs, batchSize, learningRate, schedule = 'constant', weightDecay = 0, checkpointEvery, logEvery = 10, evaluateEvery = 0 } = options;
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`fitClassifier: epochs must be a positive integer, got ${epochs}.`);
  const total = plannedSteps(train, options);
  const variables = model.variables;
  // keyed by the model's names, so a resumed process (new automatic TF.js names) finds its moments
  const adam = new Adam(variables, { learningRate, weightDecay });
  const batches = new BatchIterator(train, { batchSize, stream: ctx.random.data.fork('fit-classifier'), position: ctx.resume?.data });
  let step = 0;
  if (ctx.resume) {
    restoreVariables({ ...variables }, ctx.resume);
    if (ctx.resume.optimizer) adam.setState(ctx.resume.optimizer);
    step = ctx.resume.step;
  }
  ctx.progress.start(total, 'train', step);
  let trainNs = 0n;
  try {
    while (step < total) {
      const batch = batches.nextBatch();
      step += 1;
      const t0 = process.hrtime.bigint();
      adam.learningRate = scheduledLearningRate(learningRate, schedule, step, total);
      let loss: number;
      try {
        loss = adam.minimize(() => model.loss(batch.x, batch.y, step));
      } finally {
        tf.dispose([batch.x, batch.y]);
      }
      trainNs += process.hrtime.bigint() - t0;
      if (step % logEvery === 0 || step === total || !Number.isFinite(loss)) {
        ctx.metrics.log('loss', loss, { step, epoch: batch.epoch, context: 'train' });
      }
      if (evaluateEvery > 0 && step % evaluateEvery === 0 && step < total) {
        const evaluation = evaluateClassifier(model.probabilities, test);
        ctx.metrics.logMany({ accuracy: evaluation.accuracy, nll: evaluation.nll }, { step, epoch: batch.epoch, context: 'test' });
      }
      ctx.progress.update(step, { loss, epoch: batch.epoch });
      ctx.afterStep(step, () => ({ tensors: { ...variables }, optimizer: adam.getState(), data: batches.position() }), checkpointEvery);
      // yield to the event loop so SIGINT/SIGTERM handlers run between steps
      if (step % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    adam.dispose();
    ctx.progress.finish();
  }
  const evaluation = evaluateClassifier(model.probabilities, test);
  ctx.metrics.logMany({ accuracy: evaluation.accuracy, nll: evaluation.nll, ece: evaluation.ece, brier: evaluation.brier }, { step, context: 'test' });
  return { steps: step, trainSeconds: Number(trainNs) / 1e9, test: evaluation };
}
