import { PERF_BENCHES, type BenchSpec } from './perf-benches';
import { adamUpdateOutput, benchStdout, bnnTrainingOutput, onnxInferenceOutput, snnTrainingOutput } from './perf-fixtures.test-helpers';
import { perfSuiteDocument, readBenchRun, STDERR_TAIL_LINES, type BenchRun } from './perf-report';

function bench(project: string): BenchSpec {
  const spec = PERF_BENCHES.find((b) => b.project === project);
  if (!spec) throw new Error(`no bench for ${project}`);
  return spec;
}

function run(project: string, overrides: Partial<BenchRun>): BenchRun {
  return {
    spec: bench(project),
    args: ['128', '5'],
    envOverrides: {},
    command: 'node ... bench/x.bench.ts 128 5',
    exitCode: 0,
    signal: null,
    timedOutAfterMinutes: null,
    seconds: 12.3,
    stdout: '',
    stderr: '',
    ...overrides,
  };
}

const manyLines = (n: number) => Array.from({ length: n }, (_, i) => `stderr line ${i + 1}`).join('\n');

describe('readBenchRun', () => {
  it('reads the rows from a noisy stdout and keeps the raw document', () => {
    const raw = snnTrainingOutput();
    const report = readBenchRun(run('spiking', { stdout: benchStdout(raw, { before: ['2026-11-28 I tensorflow/core ...'], after: ['bye'] }), stderr: 'a warning' }));
    expect(report).toMatchObject({ project: 'spiking', target: 'spiking:bench', cwd: 'packages/spiking', status: 'ok', exitCode: 0, failure: null, raw });
    expect(report.workloads).toHaveLength(2);
    expect(report.referenceOutputs).toHaveLength(2);
  });

  it('reports a non-zero exit with the last lines of stderr, and no rows', () => {
    const report = readBenchRun(run('bayesian', { exitCode: 3, stderr: `${manyLines(30)}\n` }));
    expect(report).toMatchObject({ status: 'failed', exitCode: 3, workloads: [], raw: null });
    expect(report.failure?.reason).toBe('exited with code 3');
    expect(report.failure?.stderrTail).toHaveLength(STDERR_TAIL_LINES);
    expect(report.failure?.stderrTail.at(-1)).toBe('stderr line 30');
  });

  it('reports a bench stopped by the timeout or killed by a signal', () => {
    expect(readBenchRun(run('tensor', { exitCode: null, signal: 'SIGTERM', timedOutAfterMinutes: 10 })).failure?.reason).toBe('stopped after 10 min (--timeout-min); signal SIGTERM');
    expect(readBenchRun(run('tensor', { exitCode: null, signal: 'SIGKILL' })).failure?.reason).toBe('killed by signal SIGKILL');
  });

  it('reports a bench that exited 0 without a JSON document', () => {
    const report = readBenchRun(run('tensor', { stdout: 'nothing useful\n' }));
    expect(report.status).toBe('failed');
    expect(report.failure?.reason).toMatch(/^exited with code 0 but no JSON document in the output/);
    expect(report.failure?.stderrTail).toEqual([]);
  });

  it("reports output its adapter cannot read, keeping the raw document", () => {
    const raw = bnnTrainingOutput();
    const report = readBenchRun(run('tensor', { stdout: benchStdout(raw) }));
    expect(report.status).toBe('failed');
    expect(report.failure?.reason).toContain('the JSON printed by the adam-update bench does not have the fields its adapter reads');
    expect(report.raw).toEqual(raw);
  });
});

describe('perfSuiteDocument', () => {
  const context = {
    mode: 'quick' as const,
    startedAt: new Date('2026-11-28T17:20:00Z'),
    finishedAt: new Date('2026-11-28T17:22:05.55Z'),
    machine: { cpus: 2, cpuModel: 'AMD EPYC 9B14', memoryGiB: 24, platform: 'linux-x64', loadAverage: { start: [1, 1, 1], end: [2, 1.5, 1] } },
    node: 'v20.20.2',
    env: { REFERENCE_DIR: '/work/shared/reference' },
  };

  it('summarises backends, versions and failures, and keeps each bench with its rows and raw JSON', () => {
    const otherBackend = { ...adamUpdateOutput(), backend: { ...adamUpdateOutput().backend, backend: 'cpu', native: false, tensorflow: null } };
    const reports = [
      readBenchRun(run('spiking', { stdout: benchStdout(snnTrainingOutput()) })),
      readBenchRun(run('bayesian', { stdout: benchStdout(bnnTrainingOutput()) })),
      readBenchRun(run('benchmarks', { stdout: benchStdout(onnxInferenceOutput()) })),
      readBenchRun(run('tensor', { stdout: benchStdout(otherBackend) })),
      readBenchRun(run('datasets', { exitCode: 1, stderr: 'Error: MNIST not found' })),
    ];
    const document = perfSuiteDocument(context, reports);
    expect(document).toMatchObject({
      suite: 'benchmarks:perf',
      mode: 'quick',
      startedAt: '2026-11-28T17:20:00.000Z',
      durationSeconds: 125.6,
      node: 'v20.20.2',
      onnxruntimeNode: '1.30.0',
      reference: { REFERENCE_DIR: '/work/shared/reference', REFERENCE_PYTHON: null, torch: ['torch 2.13.0+cpu threads=2'] },
      failed: ['datasets'],
    });
    expect(document.ratioDefinition).toMatch(/above 1 means ours is faster/);
    expect(document.tfjs.map((g) => [(g.backend as { backend: string }).backend, g.benches])).toEqual([
      ['tensorflow', ['spiking', 'bayesian', 'benchmarks']],
      ['cpu', ['tensor']],
    ]);
    expect(document.benches.map((b) => [b.project, b.status, b.workloads.length])).toEqual([
      ['spiking', 'ok', 2],
      ['bayesian', 'ok', 1],
      ['benchmarks', 'ok', 4],
      ['tensor', 'ok', 1],
      ['datasets', 'failed', 0],
    ]);
    expect(document.benches[0].raw).toEqual(snnTrainingOutput());
    // what the adapters found besides rows is summarised above, not repeated per bench
    expect(Object.keys(document.benches[0])).not.toContain('referenceOutputs');
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });
});
