// Every workspace package must work from plain Node by its package name once built: the `exports`
// map's default condition points at dist/, which `nx build` fills (tools:test depends on those builds).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const workspaceRoot = path.resolve(__dirname, '..', '..');
const projects = ['packages', 'apps'].flatMap((group) =>
  fs.readdirSync(path.join(workspaceRoot, group)).map((name) => path.join(workspaceRoot, group, name)),
);

describe.each(projects)('%s', (dir) => {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));

  it('declares its public API as src/index.ts and dist/index.js', () => {
    expect(pkg.exports['.']['@cristal/source']).toBe('./src/index.ts');
    expect(pkg.exports['.'].default).toBe('./dist/index.js');
    expect(fs.existsSync(path.join(dir, 'src', 'index.ts'))).toBe(true);
  });

  it('is importable by name from plain Node after the build', () => {
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(pkg.name)})`], { cwd: workspaceRoot, encoding: 'utf8' });
    // TensorFlow writes informational lines to stderr when it loads; only a failure matters.
    expect({ status: r.status, error: /Error|Cannot find/.test(r.stderr) ? r.stderr : null }).toEqual({ status: 0, error: null });
  });
});
