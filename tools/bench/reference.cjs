// Where the PyTorch reference scripts are and which Python runs them, for every speed bench that
// compares against one (spiking, bayesian, predictive-coding, spiking-hopfield). Plain CommonJS run
// by plain Node, no build: benches of libraries and of apps share it, and libraries may not import
// apps. The benches load it by path (see the comment where they do), like tools/ts/register.cjs.
//   REFERENCE_DIR     directory holding the torch_*.py scripts; default: ../shared/reference beside
//                     the repository (what the benches used before this variable existed)
//   REFERENCE_PYTHON  a Python interpreter with torch; default: ~/.cache/reference-venv/bin/python
//                     when it exists (what ../shared/reference/setup.sh creates)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The reference scripts' home when REFERENCE_DIR is unset: beside the repository's checkout. */
const DEFAULT_REFERENCE_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'reference');

/** The venv ../shared/reference/setup.sh creates, used when REFERENCE_PYTHON is unset. */
const DEFAULT_REFERENCE_PYTHON = path.join(os.homedir(), '.cache', 'reference-venv', 'bin', 'python');

const HOW_TO_FIX =
  'set REFERENCE_DIR to the directory holding the torch_*.py scripts (default: ../shared/reference beside the repository) ' +
  'and REFERENCE_PYTHON to a Python with torch (default: ~/.cache/reference-venv/bin/python, made by ../shared/reference/setup.sh)';

/**
 * The directory the reference scripts are taken from, and what chose it.
 * A relative REFERENCE_DIR is resolved against the current directory (each bench runs in its own
 * project directory, so an absolute path is what works everywhere).
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ dir: string, from: 'REFERENCE_DIR' | 'default' }}
 */
function referenceDir(env = process.env) {
  const given = (env.REFERENCE_DIR ?? '').trim();
  return given ? { dir: path.resolve(given), from: 'REFERENCE_DIR' } : { dir: DEFAULT_REFERENCE_DIR, from: 'default' };
}

/**
 * The Python interpreter for the reference scripts: REFERENCE_PYTHON, else the default venv if it
 * exists, else null.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string | null}
 */
function referencePython(env = process.env) {
  const given = (env.REFERENCE_PYTHON ?? '').trim();
  if (given) return given;
  return fs.existsSync(DEFAULT_REFERENCE_PYTHON) ? DEFAULT_REFERENCE_PYTHON : null;
}

/**
 * The interpreter and script to run for one reference workload, or why it cannot run. Every reason
 * names both variables, so a skipped reference in a bench's JSON says how to enable it.
 * @param {string} scriptName file name inside the reference directory, e.g. 'torch_snn.py'
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ python: string, script: string } | { skipped: string }}
 */
function findReference(scriptName, env = process.env) {
  const { dir, from } = referenceDir(env);
  const script = path.join(dir, scriptName);
  const python = referencePython(env);
  if (!python) {
    return { skipped: `no reference: no Python with torch (REFERENCE_PYTHON is unset and ${DEFAULT_REFERENCE_PYTHON} does not exist); ${HOW_TO_FIX}` };
  }
  // A bare command name (e.g. `python3`) is looked up on PATH by spawn; only a path can be checked here.
  if (python.includes(path.sep) && !fs.existsSync(python)) {
    return { skipped: `no reference: REFERENCE_PYTHON=${python} does not exist; ${HOW_TO_FIX}` };
  }
  if (!fs.existsSync(script)) {
    const where = from === 'REFERENCE_DIR' ? `REFERENCE_DIR=${dir}` : `the default ${dir}, REFERENCE_DIR being unset`;
    return { skipped: `no reference: ${scriptName} not found in ${where}; ${HOW_TO_FIX}` };
  }
  return { python, script };
}

/**
 * Why a reference run printed no result: the last line of its stderr (or the spawn error, or the exit
 * status), with the interpreter and script that were run.
 * @param {{ python: string, script: string }} reference what findReference returned
 * @param {{ stderr?: string | null, error?: Error, status?: number | null, signal?: string | null }} result spawnSync's result
 * @returns {string}
 */
function referenceFailure(reference, result) {
  const lastLine = String(result.stderr ?? '').trim().split('\n').pop();
  const detail = lastLine || (result.error ? result.error.message : `exit status ${result.status ?? `null (signal ${result.signal})`}, no result line on stdout`);
  return `reference failed: ${detail} (ran ${reference.python} ${reference.script}; REFERENCE_PYTHON picks the Python, REFERENCE_DIR the directory of the scripts)`;
}

module.exports = { DEFAULT_REFERENCE_DIR, DEFAULT_REFERENCE_PYTHON, referenceDir, referencePython, findReference, referenceFailure };
