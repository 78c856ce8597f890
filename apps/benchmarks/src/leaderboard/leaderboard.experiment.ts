import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENERGY_PRESETS, type EnergyPreset } from '@cristal/metrics';
import { defineExperiment, ExperimentRegistry, findWorkspaceRoot, RunStore, workspaceSources, type RunContext } from '@cristal/runner';
import { z } from 'zod';
import { leaderboardHtml } from '../report/html-report';
import { leaderboardMarkdown } from '../report/markdown-report';
import { leaderboardTable } from '../report/terminal-table';
import { benchmarkData, LEADERBOARD_ROTATIONS } from '../scoring/benchmark-data';
import { scoreModel, type ModelEntry } from '../scoring/score-model';
import { aggregateSeedScores } from './aggregate-seeds';
import { selectHeadlineModels } from './headline-models';
import type { Leaderboard, ModelScore } from './leaderboard-types';
import { trainHeadlineModels } from './train-headline-models';

const ENERGY_NAMES = Object.keys(ENERGY_PRESETS) as [EnergyPreset, ...EnergyPreset[]];

const schema = z.object({
  models: z.array(z.string().min(1)).default([]).describe('ONNX files to score instead of training the headline models (any classifier with the shared signature, e.g. exported from PyTorch).'),
  only: z.array(z.string().min(1)).default([]).describe('Train and score only these headline models (ids: mlp, bbb, homeostatic, fc-snn, spiking-hopfield, pc, bayesian-pc); empty: all.'),
  seeds: z.number().int().min(1).max(10).default(1).describe('Seeds per headline model (run seed, run seed + 1, ...); with more than one, each row is the mean over seeds with their spread, and every seed is kept in seedScores.'),
  rotations: z.array(z.number().min(0).max(360)).min(1).default([...LEADERBOARD_ROTATIONS]).describe('Rotations of the MNIST test set, degrees; must start at 0.'),
  limit: z.number().int().min(0).max(10_000).default(0).describe('Score on the first N test and OOD images (0: all 10,000; only for smoke tests).'),
  energy: z.enum(ENERGY_NAMES).default('fp32-45nm').describe('Energy per operation (MAC, accumulate) for the energy estimate.'),
  threads: z.number().int().min(0).default(0).describe('onnxruntime intra-op threads (0: its default, one per core).'),
  latencyRuns: z.number().int().min(1).default(200).describe('Timed batch-1 inferences per model (median).'),
  throughputBatch: z.number().int().min(1).default(256).describe('Batch size of the throughput measurement.'),
  throughputRuns: z.number().int().min(1).default(10).describe('Timed throughput batches per model (median).'),
});
type LeaderboardConfig = z.infer<typeof schema>;

/** The lab home the running leaderboard writes to: its child runs go in the same store. */
function labHomeOf(runDir: string): string {
  const home = path.resolve(runDir, '..', '..');
  if (!fs.existsSync(path.join(home, 'runs.db'))) throw new Error(`Leaderboard: cannot find the run store beside ${runDir} (expected ${path.join(home, 'runs.db')}).`);
  return home;
}

