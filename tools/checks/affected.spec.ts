// `npm run affected` must run a touched project and its dependents, nothing else. Nx decides that
// from the project graph; these checks pin the parts of it our layout promises.
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createProjectGraphAsync, type ProjectGraph } from '@nx/devkit';

const workspaceRoot = path.resolve(__dirname, '..', '..');
let graph: ProjectGraph;

function affectedBy(file: string): string[] {
  const nxBin = require.resolve('nx/bin/nx.js');
  const r = spawnSync(process.execPath, [nxBin, 'show', 'projects', '--affected', `--files=${file}`, '--json'], {
    cwd: workspaceRoot,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  if (r.status !== 0) throw new Error(`nx show projects failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as string[]).sort();
}

/** Projects whose dependency closure contains `name`, plus `name`. */
function dependentsOf(name: string): string[] {
  const reaches = (from: string, seen = new Set<string>()): boolean => {
    if (from === name) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    return (graph.dependencies[from] ?? []).some((d) => reaches(d.target, seen));
  };
  return Object.keys(graph.nodes).filter((p) => reaches(p)).sort();
}

beforeAll(async () => {
  graph = await createProjectGraphAsync({ exitOnError: false });
});

describe('affected projects', () => {
  it('a change in a library affects exactly that library and its dependents', () => {
    const affected = affectedBy('packages/tensor/src/index.ts');
    expect(affected).toEqual(dependentsOf('tensor'));
    expect(affected).toContain('tensor');
    expect(affected).toContain('tools'); // its checks build and load every package
  });

  it('a change in an app affects that app and the repository checks only', () => {
    expect(affectedBy('apps/spiking-hopfield/src/index.ts')).toEqual(['spiking-hopfield', 'tools']);
  });
});
