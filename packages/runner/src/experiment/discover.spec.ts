import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findWorkspaceRoot, workspacePackages, workspaceSources } from './discover';

/** A workspace laid out like ours: apps/* and packages/*, linked into node_modules as npm does. */
function fixtureWorkspace(demoIndex = "exports.experiments = [{ name: 'hello', description: 'says hello', run: async () => ({}) }];\n"): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-discover-'));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  write('package.json', JSON.stringify({ name: 'fixture', private: true, workspaces: ['packages/*', 'apps/*'] }));
  write('apps/demo/package.json', JSON.stringify({ name: '@fixture/demo', main: 'index.js', nx: { name: 'demo', tags: ['type:app'] } }));
  write('apps/demo/index.js', demoIndex);
  write('packages/lib/package.json', JSON.stringify({ name: '@fixture/lib', main: 'index.js', nx: { name: 'lib', tags: ['type:lib'] } }));
  write('packages/lib/index.js', "exports.experiments = [{ name: 'not-an-app', run: async () => ({}) }];\n");
  fs.mkdirSync(path.join(root, 'node_modules', '@fixture'), { recursive: true });
  fs.symlinkSync(path.join(root, 'apps', 'demo'), path.join(root, 'node_modules', '@fixture', 'demo'));
  fs.symlinkSync(path.join(root, 'packages', 'lib'), path.join(root, 'node_modules', '@fixture', 'lib'));
  return root;
}

describe('experiment discovery', () => {
  const root = fixtureWorkspace();
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('finds the workspace root from any folder inside it', () => {
    expect(findWorkspaceRoot(path.join(root, 'apps', 'demo'))).toBe(root);
  });

  it("loads the experiments every app exports, by the app's package name, and ignores libraries", () => {
    expect(workspacePackages(root).map((p) => p.project).sort()).toEqual(['demo', 'lib']);
    const sources = workspaceSources(root);
    expect(sources.map((s) => s.project)).toEqual(['demo']);
    expect(sources[0].load().map((e) => e.name)).toEqual(['hello']);
  });

  it('rejects an app whose experiments are not experiments', () => {
    const broken = fixtureWorkspace('exports.experiments = [42];\n');
    try {
      expect(() => workspaceSources(broken)[0].load()).toThrow('@fixture/demo: `experiments` must be an array or record of defineExperiment(...) results.');
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });
});
