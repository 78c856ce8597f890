import { BatchIterator, type ImageSet } from '@cristal/datasets';
import { tf, type RandomStream, type RawTensor, type Scalar, type Tensor1D, type Tensor2D, type Variable } from '@cristal/tensor';
import { restoreVariables, type Checkpoint } from '../run/checkpoints';
import { RunInterrupted } from '../run/run-errors';
import type { RunContext } from '../run/run-context';
import { evaluateClassifier, type ClassifierEvaluation, type ProbabilityFn } from './evaluate-classifier';
import { adamStepper, type OptimizerFactory, type StepOptimizer } from './step-optimizer';

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
  /**
   * Called after every optimiser step (controllers, schedules that read the model, diagnostics):
   * the numbers it returns are logged at that step with context `train`.
   */
  afterStep?(step: number): Record<string, number> | void;
  /** Small JSON state of the model's own (a controller's integrators, ...) saved in checkpoints and restored on resume. */
  getState?(): Record<string, unknown>;
  setState?(state: Record<string, unknown>): void;
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
  /** The update rule (default Adam with `weightDecay`). */
  optimizer?: OptimizerFactory;
  /** Measure the gradient's global norm at each step (Adam; custom optimisers report it when they can). */
  gradientNorm?: boolean;
  /**
   * false: ignore `ctx.resume` and never checkpoint (a stop request still ends the run), for
   * experiments that run several fits in one run and keep track of finished ones themselves.
   * Default true.
   */
  resumable?: boolean;
  /** Where the batch order comes from (default `ctx.random.data.fork('fit-classifier')`). */
  dataStream?: RandomStream;
}

/** Per-step record of a fit (this process's steps), for stability diagnostics. */
export interface FitTrace {
  loss: number[];
  /** Empty unless `gradientNorm` was asked for and the optimiser measures it. */
  gradientNorm: number[];
}

export interface FitResult {
  /** Optimiser steps taken in total (including those before a resume). */
  steps: number;
  /** Wall-clock seconds of training in this process (not evaluation). */
  trainSeconds: number;
  test: ClassifierEvaluation;
  trace: FitTrace;
}

/** Steps a fit will take: every batch of every epoch (the last, smaller batch included), capped. */
export function plannedSteps(train: ImageSet, options: Pick<FitOptions, 'epochs' | 'batchSize' | 'maxSteps'>): number {
  const perEpoch = Math.ceil(train.count / options.batchSize);
  return Math.min(options.epochs * perEpoch, options.maxSteps ?? Number.POSITIVE_INFINITY);
}

const OPTIMIZER_PREFIX = 'optimizer/';

function optimizerTensors(checkpoint: Checkpoint): Record<string, RawTensor> {
  const out: Record<string, RawTensor> = {};
  for (const [name, t] of Object.entries(checkpoint.tensors)) if (name.startsWith(OPTIMIZER_PREFIX)) out[name.slice(OPTIMIZER_PREFIX.length)] = t;
  return out;
}

function restoreFit(optimizer: StepOptimizer, model: TrainableClassifier, checkpoint: Checkpoint): void {
  const extra = checkpoint.extra ?? {};
  const json = extra['optimizer'] as Record<string, unknown> | undefined;
  if (!json) throw new Error(`Checkpoint at step ${checkpoint.step} has no optimiser state; it was not written by fitClassifier.`);
  optimizer.restore({ tensors: optimizerTensors(checkpoint), json });
  if (model.setState) {
    const state = extra['model'] as Record<string, unknown> | undefined;
    if (!state) throw new Error(`Checkpoint at step ${checkpoint.step} has no model state, which this model needs to continue.`);
    model.setState(state);
  }
}

/**
 * Mini-batch training of a classifier inside a run: seeded shuffling from `ctx.random.data`, Adam or
 * the given optimiser, the loss logged as it goes (NaN ends the run `diverged`), checkpoints through
 * `ctx.afterStep` (weights, optimiser state, the model's own state, data position), exact
 * continuation on `lab resume`, test metrics at the end.
 */
export async function fitClassifier(ctx: RunContext<unknown>, model: TrainableClassifier, options: FitOptions): Promise<FitResult> {
  const { train, test, epochs, batchSize, learningRate, schedule = 'constant', weightDecay = 0, checkpointEvery, logEvery = 10, evaluateEvery = 0, resumable = true } = options;
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`fitClassifier: epochs must be a positive integer, got ${epochs}.`);
  const total = plannedSteps(train, options);
  const variables = model.variables;
  const optimizer = options.optimizer ? options.optimizer(variables, learningRate) : adamStepper(variables, learningRate, { weightDecay, gradientNorm: options.gradientNorm });
  const resume = resumable ? ctx.resume : undefined;
  const batches = new BatchIterator(train, { batchSize, stream: options.dataStream ?? ctx.random.data.fork('fit-classifier'), position: resume?.data });
  let step = 0;
  const trace: FitTrace = { loss: [], gradientNorm: [] };
  ctx.progress.start(total, 'train', step);
  let trainNs = 0n;
  try {
    if (resume) {
      restoreVariables({ ...variables }, resume);
      restoreFit(optimizer, model, resume);
      step = resume.step;
    }
    while (step < total) {
      const batch = batches.nextBatch();
      step += 1;
      const t0 = process.hrtime.bigint();
      optimizer.learningRate = scheduledLearningRate(learningRate, schedule, step, total);
      let result;
      try {
        result = optimizer.step(() => model.loss(batch.x, batch.y, step));
      } finally {
        tf.dispose([batch.x, batch.y]);
      }
      const loss = result.loss;
      const extraMetrics = model.afterStep?.(step);
      trainNs += process.hrtime.bigint() - t0;
      trace.loss.push(loss);
      if (result.gradientNorm !== undefined) trace.gradientNorm.push(result.gradientNorm);
      if (step % logEvery === 0 || step === total || !Number.isFinite(loss)) {
        ctx.metrics.log('loss', loss, { step, epoch: batch.epoch, context: 'train' });
      }
      if (extraMetrics && Object.keys(extraMetrics).length > 0) ctx.metrics.logMany(extraMetrics, { step, epoch: batch.epoch, context: 'train' });
      if (evaluateEvery > 0 && step % evaluateEvery === 0 && step < total) {
        const evaluation = evaluateClassifier(model.probabilities, test);
        ctx.metrics.logMany({ accuracy: evaluation.accuracy, nll: evaluation.nll }, { step, epoch: batch.epoch, context: 'test' });
      }
      ctx.progress.update(step, { loss, epoch: batch.epoch });
      if (resumable) {
        ctx.afterStep(
          step,
          () => {
            const saved = optimizer.checkpoint();
            const tensors: Record<string, Variable | RawTensor> = { ...variables };
            for (const [name, t] of Object.entries(saved.tensors)) tensors[OPTIMIZER_PREFIX + name] = t;
            return { tensors, data: batches.position(), extra: { optimizer: saved.json, ...(model.getState ? { model: model.getState() } : {}) } };
          },
          checkpointEvery,
        );
      } else if (ctx.stopRequested) {
        throw new RunInterrupted(step, false);
      }
      // yield to the event loop so SIGINT/SIGTERM handlers run between steps
      if (step % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    optimizer.dispose();
    ctx.progress.finish();
  }
  const evaluation = evaluateClassifier(model.probabilities, test);
  ctx.metrics.logMany({ accuracy: evaluation.accuracy, nll: evaluation.nll, ece: evaluation.ece, brier: evaluation.brier }, { step, context: 'test' });
  return { steps: step, trainSeconds: Number(trainNs) / 1e9, test: evaluation, trace };
}
