// The cross-project speed suite: runs every speed bench of the workspace as a child process, one after
// the other (never two at once: the machine has 2 cores and they would measure each other), takes the
// JSON document each prints, and prints ONE JSON document built from them to stdout. Progress, the
// Markdown table and the failures go to stderr, so `... > perf.json` keeps a clean document.
// A bench that fails does not stop the suite; the suite exits 1 at the end if any failed.
//   npx nx run benchmarks:perf                 (~10-20 min; REFERENCE_PYTHON / REFERENCE_DIR for PyTorch)
//   npx nx run benchmarks:perf -- --quick      (smoke run, ~2 min)
//   npx nx run benchmarks:perf -- --help       (all options, each bench's default and quick arguments)
// Everything but this wiring is in src/perf/, with tests: JSON extraction, the per-bench adapters,
// the document, the table, the child-process runner.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PERF_BENCHES, benchEnvOverrides, type BenchSpec } from '../src/perf/perf-benches';
import { PerfUsageError, parsePerfOptions, perfUsage, referenceEnvProblem, type PerfOptions } from '../src/perf/perf-options';
import { perfSuiteDocument, readBenchRun, type BenchReport, type BenchRun } from '../src/perf/perf-report';
import { perfMarkdownTable } from '../src/perf/perf-table';
import { runProcess } from '../src/perf/run-process';

const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..', '..');
const REGISTER = path.join(WORKSPACE_ROOT, 'tools', 'ts', 'register.cjs');

function log(message: string): void {
  process.stderr.write(`[perf] ${message}\n`);
}

const loadAverage = () => os.loadavg().map((l) => Number(l.toFixed(2)));

/** Runs one bench the way its Nx target does (same flags, in its project directory) and collects its output. */
async function runBench(spec: BenchSpec, options: PerfOptions): Promise<BenchRun> {
  const args = options.benchArgs[spec.project] ?? [...spec.args[options.mode]];
  const envOverrides = benchEnvOverrides(spec, options.mode, process.env);
  const result = await runProcess({
    executable: process.execPath,
    argv: ['--conditions=@cristal/source', '-r', REGISTER, spec.script, ...args],
    cwd: path.join(WORKSPACE_ROOT, spec.projectRoot),
    env: { ...process.env, ...envOverrides },
    timeoutMs: options.timeoutMinutes * 60_000,
  });
  return {
    spec,
    args,
    envOverrides,
    // as it would be typed in the project directory
    command: [...Object.entries(envOverrides).map(([k, v]) => `${k}=${v}`), 'node --conditions=@cristal/source -r ../../tools/ts/register.cjs', spec.script, ...args].join(' '),
    exitCode: result.exitCode,
    signal: result.signal,
    timedOutAfterMinutes: result.timedOut ? options.timeoutMinutes : null,
    seconds: result.seconds,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

async function main(): Promise<number> {
  let options: PerfOptions;
  try {
    options = parsePerfOptions(process.argv.slice(2), PERF_BENCHES);
  } catch (error) {
    if (!(error instanceof PerfUsageError)) throw error;
    log(error.message);
    return 2;
  }
  if (options.help) {
    process.stderr.write(`${perfUsage(PERF_BENCHES)}\n`);
    return 0;
  }
  const envProblem = referenceEnvProblem(process.env);
  if (envProblem) {
    log(envProblem);
    return 2;
  }

  const startedAt = new Date();
  const loadAtStart = loadAverage();
  const benches = PERF_BENCHES.filter((b) => options.projects.includes(b.project));
  log(`${options.mode} mode, ${benches.length} benches one after the other; load average ${loadAtStart.join(' ')}`);
  const reports: BenchReport[] = [];
  for (const [i, spec] of benches.entries()) {
    log(`${i + 1}/${benches.length} ${spec.target}: ${spec.script} ${(options.benchArgs[spec.project] ?? spec.args[options.mode]).join(' ')}`);
    const report = readBenchRun(await runBench(spec, options));
    reports.push(report);
    if (report.status === 'ok') {
      log(`${i + 1}/${benches.length} ${spec.target}: ok in ${report.seconds} s, ${report.workloads.length} workloads`);
    } else {
      log(`${i + 1}/${benches.length} ${spec.target}: FAILED after ${report.seconds} s: ${report.failure?.reason}`);
      for (const line of report.failure?.stderrTail ?? []) log(`    ${line}`);
    }
  }
  const cpus = os.cpus();
  const document = perfSuiteDocument(
    {
      mode: options.mode,
      startedAt,
      finishedAt: new Date(),
      machine: {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        platform: `${process.platform}-${process.arch}`,
        loadAverage: { start: loadAtStart, end: loadAverage() },
      },
      node: process.version,
      env: process.env,
    },
    reports,
  );
  const json = JSON.stringify(document, null, 2);
  process.stdout.write(`${json}\n`);
  if (options.out) {
    fs.writeFileSync(options.out, `${json}\n`);
    log(`JSON also written to ${path.resolve(options.out)}`);
  }
  // The table after the JSON, on stderr: readable in the terminal, out of the way of `> perf.json`.
  process.stderr.write(`\n---- speed suite: Markdown summary (stderr) ----\n\n${perfMarkdownTable(document.benches)}\n`);
  if (document.failed.length) {
    log(`${document.failed.length} of ${reports.length} benches failed: ${document.failed.join(', ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
