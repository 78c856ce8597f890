// Fake leaderboards for the renderer tests: small, with the cases the renderers must handle (a spiking
// model with SOPs, non-spiking models without, empty reliability bins, a tie on accuracy).
import type { Leaderboard, ModelScore, ReliabilityBin, RotationScore } from '../leaderboard/leaderboard-types';

/** A label that breaks any renderer that forgets to escape. */
export const HOSTILE_LABEL = '<script>alert(1)</script> & "x"';

/** 15 equal-width bins with the given counts and accuracies (confidence: the bin's centre; default accuracy: a little overconfident). */
export function fakeBins(counts: readonly number[], accuracies: readonly number[] = counts.map((_, i) => Math.max(0, (i + 0.5) / 15 - 0.06))): ReliabilityBin[] {
  return Array.from({ length: 15 }, (_, i) => {
    const count = counts[i] ?? 0;
    return { lower: i / 15, upper: (i + 1) / 15, count, confidence: count === 0 ? 0 : (i + 0.5) / 15, accuracy: count === 0 ? 0 : accuracies[i] };
  });
}

/** Bins of a confident, well-trained model: the first three empty, almost everything in the top bin. */
export const TYPICAL_COUNTS = [0, 0, 0, 2, 5, 9, 14, 20, 25, 30, 41, 55, 80, 150, 9569];

/** Scores at 0, 15, 30 and 45 degrees, accuracy falling by `dropPerDegree` (relative) per degree. */
export function fakeRotation(accuracy: number, dropPerDegree: number): RotationScore[] {
  return [0, 15, 30, 45].map((degrees) => ({ degrees, accuracy: accuracy * (1 - dropPerDegree * degrees), ece: 0.01 + degrees / 1000 }));
}

/** A non-spiking model scoring `accuracy`; override anything. */
export function fakeModel(id: string, accuracy: number, overrides: Partial<ModelScore> = {}): ModelScore {
  return {
    id,
    label: `Model ${id}`,
    project: 'mlp-baseline',
    family: 'mlp',
    source: `run-${id}-2026`,
    onnxFile: `models/${id}.onnx`,
    spiking: false,
    test: { accuracy, nll: 0.07, ece: 0.0123, brier: 0.031, reliability: fakeBins(TYPICAL_COUNTS) },
    rotation: fakeRotation(accuracy, 0.01),
    oodAuroc: 0.912,
    cost: { parameters: 669_706, macsPerSample: 669_706, sopsPerSample: null, energyNanojoulesPerSample: 3080.6, energyModel: 'fp32-45nm (4.6 pJ/MAC, 0.9 pJ/AC)', macsSource: 'graph' },
    speed: { latencyMs: 0.052, throughputPerSecond: 173_456, throughputBatch: 256 },
    ...overrides,
  };
}

/** A spiking model with synaptic operations counted. */
export function fakeSpikingModel(id: string, accuracy: number, overrides: Partial<ModelScore> = {}): ModelScore {
  const base = fakeModel(id, accuracy);
  return {
    ...base,
    label: `FC SNN ${id} (LIF 784-1000-10, T 25)`,
    project: 'spiking',
    family: 'snn',
    spiking: true,
    cost: { ...base.cost, parameters: 795_010, macsPerSample: 10_000, sopsPerSample: 1_234_567, energyNanojoulesPerSample: 1157.1, macsSource: 'metadata' },
    speed: { latencyMs: 0.36, throughputPerSecond: 23_200, throughputBatch: 256 },
    ...overrides,
  };
}

/**
 * Three models in deliberately unsorted order: 'mlp' and 'bnn' tie on accuracy (bnn has the lower NLL,
 * so it ranks first), 'snn' is spiking and least accurate.
 */
export function fakeModels(): ModelScore[] {
  return [
    fakeModel('mlp', 0.981, { label: 'Dense MLP 784-400-400-10' }),
    fakeSpikingModel('snn', 0.9765, { rotation: fakeRotation(0.9765, 0.014) }),
    fakeModel('bnn', 0.981, { label: 'Bayes-by-backprop MLP', project: 'bayesian', rotation: fakeRotation(0.981, 0.007), test: { ...fakeModel('bnn', 0.981).test, nll: 0.055, ece: 0.0071 }, cost: { ...fakeModel('bnn', 0.981).cost, energyNanojoulesPerSample: 98.4 } }),
  ];
}

/** A leaderboard of {@link fakeModels} (or `models`); override anything. */
export function fakeLeaderboard(overrides: Partial<Leaderboard> = {}): Leaderboard {
  return {
    profile: 'quick',
    createdAt: '2026-03-14T09:26:53.589Z',
    command: 'npm start -- --profile quick',
    runId: 'lb-2026-03-14-abc',
    machine: { cpus: 2, cpuModel: 'AMD EPYC 7B13', memoryGiB: 24, platform: 'linux' },
    versions: { node: '20.20.2', 'onnxruntime-node': '1.30.0' },
    data: { test: 'MNIST test', testImages: 10_000, ood: 'Fashion-MNIST test', oodImages: 10_000, rotations: [0, 15, 30, 45] },
    models: fakeModels(),
    ...overrides,
  };
}

/** {@link fakeLeaderboard} with every free-text field of the first model, and the command, hostile. */
export function hostileLeaderboard(): Leaderboard {
  const [first, ...rest] = fakeModels();
  const hostile = { ...first, id: 'x"><script>', label: HOSTILE_LABEL, project: '<b>p</b>|q', source: '<img src=x>', onnxFile: 'a|b<i>.onnx' };
  return fakeLeaderboard({ command: 'npm start <script>alert(2)</script>', models: [hostile, ...rest] });
}
