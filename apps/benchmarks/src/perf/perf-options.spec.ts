import { PERF_BENCHES } from './perf-benches';
import { PerfUsageError, parsePerfOptions, perfUsage, referenceEnvProblem } from './perf-options';

const parse = (...argv: string[]) => parsePerfOptions(argv, PERF_BENCHES);
const ALL = ['spiking', 'bayesian', 'predictive-coding', 'spiking-hopfield', 'benchmarks', 'datasets', 'tensor'];

describe('parsePerfOptions', () => {
  it('runs every bench with the default arguments by default', () => {
    expect(parse()).toEqual({ mode: 'default', projects: ALL, benchArgs: {}, timeoutMinutes: 30, out: null, help: false });
  });

  it('--quick selects the quick arguments and a shorter timeout', () => {
    expect(parse('--quick')).toMatchObject({ mode: 'quick', timeoutMinutes: 10 });
    expect(parse('--quick', '--timeout-min', '3')).toMatchObject({ mode: 'quick', timeoutMinutes: 3 });
  });

  it('--only keeps the suite order whatever order it lists', () => {
    expect(parse('--only', 'tensor, spiking').projects).toEqual(['spiking', 'tensor']);
    expect(parse('--only=datasets').projects).toEqual(['datasets']);
  });

  it('--bench-args replaces one bench\'s arguments, in either option form', () => {
    expect(parse('--bench-args', 'spiking=128 20', '--bench-args=tensor=50').benchArgs).toEqual({ spiking: ['128', '20'], tensor: ['50'] });
  });

  it('--out names a file for the JSON', () => {
    expect(parse('--out', 'perf.json').out).toBe('perf.json');
  });

  it('names the valid choices when an argument is wrong', () => {
    expect(() => parse('--only', 'spiking,hopfield')).toThrow(PerfUsageError);
    expect(() => parse('--only', 'spiking,hopfield')).toThrow('--only: "hopfield" is not one of the suite\'s projects: spiking, bayesian, predictive-coding, spiking-hopfield, benchmarks, datasets, tensor.');
    expect(() => parse('--bench-args', '128 20')).toThrow('--bench-args takes "<project>=<arguments>", e.g. --bench-args "spiking=128 20"; got "128 20".');
    expect(() => parse('--timeout-min', 'soon')).toThrow('--timeout-min takes a number of minutes above 0 and at most 1440; got "soon".');
    expect(() => parse('--timeout-min', '1e9')).toThrow(PerfUsageError);
    expect(() => parse('--only')).toThrow('--only needs a value.');
    expect(() => parse('--fast')).toThrow(/unknown argument "--fast"\.\nUsage: npx nx run benchmarks:perf/);
  });

  it('lists each bench with its default and quick arguments in the usage', () => {
    const usage = perfUsage(PERF_BENCHES);
    expect(usage).toContain('REFERENCE_PYTHON');
    expect(usage).toContain('REFERENCE_DIR');
    expect(usage).toContain('benchmarks        benchmarks:bench-onnx [repetitions at batch 1] [repetitions at batch 256]');
    expect(usage).toMatch(/spiking {11}spiking:bench \[batch sizes, comma-separated\] \[measured steps\].*\n {20}default: 32,128,512 100 {3}quick: 128 5/);
  });
});

describe('referenceEnvProblem', () => {
  it('accepts an unset or absolute REFERENCE_DIR', () => {
    expect(referenceEnvProblem({})).toBeNull();
    expect(referenceEnvProblem({ REFERENCE_DIR: '/work/shared/reference' })).toBeNull();
  });

  it('refuses a relative REFERENCE_DIR, since each bench runs in another directory', () => {
    expect(referenceEnvProblem({ REFERENCE_DIR: '../shared/reference' })).toMatch(/^REFERENCE_DIR=\.\.\/shared\/reference is a relative path, .*give an absolute path, e\.g\. REFERENCE_DIR=\//);
  });
});
