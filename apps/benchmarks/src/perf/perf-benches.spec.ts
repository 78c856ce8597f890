// The suite runs each bench the way its Nx target does: these checks read the projects' package.json
// files, so a renamed bench script or target fails here rather than 10 minutes into a run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PERF_BENCHES, benchEnvOverrides } from './perf-benches';

const workspaceRoot = path.resolve(__dirname, '..', '..', '..', '..');

interface ProjectPackage {
  nx: { name: string; targets: Record<string, { command: string; options: { cwd: string } }> };
}

describe('PERF_BENCHES', () => {
  it.each(PERF_BENCHES.map((b) => [b.target, b] as const))('%s runs the script its Nx target runs, in its project directory', (_target, bench) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(workspaceRoot, bench.projectRoot, 'package.json'), 'utf8')) as ProjectPackage;
    const [project, targetName] = bench.target.split(':');
    expect(pkg.nx.name).toBe(project);
    expect(bench.project).toBe(project);
    const target = pkg.nx.targets[targetName];
    expect(target.options.cwd).toBe('{projectRoot}');
    expect(target.command).toBe(`node --conditions=@cristal/source -r ../../tools/ts/register.cjs ${bench.script}`);
    expect(fs.existsSync(path.join(workspaceRoot, bench.projectRoot, bench.script))).toBe(true);
  });

  it('covers every bench once', () => {
    expect(PERF_BENCHES.map((b) => b.target)).toEqual([
      'spiking:bench',
      'bayesian:bench',
      'predictive-coding:bench',
      'spiking-hopfield:bench',
      'benchmarks:bench-onnx',
      'datasets:bench',
      'tensor:bench',
    ]);
  });

  it('gives the quick mode no more arguments than the default mode (the same positions, smaller numbers)', () => {
    for (const bench of PERF_BENCHES) {
      expect(bench.args.quick.length).toBe(bench.args.default.length);
      bench.args.quick.forEach((arg, i) => {
        const quick = arg.split(',').map(Number);
        const full = bench.args.default[i].split(',').map(Number);
        expect(quick.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
        expect(Math.max(...quick)).toBeLessThanOrEqual(Math.max(...full));
      });
    }
  });

  it('sets a mode variable only when the caller has not set it', () => {
    const spiking = PERF_BENCHES.find((b) => b.project === 'spiking');
    if (!spiking) throw new Error('no spiking bench');
    expect(benchEnvOverrides(spiking, 'quick', {})).toEqual({ REFERENCE_RUNS: '1' });
    expect(benchEnvOverrides(spiking, 'quick', { REFERENCE_RUNS: '5' })).toEqual({});
    expect(benchEnvOverrides(spiking, 'default', {})).toEqual({});
  });
});
