import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { backendInfo, requestedBackend, tf } from './backend';

const workspaceRoot = path.resolve(__dirname, '../../../..');

/** Runs code in a fresh Node process that loads our TypeScript sources (see tools/ts/register.cjs). */
function runInChild(code: string, env: NodeJS.ProcessEnv) {
  const args = ['--conditions=@cristal/source', '-r', path.join(workspaceRoot, 'tools/ts/register.cjs'), '-e', code];
  return spawnSync(process.execPath, args, { cwd: workspaceRoot, encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('backend', () => {
  const cpuRequested = process.env.CRISTAL_BACKEND === 'cpu';

  (cpuRequested ? it.skip : it)('computes on native TensorFlow and reports its versions', () => {
    const info = backendInfo();
    expect(info).toMatchObject({ backend: 'tensorflow', native: true, requested: 'native', node: process.versions.node });
    expect(info.tensorflow).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.tfjs).toBe(tf.version['tfjs-core']);
  });

  it('reads CRISTAL_BACKEND strictly', () => {
    expect(requestedBackend({})).toBe('native');
    expect(requestedBackend({ CRISTAL_BACKEND: 'CPU' })).toBe('cpu');
    expect(() => requestedBackend({ CRISTAL_BACKEND: 'gpu' })).toThrow('CRISTAL_BACKEND=gpu is not a backend: use "native" (default) or "cpu".');
  });

  it('falls back to the pure-JS backend only when asked, and says so loudly', () => {
    const r = runInChild("const t = require('@cristal/tensor'); console.log(JSON.stringify(t.backendInfo()));", { CRISTAL_BACKEND: 'cpu' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ backend: 'cpu', native: false, requested: 'cpu', tensorflow: null });
    expect(r.stderr).toContain('CRISTAL_BACKEND=cpu: computing on the pure-JavaScript TF.js backend');
  });
});
