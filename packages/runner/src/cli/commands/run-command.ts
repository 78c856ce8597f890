import { flag, integerOption, listOption, parseArgs, stringOption } from '../args';
import { UsageError } from '../../config/config-error';
import type { ProfileName } from '../../experiment/define-experiment';
import { prepareRun, resumeRun, startRun } from '../../run/execute-run';
import type { RunRecord } from '../../store/run-record';
import { openStore, registryFor, workspaceRoot, type CliIo } from '../cli-io';
import { formatNumber } from '../table';

const EXIT = { finished: 0, failed: 1, diverged: 1, interrupted: 130, running: 1 } as const;

function printResult(io: CliIo, record: RunRecord, json: boolean): number {
  if (json) io.out(`${JSON.stringify(record)}\n`);
  else {
    io.out(`run ${record.id} ${record.status}\n`);
    for (const [k, v] of Object.entries(record.summary ?? {})) io.out(`  ${k}: ${formatNumber(v)}\n`);
    if (record.error) io.out(`  error: ${record.error.split('\n')[0]}\n`);
  }
  return EXIT[record.status];
}

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    profile: { kind: 'string' },
    config: { kind: 'string' },
    set: { kind: 'list' },
    seed: { kind: 'string' },
    name: { kind: 'string' },
    tag: { kind: 'list' },
    json: { kind: 'flag' },
    'sweep-id': { kind: 'string' },
  });
  if (args.positional.length !== 1) throw new UsageError('Usage: lab run <project>:<experiment> [--profile quick|full] [--config FILE] [--set k=v ...] [--seed N] [--name TEXT] [--tag T ...] [--json]');
  // Everything is validated before the store is opened: a bad request writes nothing.
  const prepared = prepareRun(registryFor(io), {
    qualified: args.positional[0],
    profile: stringOption(args, 'profile') as ProfileName | undefined,
    configFile: stringOption(args, 'config'),
    overrides: listOption(args, 'set'),
    seed: integerOption(args, 'seed'),
  });
  const store = openStore(io);
  try {
    const record = await startRun(
      store,
      prepared,
      { name: stringOption(args, 'name'), tags: listOption(args, 'tag'), command: ['lab', 'run', ...argv], sweepId: stringOption(args, 'sweep-id'), workspaceRoot: workspaceRoot(io) },
      { handleSignals: true, echo: (line) => io.err(`${line}\n`) },
    );
    return printResult(io, record, flag(args, 'json'));
  } finally {
    store.close();
  }
}

export async function resumeCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { json: { kind: 'flag' } });
  if (args.positional.length !== 1) throw new UsageError('Usage: lab resume <run-id> [--json]');
  const store = openStore(io);
  try {
    const record = await resumeRun(store, registryFor(io), args.positional[0], ['lab', 'resume', ...argv], { handleSignals: true, echo: (line) => io.err(`${line}\n`) });
    return printResult(io, record, flag(args, 'json'));
  } finally {
    store.close();
  }
}
