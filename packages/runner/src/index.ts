// Public API of @cristal/runner.
export { defineExperiment, type Experiment, type ExperimentDefinition, type ProfileName, type Summary } from './experiment/define-experiment';
export { ExperimentRegistry, type ExperimentSource, type QualifiedExperiment } from './experiment/registry';
export { findWorkspaceRoot, workspacePackages, workspaceSources, moduleSources, experimentsFromModule } from './experiment/discover';
export { resolveConfig, parseOverride, readConfigFile, unknownKeys, type ConfigLayers } from './config/resolve-config';
export { UsageError, type ConfigIssue } from './config/config-error';
export { configHash, canonicalJson } from './config/config-hash';
export { closestNames, editDistance } from './config/edit-distance';
export { describeFields, schemaDefaults } from './config/schema-walk';
export { RunStore, type RunFilter, type SweepRecord } from './store/run-store';
export { StoreError } from './store/store-error';
export { labHome } from './store/lab-home';
export { RUN_STATUSES, type RunRecord, type RunStatus, type MetricRow, type ArtifactRecord } from './store/run-record';
export type { RunContext, RunProvenance } from './run/run-context';
export { MetricLogger, type MetricOptions } from './run/metric-logger';
export { ArtifactWriter } from './run/artifact-writer';
export { CheckpointManager, restoreVariables, type Checkpoint, type CheckpointState } from './run/checkpoints';
export { ProgressReporter, progressBar, progressLine } from './run/progress';
export { DivergedError, RunInterrupted } from './run/run-errors';
export { prepareRun, startRun, resumeRun, type PreparedRun, type RunRequest, type RunMeta, type RunIo } from './run/execute-run';
export { fitClassifier, plannedSteps, scheduledLearningRate, type LearningRateSchedule, type TrainableClassifier, type FitOptions, type FitResult, type FitTrace } from './training/fit-classifier';
export { adamStepper, globalNorm, type StepOptimizer, type StepResult, type OptimizerCheckpoint, type OptimizerFactory, type AdamStepperOptions } from './training/step-optimizer';
export { evaluateClassifier, type ClassifierEvaluation, type ProbabilityFn } from './training/evaluate-classifier';
export { compareRuns, meanStd, type RunGroup } from './report/compare-runs';
export { buildReport } from './report/build-report';
export { svgLineChart, type Series } from './report/svg-chart';
export { main } from './cli/main';

// For apps' specs: their experiments end to end in a throwaway lab home
export { temporaryLab, type TemporaryLab } from './testing/temporary-lab';
