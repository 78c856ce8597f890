// Command line of the speed suite (`npx nx run benchmarks:perf -- [options]`) and the checks on its
// environment that must hold before a 15-minute run starts.
import * as path from 'node:path';
import type { BenchSpec, SuiteMode } from './perf-benches';

export interface PerfOptions {
  mode: SuiteMode;
  /** Projects whose benches run, in the suite's order; all when not restricted. */
  projects: string[];
  /** Per project, arguments that replace the mode's. */
  benchArgs: Record<string, string[]>;
  /** A bench still running after this many minutes is stopped and reported as failed. */
  timeoutMinutes: number;
  /** Also write the JSON document to this file. */
  out: string | null;
  help: boolean;
}

/** A command line the suite cannot run; the message says what to change. */
export class PerfUsageError extends Error {
  override name = 'PerfUsageError';
}

const DEFAULT_TIMEOUT_MINUTES: Record<SuiteMode, number> = { default: 30, quick: 10 };

export function perfUsage(benches: readonly BenchSpec[]): string {
  return [
    'Usage: npx nx run benchmarks:perf -- [--quick] [--only p1,p2] [--bench-args "<project>=<args>"]... [--timeout-min N] [--out file.json]',
    '  --quick                      smoke run (~2 min): the fewest steps per bench',
    '  --only p1,p2                 run only these projects\' benches',
    '  --bench-args "<project>=a b" replace one bench\'s arguments (space-separated); repeatable',
    '  --timeout-min N              stop a bench after N minutes and report it failed (default 30, quick 10)',
    '  --out file.json              also write the JSON document to this file',
    'Environment: REFERENCE_PYTHON (a Python with torch), REFERENCE_DIR (absolute path of the torch_*.py scripts).',
    'JSON goes to stdout; progress and the Markdown table to stderr.',
    'Benches, with the default and quick arguments:',
    ...benches.map((b) => `  ${b.project.padEnd(17)} ${b.target} ${b.usage}\n${' '.repeat(20)}default: ${b.args.default.join(' ') || '(none)'}   quick: ${b.args.quick.join(' ') || '(none)'}`),
  ].join('\n');
}

export function parsePerfOptions(argv: readonly string[], benches: readonly BenchSpec[]): PerfOptions {
  const known = benches.map((b) => b.project);
  const checkProject = (name: string, option: string): string => {
    if (!known.includes(name)) throw new PerfUsageError(`${option}: "${name}" is not one of the suite's projects: ${known.join(', ')}.`);
    return name;
  };
  let mode: SuiteMode = 'default';
  let only: string[] | null = null;
  const benchArgs: Record<string, string[]> = {};
  let timeoutMinutes: number | null = null;
  let out: string | null = null;
  let help = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // --name=value and --name value are the same
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new PerfUsageError(`${name} needs a value.`);
      return next;
    };
    switch (name) {
      case '--quick':
        mode = 'quick';
        break;
      case '--only':
        only = value()
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)
          .map((p) => checkProject(p, '--only'));
        if (only.length === 0) throw new PerfUsageError(`--only needs at least one project: ${known.join(', ')}.`);
        break;
      case '--bench-args': {
        const spec = value();
        const sep = spec.indexOf('=');
        if (sep <= 0) throw new PerfUsageError(`--bench-args takes "<project>=<arguments>", e.g. --bench-args "spiking=128 20"; got "${spec}".`);
        benchArgs[checkProject(spec.slice(0, sep).trim(), '--bench-args')] = spec.slice(sep + 1).trim().split(/\s+/).filter(Boolean);
        break;
      }
      case '--timeout-min': {
        const text = value();
        const minutes = Number(text);
        // a day at most: beyond ~24 days Node's timers overflow and would fire at once
        if (!(minutes > 0) || minutes > 24 * 60) throw new PerfUsageError(`--timeout-min takes a number of minutes above 0 and at most 1440; got "${text}".`);
        timeoutMinutes = minutes;
        break;
      }
      case '--out':
        out = value();
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        throw new PerfUsageError(`unknown argument "${arg}".\n${perfUsage(benches)}`);
    }
  }
  return {
    mode,
    // the suite's order, whatever order --only lists them in
    projects: known.filter((p) => only === null || only.includes(p)),
    benchArgs,
    timeoutMinutes: timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES[mode],
    out,
    help,
  };
}

/**
 * Why the reference settings cannot work, or null. A relative REFERENCE_DIR is refused: each bench runs
 * in its own project directory, so it would point at a different place for each.
 */
export function referenceEnvProblem(env: Readonly<Record<string, string | undefined>>): string | null {
  const dir = env.REFERENCE_DIR?.trim();
  if (dir && !path.isAbsolute(dir)) {
    return `REFERENCE_DIR=${dir} is a relative path, but every bench runs in its own project directory: give an absolute path, e.g. REFERENCE_DIR=${path.resolve(dir)}.`;
  }
  return null;
}
