import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const { provision, checkLibDir, atomicDir, findTfjsNode, cacheRoot } = require('./provision.cjs');

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'provision-spec-'));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('native TensorFlow backend', () => {
  const escapeHatch = process.env.CRISTAL_BACKEND === 'cpu';
  if (escapeHatch) {
    console.warn('CRISTAL_BACKEND=cpu: the native TensorFlow check is skipped; numbers from this machine are from the pure-JS backend.');
  }
  (escapeHatch ? it.skip : it)('loads @tensorflow/tfjs-node with the native binding and runs ops on it', () => {
    // A child process: a broken native library must fail this test, not crash the Jest worker.
    const script = `
      const tf = require('@tensorflow/tfjs-node');
      const a = tf.tensor2d([[1, 2], [3, 4]]);
      const b = tf.matMul(a, a);
      console.log(JSON.stringify({ backend: tf.getBackend(), tensorflow: tf.backend().binding.TF_Version, values: Array.from(b.dataSync()) }));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
    if (r.status !== 0) {
      throw new Error(`tfjs-node failed to load; run \`npm run provision:tfjs\` and read its message.\n${r.stderr}`);
    }
    const report = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    expect(report.backend).toBe('tensorflow');
    expect(report.tensorflow).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.values).toEqual([7, 10, 15, 22]);
  });
});

describe('provisioning', () => {
  it('names every missing piece of a libtensorflow directory', () => {
    const dir = tmpDir();
    expect(checkLibDir(dir)).toEqual([
      'missing lib/libtensorflow.so',
      'missing lib/libtensorflow_framework.so',
      'missing include/tensorflow/c/c_api.h',
      'missing include/tensorflow/c/eager/c_api.h',
    ]);
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(path.join(dir, 'lib', 'libtensorflow.so'), '');
    expect(checkLibDir(dir)).not.toContain('missing lib/libtensorflow.so');
  });

  it('reports a bad LIBTENSORFLOW_DIR without touching the installed binding', () => {
    const tfjs = findTfjsNode();
    const before = fs.existsSync(tfjs.bindingFile) ? fs.statSync(tfjs.bindingFile).mtimeMs : null;
    const bad = tmpDir();
    const result = provision({ ...process.env, LIBTENSORFLOW_DIR: bad, CRISTAL_CACHE_DIR: tmpDir() });
    expect(result.ok).toBe(false);
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0].source).toBe('LIBTENSORFLOW_DIR');
    expect(result.attempts[0].detail).toContain(`LIBTENSORFLOW_DIR=${bad} is not a libtensorflow directory`);
    expect(result.attempts[0].detail).toContain('missing include/tensorflow/c/c_api.h');
    const after = fs.existsSync(tfjs.bindingFile) ? fs.statSync(tfjs.bindingFile).mtimeMs : null;
    expect(after).toBe(before);
  });

  it('writes cache directories atomically: a failure leaves nothing behind', () => {
    const parent = tmpDir();
    const target = path.join(parent, '9.9.9');
    expect(() =>
      atomicDir(target, (tmp: string) => {
        fs.writeFileSync(path.join(tmp, 'half-written'), 'x');
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(fs.readdirSync(parent)).toEqual([]);
    atomicDir(target, (tmp: string) => fs.writeFileSync(path.join(tmp, 'VERSION'), '9.9.9\n'));
    expect(fs.readdirSync(parent)).toEqual(['9.9.9']);
  });

  it('keeps its cache under CRISTAL_CACHE_DIR, else XDG_CACHE_HOME, else ~/.cache', () => {
    expect(cacheRoot({ CRISTAL_CACHE_DIR: '/x/y' })).toBe('/x/y');
    expect(cacheRoot({ XDG_CACHE_HOME: '/c' })).toBe(path.join('/c', 'cristal'));
    expect(cacheRoot({})).toBe(path.join(os.homedir(), '.cache', 'cristal'));
  });
});
