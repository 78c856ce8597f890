import { ENERGY_PRESETS, type EnergyPreset } from '@cristal/metrics';
import { CLASSIFIER_SIGNATURE, checkModelSignature, OnnxClassifier, readModelFile, readModelMetadata } from '@cristal/onnx';
import type { ModelCost, ModelScore } from '../leaderboard/leaderboard-types';
import type { BenchmarkData } from './benchmark-data';
import { countParameters, energyModelLabel, modelCost, SPIKE_COUNTS_OUTPUT, type EnergyConstants } from './cost';
import { inferenceSpeed, type SpeedOptions } from './inference-speed';
import { maxProbabilityAuroc, predictiveScores, rotationScore } from './predictive-scores';

/** What the leaderboard knows of a file before scoring it. */
export interface ModelEntry {
  id: string;
  label: string;
  project: string;
  /** Run id, or the path the file was given as. */
  source: string;
  /** The file to score. */
  file: string;
  /** How the report refers to it (a path relative to the report). */
  onnxFile: string;
}

export interface ScoreOptions {
  energy?: EnergyPreset;
  speed?: SpeedOptions;
  /** onnxruntime intra-op threads (default: onnxruntime's, one per core). */
  threads?: number;
}

/** A file that cannot be scored: which file, and what differs from the shared signature. */
export class SignatureMismatchError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    const expected = `input '${CLASSIFIER_SIGNATURE.input.name}' float32 [batch, 784] in [0, 1] -> output '${CLASSIFIER_SIGNATURE.output.name}' float32 [batch, 10] (extra outputs are allowed)`;
    super(`${file} does not have the shared classifier signature:\n${problems.map((p) => `  - ${p}`).join('\n')}\nexpected: ${expected}`);
    this.name = 'SignatureMismatchError';
  }
}

export function energyConstants(preset: EnergyPreset): EnergyConstants {
  const e = ENERGY_PRESETS[preset];
  return { name: preset, picojoulesPerMac: e.macPj, picojoulesPerAccumulate: e.acPj };
}

/**
 * Scores one ONNX classifier through onnxruntime-node only, on the shared data: test metrics and
 * reliability, accuracy and ECE under rotation, OOD AUROC by maximum probability, parameters, MACs,
 * SOPs and energy per sample, and its latency and throughput on this machine. Throws
 * SignatureMismatchError, naming every difference, for a file without the shared signature.
 */
export async function scoreModel(entry: ModelEntry, data: BenchmarkData, options: ScoreOptions = {}): Promise<ModelScore> {
  const { model } = readModelFile(entry.file);
  const signature = checkModelSignature(model);
  if (!signature.ok) throw new SignatureMismatchError(entry.file, signature.problems);
  const spiking = signature.extraOutputs.includes(SPIKE_COUNTS_OUTPUT);
  const classifier = await OnnxClassifier.load(entry.file, { batchSize: 1000, ...(options.threads ? { intraOpThreads: options.threads } : {}) });
  try {
    const testOut = await classifier.predictAll(data.test.pixels, data.test.count);
    const test = predictiveScores(testOut.probabilities, data.test.labels);
    const rotation = [];
    for (const [i, set] of data.rotated.entries()) {
      const p = i === 0 ? testOut.probabilities : await classifier.predict(set.pixels, set.count);
      rotation.push(rotationScore(data.rotations[i], p, set.labels));
    }
    const ood = await classifier.predict(data.ood.pixels, data.ood.count);
    const counts = testOut.extras[SPIKE_COUNTS_OUTPUT];
    const energy = energyConstants(options.energy ?? 'fp32-45nm');
    let cost: ModelCost;
    try {
      cost = modelCost({ model, ...(spiking && counts ? { spikeCounts: { values: Float32Array.from(counts.data as ArrayLike<number>), samples: data.test.count } } : {}), energy });
    } catch (error) {
      // a file we cannot count (an unknown operator, missing spike metadata) is still scored
      const unavailable = (error as Error).message.replace(/^modelCost: /, '');
      cost = { parameters: countParameters(model), macsPerSample: null, sopsPerSample: null, energyNanojoulesPerSample: null, energyModel: energyModelLabel(energy), macsSource: null, unavailable };
    }
    const speed = await inferenceSpeed(classifier, data.test.pixels, options.speed);
    const { file: _file, ...row } = entry;
    return {
      ...row,
      family: readModelMetadata(model).classifier.modelFamily ?? 'unknown',
      spiking,
      test,
      rotation,
      oodAuroc: maxProbabilityAuroc(testOut.probabilities, ood),
      cost,
      speed,
    };
  } finally {
    await classifier.dispose();
  }
}
