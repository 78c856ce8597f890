import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RandomStreams, writeFileAtomic } from '@cristal/tensor';
import type { z } from 'zod';
import { UsageError } from '../config/config-error';
import { configHash } from '../config/config-hash';
import { readConfigFile, resolveConfig } from '../config/resolve-config';
import type { Experiment, ProfileName } from '../experiment/define-experiment';
import type { ExperimentRegistry } from '../experiment/registry';
import type { RunRecord, RunStatus } from '../store/run-record';
import type { RunStore } from '../store/run-store';
import { ArtifactWriter } from './artifact-writer';
import { CheckpointManager, type Checkpoint } from './checkpoints';
import { MetricLogger } from './metric-logger';
import { ProgressReporter, type ProgressOutput } from './progress';
import { gitCommit, gitDirty, hostName, runVersions } from './provenance';
import { createRunContext, type StopSwitch } from './run-context';
import { DivergedError, RunInterrupted } from './run-errors';
import { TextLog } from './text-log';

export interface RunRequest {
  qualified: string;
  profile?: ProfileName;
  configFile?: string;
  overrides?: readonly string[];
  seed?: number;
}

/** A validated request: nothing has been written yet. */
export interface PreparedRun {
  project: string;
  experiment: Experiment;
  profile: ProfileName;
  config: Record<string, unknown>;
  seed: number;
}

export interface RunMeta {
  name?: string;
  tags?: readonly string[];
  command: readonly string[];
  sweepId?: string;
  workspaceRoot: string;
}

export interface RunIo {
  /** Text log echo (stderr by default). */
  echo?: (line: string) => void;
  progress?: ProgressOutput;
  /** Whether SIGINT/SIGTERM handlers are installed (the CLI does; in-process tests need not). */
  handleSignals?: boolean;
}

const MAX_SEED = 2 ** 31;

/** Resolves and validates everything about a run before anything touches the disk. */
export function prepareRun(registry: ExperimentRegistry, request: RunRequest): PreparedRun {
  const { project, experiment } = registry.get(request.qualified);
  const profile = request.profile ?? 'quick';
  if (profile !== 'quick' && profile !== 'full') throw new UsageError(`--profile must be quick or full, got "${String(profile)}".`);
  if (request.seed !== undefined && !(Number.isInteger(request.seed) && request.seed >= 0 && request.seed < 2 ** 53)) {
    throw new UsageError(`--seed must be an integer in [0, 2^53), got ${request.seed}.`);
  }
  const file = request.configFile ? readConfigFile(request.configFile) : undefined;
  const config = resolveConfig(experiment.schema, { profile: experiment.profiles[profile], file, overrides: request.overrides }, `${project}:${experiment.name}`) as Record<string, unknown>;
  const seed = request.seed ?? randomBytes(4).readUInt32BE(0) % MAX_SEED;
  return { project, experiment, profile, config, seed };
}

/** Sortable by start time, unique across processes: `20250101-120000-a1b2c3`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function writeRecord(store: RunStore, id: string): RunRecord {
  const record = store.getRun(id);
  if (!record) throw new Error(`Run ${id} vanished from the store.`);
  writeFileAtomic(path.join(record.runDir, 'record.json'), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** Creates the record and directory, then runs the experiment to its end. */
