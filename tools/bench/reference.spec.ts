// Where the speed benches find their PyTorch reference (REFERENCE_DIR, REFERENCE_PYTHON), and the
// reasons they print when they cannot run it: every reason must say how to fix it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const { DEFAULT_REFERENCE_DIR, DEFAULT_REFERENCE_PYTHON, referenceDir, findReference, referenceFailure } = require('./reference.cjs');

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reference-spec-'));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A directory with the given reference scripts and a stand-in "python" file (never run here). */
function referenceSetup(scripts: string[]): { dir: string; python: string } {
  const dir = tmpDir();
  for (const name of scripts) fs.writeFileSync(path.join(dir, name), '# stand-in\n');
  const python = path.join(dir, 'python');
  fs.writeFileSync(python, '');
  return { dir, python };
}

describe('reference scripts and interpreter', () => {
  it('defaults to ../shared/reference beside the repository, the path the benches used before REFERENCE_DIR', () => {
    // tools/bench -> repository root -> its parent
    expect(DEFAULT_REFERENCE_DIR).toBe(path.resolve(__dirname, '..', '..', '..', 'shared', 'reference'));
    expect(referenceDir({})).toEqual({ dir: DEFAULT_REFERENCE_DIR, from: 'default' });
    expect(referenceDir({ REFERENCE_DIR: '  ' })).toEqual({ dir: DEFAULT_REFERENCE_DIR, from: 'default' });
  });

  it('takes the scripts from REFERENCE_DIR when it is set', () => {
    const { dir, python } = referenceSetup(['torch_snn.py']);
    expect(findReference('torch_snn.py', { REFERENCE_DIR: dir, REFERENCE_PYTHON: python })).toEqual({ python, script: path.join(dir, 'torch_snn.py') });
  });

  it('resolves a relative REFERENCE_DIR against the current directory', () => {
    expect(referenceDir({ REFERENCE_DIR: 'some/where' })).toEqual({ dir: path.resolve('some/where'), from: 'REFERENCE_DIR' });
  });

  it('skips with both variables named when the script is not in REFERENCE_DIR', () => {
    const { dir, python } = referenceSetup([]);
    const r = findReference('torch_pc.py', { REFERENCE_DIR: dir, REFERENCE_PYTHON: python });
    expect(r.skipped).toContain(`torch_pc.py not found in REFERENCE_DIR=${dir}`);
    expect(r.skipped).toContain('REFERENCE_PYTHON');
  });

  it('skips with both variables named when REFERENCE_PYTHON points at no file', () => {
    const { dir } = referenceSetup(['torch_bnn.py']);
    const r = findReference('torch_bnn.py', { REFERENCE_DIR: dir, REFERENCE_PYTHON: path.join(dir, 'no-such-python') });
    expect(r.skipped).toMatch(/^no reference: REFERENCE_PYTHON=.*no-such-python does not exist/);
    expect(r.skipped).toContain('REFERENCE_DIR');
  });

  it('accepts a bare command name for REFERENCE_PYTHON (spawn looks it up on PATH)', () => {
    const { dir } = referenceSetup(['torch_hopfield.py']);
    expect(findReference('torch_hopfield.py', { REFERENCE_DIR: dir, REFERENCE_PYTHON: 'python3' })).toEqual({ python: 'python3', script: path.join(dir, 'torch_hopfield.py') });
  });

  it('falls back to the setup script venv when REFERENCE_PYTHON is unset, and says so when it is missing too', () => {
    const { dir } = referenceSetup(['torch_snn.py']);
    const r = findReference('torch_snn.py', { REFERENCE_DIR: dir });
    if (fs.existsSync(DEFAULT_REFERENCE_PYTHON)) {
      expect(r).toEqual({ python: DEFAULT_REFERENCE_PYTHON, script: path.join(dir, 'torch_snn.py') });
    } else {
      expect(r.skipped).toContain('REFERENCE_PYTHON is unset');
      expect(r.skipped).toContain('REFERENCE_DIR');
    }
  });

  it('explains a failed run by its last stderr line, or the spawn error, with what was run', () => {
    const reference = { python: '/venv/bin/python', script: '/ref/torch_snn.py' };
    const fromStderr = referenceFailure(reference, { stderr: 'Traceback ...\nModuleNotFoundError: No module named torch\n', status: 1 });
    expect(fromStderr).toMatch(/^reference failed: ModuleNotFoundError: No module named torch \(ran \/venv\/bin\/python \/ref\/torch_snn.py;/);
    expect(fromStderr).toContain('REFERENCE_PYTHON');
    expect(fromStderr).toContain('REFERENCE_DIR');
    expect(referenceFailure(reference, { stderr: null, error: new Error('spawnSync /venv/bin/python ENOENT'), status: null })).toContain('reference failed: spawnSync /venv/bin/python ENOENT');
    expect(referenceFailure(reference, { stderr: '', status: 0 })).toContain('reference failed: exit status 0, no result line on stdout');
  });
});
