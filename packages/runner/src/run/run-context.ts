import type { RandomStreams } from '@cristal/tensor';
import type { ArtifactWriter } from './artifact-writer';
import type { Checkpoint, CheckpointManager, CheckpointState } from './checkpoints';
import type { MetricLogger } from './metric-logger';
import type { ProgressReporter } from './progress';
import { RunInterrupted } from './run-errors';
import type { TextLog } from './text-log';

/**
 * Who made a result, in the field names of `@cristal/onnx`'s ClassifierMetadata, so an experiment
 * stamps its exported model with `{ ...ctx.provenance, modelFamily, testMetrics }` and the file alone
 * names its run. `gitCommit` is `unknown` outside a git checkout and ends in `-dirty` when tracked
 * files differed from that commit at the start of the run.
 */
export interface RunProvenance {
  readonly project: string;
  readonly experiment: string;
  readonly runId: string;
  readonly gitCommit: string;
  readonly configHash: string;
}

/** What an experiment's `run(ctx)` gets. */
export interface RunContext<C> {
  readonly runId: string;
  readonly provenance: RunProvenance;
  readonly runDir: string;
  readonly profile: string;
  /** The resolved, validated config. */
  readonly config: C;
  readonly seed: number;
  /** Named streams derived from the seed (restored from the checkpoint on resume). */
  readonly random: RandomStreams;
  readonly metrics: MetricLogger;
  readonly artifacts: ArtifactWriter;
  readonly checkpoints: CheckpointManager;
  readonly progress: ProgressReporter;
  readonly log: TextLog;
  /** The checkpoint to continue from when resuming, else undefined. */
  readonly resume: Checkpoint | undefined;
  /** True once SIGINT/SIGTERM asked the run to stop. */
  readonly stopRequested: boolean;
  /**
   * Call after each step, once its metrics are logged: saves a checkpoint every `every` steps, and on
   * a stop request saves one and throws RunInterrupted so the run ends `interrupted`.
   */
  afterStep(step: number, snapshot: () => CheckpointState, every: number): void;
}

export interface StopSwitch {
  requested: boolean;
}

export function createRunContext<C>(parts: Omit<RunContext<C>, 'stopRequested' | 'afterStep'>, stop: StopSwitch): RunContext<C> {
  return {
    ...parts,
    get stopRequested() {
      return stop.requested;
    },
    afterStep(step, snapshot, every) {
      const due = every > 0 && step % every === 0;
      if (due || stop.requested) parts.checkpoints.save(step, snapshot(), parts.random);
      if (stop.requested) throw new RunInterrupted(step);
    },
  };
}
