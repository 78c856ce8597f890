import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { integerOption, listOption, parseArgs, stringOption } from '../args';
import { UsageError } from '../../config/config-error';
import type { ProfileName } from '../../experiment/define-experiment';
import { runLocalPool } from '../../launchers/local-pool';
import { submitSlurmArray, waitForSlurm } from '../../launchers/slurm';
import { expandGrid, parseGrid, parseSeeds } from '../../launchers/sweep-plan';
import { prepareRun } from '../../run/execute-run';
import { openStore, registryFor, type CliIo } from '../cli-io';
import { printComparison } from './compare-command';

export async function sweepCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    grid: { kind: 'list' },
    seeds: { kind: 'string' },
    parallel: { kind: 'string' },
    launcher: { kind: 'string' },
    profile: { kind: 'string' },
    set: { kind: 'list' },
    partition: { kind: 'string' },
    time: { kind: 'string' },
    cpus: { kind: 'string' },
    mem: { kind: 'string' },
  });
  if (args.positional.length !== 1) throw new UsageError('Usage: lab sweep <project>:<experiment> --grid key=v1,v2 ... [--seeds 0..4] [--parallel P] [--launcher local|slurm] [--partition P] [--time T] [--cpus N] [--mem M]');
  const qualified = args.positional[0];
  const launcher = stringOption(args, 'launcher') ?? 'local';
  if (launcher !== 'local' && launcher !== 'slurm') throw new UsageError(`--launcher must be local or slurm, got "${launcher}".`);
  const parallel = integerOption(args, 'parallel') ?? 1;
  if (parallel < 1) throw new UsageError('--parallel must be at least 1.');
  const profile = (stringOption(args, 'profile') ?? 'quick') as ProfileName;
  const base = listOption(args, 'set');
  const jobs = expandGrid(parseGrid(listOption(args, 'grid')), parseSeeds(stringOption(args, 'seeds') ?? '0'));
  // Every job's config is validated here, so a typo in one grid value fails the sweep before any run.
  const registry = registryFor(io);
  for (const job of jobs) prepareRun(registry, { qualified, profile, overrides: [...base, ...job.overrides], seed: job.seed });
  const store = openStore(io);
  const id = `sweep-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  const [project, experiment] = qualified.split(':');
  store.createSweep({ id, project, experiment, spec: { grid: listOption(args, 'grid'), set: base, seeds: jobs.map((j) => j.seed), profile, parallel }, launcher, createdAt: new Date().toISOString() });
  const dir = path.join(store.home, 'sweeps', id);
  fs.mkdirSync(dir, { recursive: true });
  const commands = jobs.map((job) => [
    ...io.self,
    'run',
    qualified,
    '--profile',
    profile,
    ...[...base, ...job.overrides].flatMap((o) => ['--set', o]),
    '--seed',
    String(job.seed),
    '--sweep-id',
    id,
  ]);
  io.err(`sweep ${id}: ${jobs.length} jobs, ${launcher} launcher, ${parallel} at a time; logs in ${dir}\n`);
  let failed = 0;
  if (launcher === 'local') {
    const results = await runLocalPool(commands, parallel, (i) => path.join(dir, `job-${i}.log`), io.env);
    failed = results.filter((r) => r.exitCode !== 0).length;
  } else {
    const env: Record<string, string> = { LAB_HOME: store.home };
    if (io.env['LAB_EXPERIMENT_MODULES']) env['LAB_EXPERIMENT_MODULES'] = io.env['LAB_EXPERIMENT_MODULES'];
    const cpus = integerOption(args, 'cpus');
    const resources = { partition: stringOption(args, 'partition'), time: stringOption(args, 'time'), cpusPerTask: cpus, mem: stringOption(args, 'mem') };
    const submission = submitSlurmArray(dir, commands, parallel, id, env, resources);
    io.err(`submitted Slurm array job ${submission.jobId}\n`);
    await waitForSlurm(submission.jobId);
  }
  const runs = store.listRuns({ sweepId: id });
  store.close();
  if (launcher === 'slurm' && runs.filter((r) => r.status === 'finished').length < jobs.length) {
    // A job that died before or outside the runner leaves no run record: its log is the only witness.
    for (let i = 0; i < jobs.length; i++) {
      const log = path.join(dir, `job-${i}.log`);
      const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').slice(-5).join('\n  ') : '(no log)';
      io.err(`job ${i} log (${log}):\n  ${tail}\n`);
    }
  }
  io.out(`sweep ${id}: ${runs.filter((r) => r.status === 'finished').length}/${jobs.length} runs finished\n`);
  printComparison(io, runs);
  return failed > 0 || runs.length < jobs.length ? 1 : 0;
}
