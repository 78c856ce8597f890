// npm 11 runs a dependency's install script unless package.json#allowScripts denies it, warning when
// the script is unreviewed. Every script-bearing dependency must be decided explicitly, and the two
// that download from hosts these machines cannot reach must stay denied.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const workspaceRoot = path.resolve(__dirname, '..', '..');

describe('install scripts', () => {
  it('leaves no dependency install script unreviewed', () => {
    const r = spawnSync('npm', ['install-scripts', 'ls', '--json'], { cwd: workspaceRoot, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).allowScripts).toEqual([]);
  });

  it('denies the downloads of tfjs-node and onnxruntime-node; the postinstall provisions instead', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(workspaceRoot, 'package.json'), 'utf8'));
    expect(pkg.allowScripts['@tensorflow/tfjs-node']).toBe(false);
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
    expect(pkg.scripts.postinstall).toBe('node tools/provision-tfjs/cli.cjs && node tools/native/build-addons.cjs');
  });
});
