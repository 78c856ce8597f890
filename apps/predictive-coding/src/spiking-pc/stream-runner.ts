import { tf, oneHot, type Tensor2D } from '@cristal/tensor';
import type { PcArchitecture } from '../pc';
import type { LabelledSource } from './labelled-source';
import type { SpikingBatchReport } from './spiking-pc-run';
import { addReport, emptyWindow, summariseWindow, sum, type StreamWindow } from './stream-window';

/** What the stream runner needs from a model: online learning on a batch, and a readout. */
export interface OnlineLearner {
  readonly architecture: PcArchitecture;
  learn(input: Tensor2D, target: Tensor2D): SpikingBatchReport;
  /** Scores [B, classes]; the predicted class is the argmax. The caller disposes the result. */
  predict(input: Tensor2D): Tensor2D;
}

/**
 * From sample `startsAt` of the stream on, samples come from `source`: stream sample i is the
 * source's sample i mod size (so a switch to rotate(train) at N keeps walking through the same
 * images, now rotated: one pass over the training images in total).
 */
export interface StreamPhase {
  readonly name: string;
  readonly startsAt: number;
  readonly source: LabelledSource;
}

export interface StreamPlan {
  /** Samples in the stream; each is seen once. */
  readonly samples: number;
  /** The input distribution over time: the first phase starts at 0, starts strictly increase. */
  readonly phases: readonly StreamPhase[];
  /** Evaluate every this many samples (and at 0, at every phase start and at the end). */
  readonly evaluateEvery: number;
  /** Held-out sets scored at every evaluation (e.g. the original and the rotated test images). */
  readonly evaluationSets: readonly { readonly name: string; readonly source: LabelledSource }[];
  /** Samples per learning step: 1 (default) is a pure stream; small mini-batches are allowed. */
  readonly batchSize?: number;
  /** Rows per readout batch at evaluation (default 500). */
  readonly evaluationBatch?: number;
}

export interface StreamEvaluation {
  readonly samplesSeen: number;
  /** The phase of the next sample (of the last one at the end of the stream). */
  readonly phase: string;
  /** Accuracy of the readout on every evaluation set. */
  readonly accuracy: Readonly<Record<string, number>>;
  readonly window: StreamWindow;
  /** Totals since the start of the stream. */
  readonly cumulative: { readonly spikes: number; readonly synapticOps: number };
  /** Wall-clock seconds since the start of the stream. */
  readonly seconds: number;
}

export interface StreamRun {
  readonly evaluations: StreamEvaluation[];
  readonly phases: readonly { readonly name: string; readonly startsAt: number }[];
  readonly batchSize: number;
  readonly totals: { readonly samples: number; readonly spikes: number; readonly synapticOps: number; readonly feedforwardMacs: number; readonly predictionMacs: number; readonly seconds: number };
}