function versions(): Record<string, string> {
  // the runtime @cristal/onnx loads: hoisted to the workspace root, where this file resolves it too
  const version = (name: string) => {
    try {
      return (createRequire(__filename)(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return { node: process.versions.node, 'onnxruntime-node': version('onnxruntime-node') };
}

function machine(): Leaderboard['machine'] {
  const cpus = os.cpus();
  return { cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.arch()}` };
}

/** How this leaderboard was asked for: `npm start` when npm ran it, else the lab command line. */
function leaderboardCommand(ctx: RunContext<LeaderboardConfig>): string {
  if (process.env['npm_lifecycle_event'] === 'start') return 'npm start';
  const args = process.argv.slice(2);
  return args[0] === 'run' ? ['lab', ...args].join(' ') : `lab run ${ctx.provenance.project}:${ctx.provenance.experiment}`;
}

/** Files given on the command line: ids from their names, made unique; each must exist. */
function externalEntries(files: readonly string[]): Omit<ModelEntry, 'onnxFile'>[] {
  const seen = new Map<string, number>();
  return files.map((given) => {
    const file = path.resolve(given);
    if (!fs.existsSync(file)) throw new Error(`Leaderboard: ${given} does not exist (resolved to ${file}); pass ONNX files with the shared classifier signature.`);
    const base = path.basename(file).replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9_.-]+/g, '-') || 'model';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const id = n === 1 ? base : `${base}-${n}`;
    return { id, label: path.basename(file), project: 'external', source: given, file };
  });
}

/** A file to score; with several seeds, `model` groups the seeds of one headline model. */
type ScoringEntry = Omit<ModelEntry, 'onnxFile'> & { model?: { id: string; label: string } };

async function entriesToScore(ctx: RunContext<LeaderboardConfig>): Promise<ScoringEntry[]> {
  const config = ctx.config;
  if (config.models.length > 0) return externalEntries(config.models);
  const models = selectHeadlineModels(config.only);
  const root = findWorkspaceRoot(__dirname);
  if (!root) throw new Error('Leaderboard: not inside the workspace (no package.json with workspaces above this file); run it from the repository.');
  const store = RunStore.open(labHomeOf(ctx.runDir));
  try {
    const seeds = Array.from({ length: config.seeds }, (_, i) => ctx.seed + i);
    const trained = await trainHeadlineModels(models, {
      registry: new ExperimentRegistry(workspaceSources(root)),
      store,
      profile: ctx.profile === 'full' ? 'full' : 'quick',
      seeds,
      parentRunId: ctx.runId,
      workspaceRoot: root,
      // a child's log lines carry their own time and level: keep the message, indented under the parent's
      io: { echo: (line) => ctx.log.info(`  ${line.replace(/^\S+ (info|warn|error) /, '')}`), progress: process.stderr },
      onStart: (model, seed, i, total) => ctx.log.info(`training ${i + 1}/${total}: ${model.id} (${model.experiment}, seed ${seed})`),
    });
    return trained.map((t) => ({
      id: config.seeds > 1 ? `${t.model.id}-seed${t.seed}` : t.model.id,
      label: config.seeds > 1 ? `${t.model.label}, seed ${t.seed}` : t.model.label,
      project: t.model.experiment.split(':')[0],
      source: t.run.id,
      file: t.file,
      model: { id: t.model.id, label: t.model.label },
    }));
  } finally {
    store.close();
  }
}

/** One row per headline model: the mean over its seeds' rows. */
function meansOverSeeds(entries: readonly ScoringEntry[], scores: readonly ModelScore[]): ModelScore[] {
  const groups = new Map<string, { label: string; scores: ModelScore[] }>();
  entries.forEach((entry, i) => {
    const key = entry.model?.id ?? entry.id;
    const group = groups.get(key) ?? { label: entry.model?.label ?? entry.label, scores: [] };
    group.scores.push(scores[i]);
    groups.set(key, group);
  });
  return [...groups].map(([id, g]) => aggregateSeedScores(id, g.label, g.scores));
}

/**
 * The cross-project leaderboard: trains each project's headline models through the runner (or
 * takes the ONNX files given in `models`), copies every file into this run, and scores each only
 * through onnxruntime-node on identical data; writes leaderboard.json, leaderboard.md and a
 * self-contained leaderboard.html, and prints the table.
 */
export const leaderboard = defineExperiment({
  name: 'leaderboard',
  description: "Trains the projects' headline models, exports them to ONNX and scores them all through onnxruntime-node on identical data (accuracy, NLL, ECE, Brier, rotation, OOD, cost, speed).",
  schema,
  profiles: { quick: { seeds: 1 }, full: { seeds: 5 } },
  run: async (ctx) => {
    const config = ctx.config;
    const data = benchmarkData({ rotations: config.rotations, ...(config.limit > 0 ? { limit: config.limit } : {}) });
    const entries = await entriesToScore(ctx);
    const scores: ModelScore[] = [];
    ctx.progress.start(entries.length, 'score');
    for (const [i, entry] of entries.entries()) {
      const onnxFile = `models/${entry.id}.onnx`;
      fs.mkdirSync(path.dirname(ctx.artifacts.path(onnxFile)), { recursive: true });
      ctx.artifacts.write(onnxFile, fs.readFileSync(entry.file));
      ctx.log.info(`scoring ${i + 1}/${entries.length}: ${entry.id}`);
      const { model: _group, ...fileEntry } = entry;
      scores.push(
        await scoreModel({ ...fileEntry, onnxFile }, data, {
          energy: config.energy,
          ...(config.threads > 0 ? { threads: config.threads } : {}),
          speed: { latencyRuns: config.latencyRuns, throughputBatch: Math.min(config.throughputBatch, data.test.count), throughputRuns: config.throughputRuns },
        }),
      );
      ctx.progress.update(i + 1);
    }
    const board: Leaderboard = {
      profile: config.models.length > 0 ? 'models' : ctx.profile,
      createdAt: new Date().toISOString(),
      command: leaderboardCommand(ctx),
      runId: ctx.runId,
      machine: machine(),
      versions: versions(),
      data: { test: data.test.name, testImages: data.test.count, ood: data.ood.name, oodImages: data.ood.count, rotations: [...data.rotations] },
      ...(config.seeds > 1 && config.models.length === 0 ? { models: meansOverSeeds(entries, scores), seedScores: scores } : { models: scores }),
    };
    ctx.artifacts.write('leaderboard.json', `${JSON.stringify(board, null, 1)}\n`);
    ctx.artifacts.write('leaderboard.md', leaderboardMarkdown(board));
    ctx.artifacts.write('leaderboard.html', leaderboardHtml(board));
    ctx.log.info(`\n${leaderboardTable(board, { maxWidth: Math.max(100, process.stderr.columns ?? 160) })}\nreport: ${ctx.artifacts.path('leaderboard.html')}`);
    const summary: Record<string, number> = {};
    for (const s of board.models) {
      summary[`${s.id}/accuracy`] = s.test.accuracy;
      summary[`${s.id}/ece`] = s.test.ece;
      summary[`${s.id}/ood_auroc`] = s.oodAuroc;
      if (s.cost.energyNanojoulesPerSample !== null) summary[`${s.id}/energy_nj`] = s.cost.energyNanojoulesPerSample;
    }
    return summary;
  },
});
