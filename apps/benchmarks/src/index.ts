// Public API of @cristal/benchmarks.
export type { Leaderboard, ModelScore, ModelCost, InferenceSpeed, ReliabilityBin, RotationScore } from './leaderboard/leaderboard-types';
export { benchmarkData, scoringSet, LEADERBOARD_ROTATIONS, type BenchmarkData, type ScoringSet } from './scoring/benchmark-data';
export { scoreModel, energyConstants, SignatureMismatchError, type ModelEntry, type ScoreOptions } from './scoring/score-model';
export { inferenceSpeed, type SpeedOptions } from './scoring/inference-speed';
export { predictiveScores, rotationScore, maxProbabilityAuroc, type PredictiveScores } from './scoring/predictive-scores';
export { modelCost, countParameters, graphMacsPerSample, sopsPerSample, spikeCostMetadataProps, StaticShapeError, MACS_PER_SAMPLE_KEY, SPIKE_FANOUT_KEY, type EnergyConstants } from './scoring/cost';
export { leaderboardTable, type TerminalTableOptions } from './report/terminal-table';
export { leaderboardMarkdown } from './report/markdown-report';
export { leaderboardHtml } from './report/html-report';
export { rotationChart, reliabilityDiagram, reliabilityDiagrams, accuracyEnergyChart } from './report/svg-charts';
// Runner experiments (`lab run benchmarks:leaderboard`).
export { experiments } from './experiments';
export { HEADLINE_MODELS, selectHeadlineModels, type HeadlineModel } from './leaderboard/headline-models';
export { trainHeadlineModels, type TrainedHeadlineModel, type TrainOptions } from './leaderboard/train-headline-models';
