#!/usr/bin/env node
import { UsageError } from '../config/config-error';
import { StoreError } from '../store/store-error';
import type { CliIo } from './cli-io';
import { compareCommand } from './commands/compare-command';
import { listCommand, runsCommand, showCommand } from './commands/query-commands';
import { reportCommand } from './commands/report-command';
import { resumeCommand, runCommand } from './commands/run-command';
import { sweepCommand } from './commands/sweep-command';

const HELP = `lab: run, track and compare experiments

  lab list [--verbose] [--json]
  lab run <project>:<experiment> [--profile quick|full] [--config FILE] [--set k=v ...] [--seed N] [--name TEXT] [--tag T ...] [--json]
  lab runs [--project P] [--experiment E] [--status S] [--sweep ID] [--json]
  lab show <run-id> [--json]
  lab resume <run-id> [--json]
  lab sweep <project>:<experiment> --grid key=v1,v2 ... [--seeds 0..4] [--parallel P] [--launcher local|slurm] [--profile P] [--set k=v ...]
  lab compare <run-id|sweep-id> ... [--json]
  lab report [--out DIR] [--project P] [--experiment E]

Store: $LAB_HOME (default .lab/ at the workspace root). Exit codes: 0 ok, 1 run failed or diverged,
2 bad input (nothing written), 130 interrupted.
`;

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  list: listCommand,
  run: runCommand,
  runs: runsCommand,
  show: showCommand,
  resume: resumeCommand,
  sweep: sweepCommand,
  compare: compareCommand,
  report: reportCommand,
};

/** The whole CLI as a function of its arguments and IO: returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.out(HELP);
    return command ? 0 : 2;
  }
  const handler = COMMANDS[command];
  try {
    if (!handler) throw new UsageError(`Unknown command "${command}".\n${HELP}`);
    return await handler(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`lab ${command}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof StoreError) {
      io.err(`lab ${command}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

export function processIo(): CliIo {
  // Re-running this CLI for sweep jobs keeps Node's flags (conditions, the TypeScript hook).
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    self: [process.execPath, ...process.execArgv, process.argv[1]],
    isTTY: Boolean(process.stderr.isTTY),
  };
}

if (require.main === module) {
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`lab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
