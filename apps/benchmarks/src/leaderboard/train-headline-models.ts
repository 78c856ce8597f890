import * as fs from 'node:fs';
import * as path from 'node:path';
import { prepareRun, startRun, type ExperimentRegistry, type RunIo, type RunRecord, type RunStore } from '@cristal/runner';
import type { HeadlineModel } from './headline-models';

/** A headline model trained by its project's experiment: the child run and its ONNX file. */
export interface TrainedHeadlineModel {
  model: HeadlineModel;
  seed: number;
  run: RunRecord;
  file: string;
}

export interface TrainOptions {
  registry: ExperimentRegistry;
  store: RunStore;
  profile: 'quick' | 'full';
  seeds: readonly number[];
  /** The leaderboard run: names and tags its children so `lab runs` shows where they came from. */
  parentRunId: string;
  workspaceRoot: string;
  io?: RunIo;
  /** Called before each child run starts (the progress display). */
  onStart?: (model: HeadlineModel, seed: number, index: number, total: number) => void;
}

/**
 * Runs each model's experiment for each seed through the runner, as `lab run` would (a run record
 * of its own in the same store, tagged with the parent), and returns its ONNX artifact. Models that
 * share an experiment and settings (none today) would still train separately: a run is one model.
 * Throws, naming the child run and where its log is, when a child does not finish or has no file.
 */
export async function trainHeadlineModels(models: readonly HeadlineModel[], options: TrainOptions): Promise<TrainedHeadlineModel[]> {
  const trained: TrainedHeadlineModel[] = [];
  const total = models.length * options.seeds.length;
  let index = 0;
  for (const model of models) {
    for (const seed of options.seeds) {
      options.onStart?.(model, seed, index++, total);
      const prepared = prepareRun(options.registry, { qualified: model.experiment, profile: options.profile, overrides: model.overrides[options.profile], seed });
      const run = await startRun(
        options.store,
        prepared,
        {
          name: `leaderboard/${model.id}`,
          tags: [`leaderboard:${options.parentRunId}`],
          command: ['lab', 'run', model.experiment, '--profile', options.profile, '--seed', String(seed), ...model.overrides[options.profile].flatMap((o) => ['--set', o])],
          workspaceRoot: options.workspaceRoot,
        },
        options.io,
      );
      if (run.status !== 'finished') {
        throw new Error(`Leaderboard: ${model.id} (${model.experiment}, seed ${seed}) ended '${run.status}' in run ${run.id}: ${firstLine(run.error)}; its log is ${path.join(run.runDir, 'log.txt')}.`);
      }
      const file = path.join(run.runDir, model.artifact);
      if (!fs.existsSync(file)) {
        throw new Error(`Leaderboard: run ${run.id} of ${model.experiment} finished without ${model.artifact} (artifacts: ${run.artifacts.map((a) => a.path).join(', ') || 'none'}); check that the experiment exports it with these settings.`);
      }
      trained.push({ model, seed, run, file });
    }
  }
  return trained;
}

function firstLine(text: string | null): string {
  return (text ?? 'no error recorded').split('\n')[0];
}
