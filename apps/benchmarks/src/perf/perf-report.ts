// Turns what each bench process did (exit status, stdout, stderr) into the suite's one JSON document.
// A bench that failed, printed no JSON, or printed JSON its adapter cannot read becomes a failure entry
// with the reason and the end of its stderr; the others become workload rows beside their raw JSON.
import { extractLastJsonObject } from './extract-json';
import type { BenchSpec, SuiteMode } from './perf-benches';
import { RATIO_DEFINITION, type WorkloadRow } from './workload-row';

/** How many of a failed bench's last stderr lines the report keeps. */
export const STDERR_TAIL_LINES = 20;

/** What running one bench produced (bench/perf-suite.ts fills it in). */
export interface BenchRun {
  spec: BenchSpec;
  args: string[];
  /** Variables the suite set for this bench (on top of its own environment). */
  envOverrides: Record<string, string>;
  /** The command, as it would be typed in the project directory. */
  command: string;
  exitCode: number | null;
  signal: string | null;
  /** The suite stopped the bench after this many minutes; null when it ended by itself. */
  timedOutAfterMinutes: number | null;
  seconds: number;
  stdout: string;
  stderr: string;
}

export interface BenchReport {
  project: string;
  target: string;
  cwd: string;
  command: string;
  args: string[];
  envOverrides: Record<string, string>;
  status: 'ok' | 'failed';
  exitCode: number | null;
  signal: string | null;
  seconds: number;
  workloads: WorkloadRow[];
  /** The bench's JSON document as printed; null when there was none. */
  raw: Record<string, unknown> | null;
  failure: { reason: string; stderrTail: string[] } | null;
  /** Internal: what the adapter found besides rows (summarised at the document's top level). */
  referenceOutputs: string[];
  versions: Record<string, string>;
}

function tail(text: string, count: number): string[] {
  const trimmed = text.trimEnd();
  return trimmed === '' ? [] : trimmed.split('\n').slice(-count);
}

/** Reads one bench run: its JSON, through its adapter, or why that failed. */
export function readBenchRun(run: BenchRun): BenchReport {
  const base = {
    project: run.spec.project,
    target: run.spec.target,
    cwd: run.spec.projectRoot,
    command: run.command,
    args: run.args,
    envOverrides: run.envOverrides,
    exitCode: run.exitCode,
    signal: run.signal,
    seconds: run.seconds,
  };
  const failed = (reason: string, raw: Record<string, unknown> | null): BenchReport => ({
    ...base,
    status: 'failed',
    workloads: [],
    raw,
    failure: { reason, stderrTail: tail(run.stderr, STDERR_TAIL_LINES) },
    referenceOutputs: [],
    versions: {},
  });
  let raw: Record<string, unknown> | null = null;
  let jsonProblem: string | null = null;
  try {
    raw = extractLastJsonObject(run.stdout);
  } catch (error) {
    jsonProblem = (error as Error).message;
  }
  if (run.timedOutAfterMinutes !== null) return failed(`stopped after ${run.timedOutAfterMinutes} min (--timeout-min); signal ${run.signal ?? 'none'}`, raw);
  if (run.exitCode !== 0) return failed(run.exitCode === null ? `killed by signal ${run.signal ?? 'unknown'}` : `exited with code ${run.exitCode}`, raw);
  if (raw === null) return failed(`exited with code 0 but ${jsonProblem}`, null);
  try {
    const reading = run.spec.adapter(raw);
    return { ...base, status: 'ok', workloads: reading.rows, raw, failure: null, referenceOutputs: reading.referenceOutputs, versions: reading.versions };
  } catch (error) {
    return failed((error as Error).message, raw);
  }
}

export interface SuiteMachine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  platform: string;
  loadAverage: { start: number[]; end: number[] };
}

export interface PerfSuiteDocument {
  suite: 'benchmarks:perf';
  mode: SuiteMode;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: SuiteMachine;
  node: string;
  /** The TF.js backend and versions as the benches reported them (backendInfo()), grouped by identical value. */
  tfjs: { backend: unknown; benches: string[] }[];
  onnxruntimeNode: string | null;
  reference: {
    REFERENCE_DIR: string | null;
    REFERENCE_PYTHON: string | null;
    /** 'torch <version> threads=<n>' as the reference scripts printed it. */
    torch: string[];
  };
  ratioDefinition: string;
  /** Projects whose bench failed; the suite exits non-zero when there is any. */
  failed: string[];
  benches: Omit<BenchReport, 'referenceOutputs' | 'versions'>[];
}

export interface SuiteContext {
  mode: SuiteMode;
  startedAt: Date;
  finishedAt: Date;
  machine: SuiteMachine;
  node: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** Groups equal values (compared as JSON) with the projects that reported them, in first-seen order. */
function groupByValue(entries: { project: string; value: unknown }[]): { backend: unknown; benches: string[] }[] {
  const groups = new Map<string, { backend: unknown; benches: string[] }>();
  for (const { project, value } of entries) {
    const key = JSON.stringify(value);
    const group = groups.get(key) ?? { backend: value, benches: [] };
    group.benches.push(project);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export function perfSuiteDocument(context: SuiteContext, reports: readonly BenchReport[]): PerfSuiteDocument {
  const torch = new Set<string>();
  for (const r of reports) {
    for (const line of r.referenceOutputs) {
      const version = /^torch \S+ threads=\d+/.exec(line);
      if (version) torch.add(version[0]);
    }
  }
  return {
    suite: 'benchmarks:perf',
    mode: context.mode,
    startedAt: context.startedAt.toISOString(),
    finishedAt: context.finishedAt.toISOString(),
    durationSeconds: Math.round((context.finishedAt.getTime() - context.startedAt.getTime()) / 100) / 10,
    machine: context.machine,
    node: context.node,
    tfjs: groupByValue(reports.filter((r) => r.raw !== null && 'backend' in r.raw).map((r) => ({ project: r.project, value: r.raw?.backend }))),
    onnxruntimeNode: reports.map((r) => r.versions.onnxruntimeNode).find((v) => v !== undefined) ?? null,
    reference: {
      REFERENCE_DIR: context.env.REFERENCE_DIR ?? null,
      REFERENCE_PYTHON: context.env.REFERENCE_PYTHON ?? null,
      torch: [...torch],
    },
    ratioDefinition: RATIO_DEFINITION,
    failed: reports.filter((r) => r.status === 'failed').map((r) => r.project),
    benches: reports.map(({ referenceOutputs: _outputs, versions: _versions, ...report }) => report),
  };
}
