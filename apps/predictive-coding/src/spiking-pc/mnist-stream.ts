import { loadMnist, rotate, sliceImageSet, type MnistSplit } from '@cristal/datasets';
import { pcArchitecture, type PcActivation, type PcParamValues } from '../pc';
import { imageSetSource } from './labelled-source';
import { recoveryCurve, type RecoveryPoint } from './recovery';
import { SpikingPcLearner } from './spiking-pc-learner';
import { resolveSpikingPcOptions, type SpikingPcOptions, type SpikingPcOptionsInput } from './spiking-pc-options';
import { baselineLearner, type BaselineKind } from './baseline-learners';
import { runStream, type StreamEvaluation, type StreamPlan, type StreamRun } from './stream-runner';

/** The MNIST stream of the spiking-online experiment. */
export interface MnistSpikingStreamConfig {
  /** 'spiking-pc' (the model), or a non-spiking twin on the same stream with the same lr, K and eta: 'pc' (the PC core) or 'backprop'. */
  readonly model: 'spiking-pc' | BaselineKind;
  readonly seed: number;
  /** Training images streamed, once each, in file order (the first `samples` of the training set). */
  readonly samples: number;
  /** Held-out images (the first of the test set). */
  readonly testSamples: number;
  readonly evaluateEvery: number;
  /** From this sample on the stream shows the same images rotated by `degrees`; null: no switch. */
  readonly switchAt: number | null;
  readonly degrees: number;
  readonly hidden: readonly number[];
  readonly activation: PcActivation;
  readonly batchSize: number;
  readonly spiking: SpikingPcOptionsInput;
}

export const MNIST_SPIKING_STREAM_DEFAULTS: MnistSpikingStreamConfig = {
  model: 'spiking-pc',
  seed: 0,
  samples: 10_000,
  testSamples: 2_000,
  evaluateEvery: 1_000,
  switchAt: 5_000,
  degrees: 90,
  hidden: [256, 256],
  activation: 'tanh',
  batchSize: 1,
  spiking: { learningRate: 0.02 },
};

/**
 * r_max per predicted layer when the config gives none: 0.1 for the hidden layers, whose errors are
 * small (|e| ~ 0.01-0.1: with r_max = 1 they would fire with p ~ 0.01-0.1 and the spike noise,
 * variance |e| (r_max - |e|), would swamp them), 1 for the output layer (|y - x̄_L| up to ~1).
 */
export function mnistDefaultRMax(hidden: readonly number[]): number[] {
  return [...hidden.map(() => 0.1), 1];
}

/**
 * The plan: phase "original" from sample 0, phase "rotated<degrees>" from `switchAt` (training image
 * i is shown rotated from then on), evaluated on the first `testSamples` test images as they are
 * ("original") and rotated ("rotated<degrees>").
 */
export function mnistRotationStreamPlan(config: MnistSpikingStreamConfig, mnist: MnistSplit = loadMnist()): StreamPlan {
  if (config.samples > mnist.train.count || config.testSamples > mnist.test.count) {
    throw new Error(`The MNIST stream asks for ${config.samples} training and ${config.testSamples} test images; MNIST has ${mnist.train.count} and ${mnist.test.count}.`);
  }
  const train = sliceImageSet(mnist.train, 0, config.samples, `mnist-train-${config.samples}`);
  const test = sliceImageSet(mnist.test, 0, config.testSamples, `mnist-test-${config.testSamples}`);
  const rotatedName = `rotated${config.degrees}`;
  const phases = [{ name: 'original', startsAt: 0, source: imageSetSource(train) }];
  const evaluationSets = [{ name: 'original', source: imageSetSource(test) }];
  if (config.switchAt !== null) {
    phases.push({ name: rotatedName, startsAt: config.switchAt, source: imageSetSource(rotate(train, config.degrees)) });
    evaluationSets.push({ name: rotatedName, source: imageSetSource(rotate(test, config.degrees)) });
  }
  return { samples: config.samples, phases, evaluateEvery: config.evaluateEvery, evaluationSets, batchSize: config.batchSize };
}

export interface MnistSpikingStreamResult {
  readonly config: MnistSpikingStreamConfig;
  /** The learner's resolved options (defaults filled in, r_max per layer). */
  readonly options: SpikingPcOptions;
  readonly run: StreamRun;
  /** Accuracy on the rotated test images from the switch on (empty without a switch). */
  readonly recovery: RecoveryPoint[];
}

/**
 * Runs the stream with a fresh 784-hidden-10 learner (spiking PC, or a twin). `onFinished` gets the
 * learned weights at the end of the stream (e.g. to export the feedforward predictor).
 */
export function runMnistSpikingStream(
  overrides: Partial<MnistSpikingStreamConfig> = {},
  onEvaluation?: (e: StreamEvaluation) => void,
  onFinished?: (weights: PcParamValues) => void,
): MnistSpikingStreamResult {
  const config = { ...MNIST_SPIKING_STREAM_DEFAULTS, ...overrides, spiking: { ...MNIST_SPIKING_STREAM_DEFAULTS.spiking, ...overrides.spiking } };
  if (!['spiking-pc', 'pc', 'backprop'].includes(config.model)) throw new Error(`model must be 'spiking-pc', 'pc' or 'backprop', got "${String(config.model)}".`);
  const plan = mnistRotationStreamPlan(config);
  const spiking = { rMax: mnistDefaultRMax(config.hidden), ...config.spiking };
  const architecture = pcArchitecture([784, ...config.hidden, 10], config.activation);
  const options = resolveSpikingPcOptions(architecture, spiking);
  const learner =
    config.model === 'spiking-pc'
      ? new SpikingPcLearner({ architecture, seed: config.seed, spiking })
      : baselineLearner(config.model, { architecture, seed: config.seed, learningRate: options.learningRate, inferenceSteps: options.timeSteps, stepSize: options.stepSize });
  try {
    const run = runStream(learner, plan, onEvaluation);
    onFinished?.(learner.snapshot());
    const rotated = `rotated${config.degrees}`;
    return { config, options, run, recovery: config.switchAt === null ? [] : recoveryCurve(run, rotated, rotated) };
  } finally {
    learner.dispose();
  }
}
