import { flag, parseArgs, stringOption } from '../args';
import { UsageError } from '../../config/config-error';
import { describeFields } from '../../config/schema-walk';
import { RUN_STATUSES, type RunStatus } from '../../store/run-record';
import { openStore, registryFor, type CliIo } from '../cli-io';
import { formatNumber, formatTable } from '../table';

export async function listCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { json: { kind: 'flag' }, verbose: { kind: 'flag' } });
  const all = registryFor(io).all();
  if (flag(args, 'json')) {
    io.out(`${JSON.stringify(all.map(({ project, experiment }) => ({ id: `${project}:${experiment.name}`, description: experiment.description, fields: describeFields(experiment.schema) })))}\n`);
    return 0;
  }
  if (all.length === 0) io.out('No experiments found: apps export them as `experiments` from src/index.ts.\n');
  for (const { project, experiment } of all) {
    io.out(`${project}:${experiment.name}  ${experiment.description}\n`);
    if (flag(args, 'verbose')) for (const f of describeFields(experiment.schema)) io.out(`    ${f.path}: ${f.description}\n`);
  }
  return 0;
}

export async function runsCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { project: { kind: 'string' }, experiment: { kind: 'string' }, status: { kind: 'string' }, sweep: { kind: 'string' }, json: { kind: 'flag' } });
  const status = stringOption(args, 'status');
  if (status !== undefined && !RUN_STATUSES.includes(status as RunStatus)) throw new UsageError(`--status must be one of ${RUN_STATUSES.join(', ')}, got "${status}".`);
  const store = openStore(io);
  try {
    const runs = store.listRuns({ project: stringOption(args, 'project'), experiment: stringOption(args, 'experiment'), status: status as RunStatus | undefined, sweepId: stringOption(args, 'sweep') });
    if (flag(args, 'json')) {
      io.out(`${JSON.stringify(runs)}\n`);
      return 0;
    }
    const rows = runs.map((r) => [
      r.id,
      `${r.project}:${r.experiment}`,
      r.profile,
      r.status,
      String(r.seed),
      Object.entries(r.summary ?? {})
        .map(([k, v]) => `${k}=${formatNumber(v)}`)
        .join(' '),
    ]);
    io.out(`${formatTable(['id', 'experiment', 'profile', 'status', 'seed', 'summary'], rows)}\n`);
    return 0;
  } finally {
    store.close();
  }
}

export async function showCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { json: { kind: 'flag' } });
  if (args.positional.length !== 1) throw new UsageError('Usage: lab show <run-id> [--json]');
  const store = openStore(io);
  try {
    const record = store.getRun(args.positional[0]);
    if (!record) throw new UsageError(`No run "${args.positional[0]}" in ${store.file}.`);
    if (flag(args, 'json')) {
      io.out(`${JSON.stringify(record)}\n`);
      return 0;
    }
    const lines = [
      `run        ${record.id}${record.name ? ` (${record.name})` : ''}`,
      `experiment ${record.project}:${record.experiment} (profile ${record.profile})`,
      `status     ${record.status}${record.error ? `: ${record.error.split('\n')[0]}` : ''}`,
      `seed       ${record.seed}`,
      `config     ${record.configHash} ${JSON.stringify(record.config)}`,
      `git        ${record.git.commit ?? 'unknown'}${record.git.dirty ? ' (dirty)' : ''}`,
      `command    ${record.command.join(' ')}`,
      `host       ${record.host}`,
      `backend    ${record.versions.backend ? `${record.versions.backend.backend} (tfjs ${record.versions.backend.tfjs})` : 'unknown'}`,
      `started    ${record.startedAt}`,
      `ended      ${record.endedAt ?? '-'}`,
      `checkpoint ${record.checkpointStep ?? '-'}`,
      `tags       ${record.tags.join(', ') || '-'}`,
      `directory  ${record.runDir}`,
      'summary',
      ...Object.entries(record.summary ?? {}).map(([k, v]) => `  ${k}: ${formatNumber(v)}`),
      'artifacts',
      ...record.artifacts.map((a) => `  ${a.path}  ${a.bytes} bytes  sha256 ${a.sha256}`),
    ];
    io.out(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    store.close();
  }
}