function validatePlan(plan: StreamPlan, architecture: PcArchitecture): number {
  const batchSize = plan.batchSize ?? 1;
  const n0 = architecture.sizes[0];
  const classes = architecture.sizes[architecture.sizes.length - 1];
  if (!Number.isInteger(plan.samples) || plan.samples < 1) throw new Error(`The stream needs a positive integer number of samples, got ${plan.samples}.`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer (1 for a pure stream), got ${batchSize}.`);
  if (!Number.isInteger(plan.evaluateEvery) || plan.evaluateEvery < 1) throw new Error(`evaluateEvery must be a positive integer number of samples, got ${plan.evaluateEvery}.`);
  if (plan.phases.length === 0 || plan.phases[0].startsAt !== 0) throw new Error('The first stream phase must start at sample 0: list the phases in order, e.g. [{ name: "original", startsAt: 0, source }, ...].');
  plan.phases.forEach((phase, i) => {
    if (i > 0 && !(Number.isInteger(phase.startsAt) && phase.startsAt > plan.phases[i - 1].startsAt && phase.startsAt < plan.samples)) {
      throw new Error(`Phase "${phase.name}" starts at ${phase.startsAt}: starts must be integers that increase and lie inside the ${plan.samples}-sample stream.`);
    }
  });
  const sources = [...plan.phases.map((p) => p.source), ...plan.evaluationSets.map((e) => e.source)];
  for (const source of sources) {
    if (source.features !== n0 || source.classes !== classes || source.size < 1) {
      throw new Error(`Source ${source.name} has ${source.size} samples of ${source.features} features and ${source.classes} classes; the network [${architecture.sizes.join(', ')}] needs ${n0} features and ${classes} classes.`);
    }
  }
  return batchSize;
}

/** Stream samples start..start+count-1 of one phase (wrapping around its source). */
function streamBatch(source: LabelledSource, start: number, count: number): { features: Float32Array; labels: Int32Array } {
  const first = start % source.size;
  if (first + count <= source.size) return source.rows(first, count);
  const features = new Float32Array(count * source.features);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const row = source.rows((start + i) % source.size, 1);
    features.set(row.features, i * source.features);
    labels[i] = row.labels[0];
  }
  return { features, labels };
}

/** Fraction of a source's samples whose argmax score is the label. */
export function sourceAccuracy(learner: Pick<OnlineLearner, 'predict'>, source: LabelledSource, batch = 500): number {
  let correct = 0;
  for (let start = 0; start < source.size; start += batch) {
    const count = Math.min(batch, source.size - start);
    const { features, labels } = source.rows(start, count);
    const predicted = tf.tidy(() => {
      const x = tf.tensor2d(features, [count, source.features]);
      const scores = learner.predict(x);
      return tf.argMax(scores, 1);
    });
    const classes = predicted.dataSync();
    predicted.dispose();
    for (let i = 0; i < count; i++) if (classes[i] === labels[i]) correct++;
  }
  return correct / source.size;
}

/**
 * Feeds a stream to an online learner: each sample once, in order, one learning step per sample
 * (or per mini-batch, never straddling a phase start or an evaluation point); evaluates the readout
 * on every evaluation set at 0, every `evaluateEvery` samples, at each phase start and at the end;
 * and records the spikes, synaptic operations and dense MACs per sample of each window.
 */
export function runStream(learner: OnlineLearner, plan: StreamPlan, onEvaluation?: (evaluation: StreamEvaluation) => void): StreamRun {
  const batchSize = validatePlan(plan, learner.architecture);
  const classes = learner.architecture.sizes[learner.architecture.sizes.length - 1];
  const started = Date.now();
  const evaluations: StreamEvaluation[] = [];
  const totals = { samples: 0, spikes: 0, synapticOps: 0, feedforwardMacs: 0, predictionMacs: 0 };
  let window = emptyWindow();

  const phaseAt = (i: number) => {
    let phase = plan.phases[0];
    for (const p of plan.phases) if (p.startsAt <= i) phase = p;
    return phase;
  };
  const evaluate = (seen: number) => {
    const accuracy: Record<string, number> = {};
    for (const set of plan.evaluationSets) accuracy[set.name] = sourceAccuracy(learner, set.source, plan.evaluationBatch);
    const evaluation: StreamEvaluation = {
      samplesSeen: seen,
      phase: phaseAt(Math.min(seen, plan.samples - 1)).name,
      accuracy,
      window: summariseWindow(window),
      cumulative: { spikes: totals.spikes, synapticOps: totals.synapticOps },
      seconds: (Date.now() - started) / 1000,
    };
    evaluations.push(evaluation);
    onEvaluation?.(evaluation);
    window = emptyWindow();
  };

  const stops = new Set<number>([plan.samples, ...plan.phases.map((p) => p.startsAt)]);
  for (let s = plan.evaluateEvery; s < plan.samples; s += plan.evaluateEvery) stops.add(s);
  evaluate(0);
  let seen = 0;
  while (seen < plan.samples) {
    let nextStop = plan.samples;
    for (const s of stops) if (s > seen && s < nextStop) nextStop = s;
    const count = Math.min(batchSize, nextStop - seen);
    const { features, labels } = streamBatch(phaseAt(seen).source, seen, count);
    const x = tf.tensor2d(features, [count, learner.architecture.sizes[0]]);
    const y = oneHot(labels, classes) as Tensor2D;
    let report: SpikingBatchReport;
    try {
      report = learner.learn(x, y);
    } finally {
      tf.dispose([x, y]);
    }
    addReport(window, report);
    totals.samples += report.samples;
    totals.spikes += sum(report.spikes);
    totals.synapticOps += report.synapticOps;
    totals.feedforwardMacs += report.feedforwardMacs;
    totals.predictionMacs += report.predictionMacs;
    seen += count;
    if (seen !== plan.samples && stops.has(seen)) evaluate(seen);
  }
  evaluate(seen);
  return { evaluations, phases: plan.phases.map(({ name, startsAt }) => ({ name, startsAt })), batchSize, totals: { ...totals, seconds: (Date.now() - started) / 1000 } };
}