export async function startRun(store: RunStore, prepared: PreparedRun, meta: RunMeta, io: RunIo = {}): Promise<RunRecord> {
  const id = newRunId();
  const runDir = store.runDir(id);
  fs.mkdirSync(path.join(runDir, 'checkpoints'), { recursive: true });
  const record: RunRecord = {
    id,
    project: prepared.project,
    experiment: prepared.experiment.name,
    profile: prepared.profile,
    name: meta.name ?? null,
    tags: [...(meta.tags ?? [])],
    status: 'running',
    config: prepared.config,
    configHash: configHash(prepared.config),
    seed: prepared.seed,
    git: { commit: gitCommit(meta.workspaceRoot), dirty: gitDirty(meta.workspaceRoot) },
    command: [...meta.command],
    host: hostName(),
    pid: process.pid,
    versions: runVersions(meta.workspaceRoot),
    startedAt: new Date().toISOString(),
    endedAt: null,
    summary: null,
    error: null,
    checkpointStep: null,
    sweepId: meta.sweepId ?? null,
    runDir,
    artifacts: [],
  };
  store.createRun(record);
  const artifacts = new ArtifactWriter(runDir, (a) => store.addArtifact(id, a));
  artifacts.write('config.json', `${JSON.stringify(prepared.config, null, 2)}\n`);
  writeRecord(store, id);
  return execute(store, prepared.experiment, record, new RandomStreams(prepared.seed), undefined, io);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Continues a run from its latest checkpoint (or from the start without one). Metrics logged after
 * that checkpoint are dropped first, so the resumed run logs each step exactly once.
 */
export async function resumeRun(store: RunStore, registry: ExperimentRegistry, idOrPrefix: string, command: readonly string[], io: RunIo = {}): Promise<RunRecord> {
  const record = store.getRun(idOrPrefix);
  if (!record) throw new UsageError(`No run "${idOrPrefix}" in ${store.file}.`);
  if (record.status === 'finished') throw new UsageError(`Run ${record.id} already finished; nothing to resume.`);
  if (record.status === 'running' && record.host === hostName() && record.pid !== null && record.pid !== process.pid && processAlive(record.pid)) {
    throw new UsageError(`Run ${record.id} is still running (pid ${record.pid}).`);
  }
  const { experiment } = registry.get(`${record.project}:${record.experiment}`);
  const parsed = experiment.schema.safeParse(record.config);
  if (!parsed.success) throw new UsageError(`Run ${record.id}: its recorded config no longer fits the experiment's schema: ${parsed.error.message}`);
  const checkpoints = new CheckpointManager(path.join(record.runDir, 'checkpoints'));
  const checkpoint = checkpoints.load();
  const step = checkpoint?.step ?? null;
  store.truncateMetricsAfter(record.id, step);
  const kept = store.metrics(record.id);
  writeFileAtomic(path.join(record.runDir, 'metrics.jsonl'), kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  store.updateRun(record.id, { status: 'running', endedAt: null, error: null, pid: process.pid, host: hostName(), checkpointStep: step });
  const random = checkpoint ? RandomStreams.fromState(checkpoint.random) : new RandomStreams(record.seed);
  const resumed = { ...record, config: parsed.data as Record<string, unknown> };
  return execute(store, experiment, resumed, random, checkpoint, io, command);
}

async function execute(
  store: RunStore,
  experiment: Experiment<z.ZodType>,
  record: RunRecord,
  random: RandomStreams,
  checkpoint: Checkpoint | undefined,
  io: RunIo,
  resumeCommand?: readonly string[],
): Promise<RunRecord> {
  const { id, runDir } = record;
  const log = new TextLog(path.join(runDir, 'log.txt'), io.echo);
  if (resumeCommand) log.info(`resumed by: ${resumeCommand.join(' ')} from ${checkpoint ? `checkpoint at step ${checkpoint.step}` : 'the start (no checkpoint)'}`);
  else log.info(`run ${id} started: ${record.project}:${record.experiment} profile=${record.profile} seed=${record.seed}`);
  const metricsFile = path.join(runDir, 'metrics.jsonl');
  const metrics = new MetricLogger((rows) => {
    // the database is the source of truth; the JSONL mirror is rebuilt from it on resume
    store.addMetrics(id, rows);
    fs.appendFileSync(metricsFile, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  });
  const artifacts = new ArtifactWriter(runDir, (a) => store.addArtifact(id, a));
  const checkpoints = new CheckpointManager(path.join(runDir, 'checkpoints'), (step) => store.updateRun(id, { checkpointStep: step }));
  const stop: StopSwitch = { requested: false };
  const ctx = createRunContext(
    {
      runId: id,
      provenance: {
        project: record.project,
        experiment: record.experiment,
        runId: id,
        gitCommit: `${record.git.commit ?? 'unknown'}${record.git.dirty ? '-dirty' : ''}`,
        configHash: record.configHash,
      },
      runDir,
      profile: record.profile,
      config: record.config,
      seed: record.seed,
      random,
      metrics,
      artifacts,
      checkpoints,
      progress: new ProgressReporter(io.progress ?? process.stderr),
      log,
      resume: checkpoint,
    },
    stop,
  );

  const finish = (status: RunStatus, summary: Record<string, number> | null, error: string | null): RunRecord => {
    if (fs.existsSync(metricsFile)) artifacts.add('metrics.jsonl');
    store.updateRun(id, { status, summary, error, endedAt: new Date().toISOString() });
    return writeRecord(store, id);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!stop.requested) {
      stop.requested = true;
      log.warn(`${signal}: finishing the current step, then checkpointing (send again to stop at once)`);
      return;
    }
    finish('interrupted', null, `${signal} received twice: stopped without a final checkpoint`);
    process.exit(130);
  };
  if (io.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  try {
    const returned = await experiment.run(ctx);
    ctx.progress.finish();
    const summary = { ...metrics.summaries(), ...returned };
    const bad = Object.entries(summary).find(([, v]) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad) throw new DivergedError(record.checkpointStep ?? 0, `summary/${bad[0]}`, bad[1]);
    log.info(`finished: ${Object.entries(summary).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    return finish('finished', summary, null);
  } catch (error) {
    ctx.progress.finish();
    if (error instanceof DivergedError) {
      const last = checkpoints.latestStep();
      log.warn(`${error.message} Last good checkpoint: ${last === null ? 'none' : `step ${last}`}.`);
      return finish('diverged', metrics.summaries(), `${error.message} Last good checkpoint: ${last === null ? 'none' : `step ${last}`}.`);
    }
    if (error instanceof RunInterrupted) {
      log.warn(error.message);
      return finish('interrupted', metrics.summaries(), error.message);
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log.warn(`failed: ${message}`);
    return finish('failed', null, message);
  } finally {
    if (io.handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
