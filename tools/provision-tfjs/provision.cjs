// @ts-check
// Makes @tensorflow/tfjs-node's native binding work on machines that cannot reach TensorFlow's
// download hosts. tfjs-node's own install script is denied in package.json#allowScripts; this runs as
// the root postinstall instead. See README.md beside this file for the whole story.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const TARBALL_VERSION = '2.9.1'; // what tfjs-node 4.22 itself downloads

/** @typedef {{ dir: string, version: string, source: string }} LibTensorFlow */
/** @typedef {{ source: string, ok: boolean, detail: string }} Attempt */

function cacheRoot(env = process.env) {
  if (env.CRISTAL_CACHE_DIR) return env.CRISTAL_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'cristal');
}

function findTfjsNode(from = process.cwd()) {
  const pkgJson = require.resolve('@tensorflow/tfjs-node/package.json', { paths: [from] });
  const dir = path.dirname(pkgJson);
  const pkg = JSON.parse(fs.readFileSync(pkgJson, 'utf8'));
  // node-pre-gyp builds for the highest N-API version both the package and this Node support.
  const napi = Math.max(...pkg.binary.napi_versions.filter((v) => v <= Number(process.versions.napi)));
  return {
    dir,
    version: pkg.version,
    napi,
    depsLib: path.join(dir, 'deps', 'lib'),
    depsInclude: path.join(dir, 'deps', 'include'),
    bindingFile: path.join(dir, pkg.binary.module_path.replace('{napi_build_version}', String(napi)), 'tfjs_binding.node'),
    stampFile: path.join(dir, 'deps', 'cristal-provisioned.json'),
  };
}

/** What a libtensorflow directory must hold; returns the problems, empty when usable. */
function checkLibDir(dir) {
  const problems = [];
  const need = [
    'lib/libtensorflow.so',
    'lib/libtensorflow_framework.so',
    'include/tensorflow/c/c_api.h',
    'include/tensorflow/c/eager/c_api.h',
  ];
  for (const rel of need) {
    if (!fs.existsSync(path.join(dir, rel))) problems.push(`missing ${rel}`);
  }
  return problems;
}

function readVersionFile(dir) {
  const file = path.join(dir, 'VERSION');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : 'unknown';
}

/** Writes a directory atomically: build in a sibling temp dir, rename when complete. */
function atomicDir(finalDir, fill) {
  fs.mkdirSync(path.dirname(finalDir), { recursive: true });
  const tmp = `${finalDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    fill(tmp);
    fs.rmSync(finalDir, { recursive: true, force: true });
    fs.renameSync(tmp, finalDir);
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Adds the unversioned names the linker wants (-ltensorflow -> libtensorflow.so). */
function linkUnversioned(libDir, real, names) {
  for (const name of names) {
    const link = path.join(libDir, name);
    if (!fs.existsSync(link)) fs.symlinkSync(real, link);
  }
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.error) throw new Error(`${cmd} could not start: ${result.error.message}`);
  if (result.status !== 0) {
    const lines = `${result.stdout || ''}\n${result.stderr || ''}`.trim().split('\n');
    // Compiler errors scroll far above the build tool's stack trace: show them first.
    const errors = lines.filter((l) => /\berror\b/i.test(l) && !/ERR!/.test(l)).slice(0, 8);
    const tail = [...errors, ...lines.slice(-8)].join('\n');
    throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status}:\n${tail}`);
  }
  return result.stdout;
}

// ---- the four sources, tried in order -------------------------------------------------------------

/** @returns {LibTensorFlow} */
function fromEnvDir(env) {
  const dir = env.LIBTENSORFLOW_DIR;
  if (!dir) throw new Error('LIBTENSORFLOW_DIR is not set');
  const problems = checkLibDir(dir);
  if (problems.length) throw new Error(`LIBTENSORFLOW_DIR=${dir} is not a libtensorflow directory: ${problems.join(', ')}`);
  return { dir, version: readVersionFile(dir), source: `LIBTENSORFLOW_DIR (${dir})` };
}

/** @returns {LibTensorFlow} */
function fromCache(env) {
  const root = path.join(cacheRoot(env), 'libtensorflow');
  const versions = fs.existsSync(root)
    ? fs.readdirSync(root).filter((v) => !v.includes('.tmp-') && checkLibDir(path.join(root, v)).length === 0)
    : [];
  if (versions.length === 0) throw new Error(`no complete libtensorflow in ${root}`);
  versions.sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
  return { dir: path.join(root, versions[0]), version: versions[0], source: `cache (${root})` };
}

/** @returns {LibTensorFlow} */
function fromOfficialTarball(env) {
  const base = env.TFJS_NODE_BASE_URI || 'https://storage.googleapis.com/tensorflow/libtensorflow/';
  const url = `${base}libtensorflow-cpu-linux-x86_64-${TARBALL_VERSION}.tar.gz`;
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('official tarball path handles linux x64 only');
  const dest = path.join(cacheRoot(env), 'libtensorflow', TARBALL_VERSION);
  const tmpFile = path.join(os.tmpdir(), `libtensorflow-${process.pid}.tar.gz`);
  // curl fails fast offline (name resolution) and bounds the time online.
  try {
    run('curl', ['-fsSL', '--connect-timeout', '10', '--max-time', '600', '-o', tmpFile, url]);
    atomicDir(dest, (tmp) => {
      run('tar', ['-xzf', tmpFile, '-C', tmp]);
      fs.writeFileSync(path.join(tmp, 'VERSION'), `${TARBALL_VERSION}\n`);
      const problems = checkLibDir(tmp);
      if (problems.length) throw new Error(`the tarball from ${url} is incomplete: ${problems.join(', ')}`);
    });
  } finally {
    fs.rmSync(tmpFile, { force: true });
  }
  return { dir: dest, version: TARBALL_VERSION, source: `official tarball (${url})` };
}

/** @returns {LibTensorFlow} */
function fromPipWheel(env, tfjs) {
  const python = env.PYTHON || 'python3';
  const download = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-wheel-'));
  try {
    // No retries against unreachable indexes: a local index answers at once or not at all.
    run(python, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-d', download, env.CRISTAL_TF_WHEEL_SPEC || 'tensorflow-cpu'], {
      env: { ...env, PIP_RETRIES: env.PIP_RETRIES || '0', PIP_DEFAULT_TIMEOUT: env.PIP_DEFAULT_TIMEOUT || '10' },
      timeout: 15 * 60 * 1000,
    });
    const wheel = fs.readdirSync(download).find((f) => /^tensorflow(_cpu)?-[\d.]+-.*\.whl$/.test(f));
    if (!wheel) throw new Error(`pip download produced no tensorflow wheel in ${download}`);
    const version = wheel.split('-')[1];
    const dest = path.join(cacheRoot(env), 'libtensorflow', version);
    atomicDir(dest, (tmp) => {
      fs.mkdirSync(path.join(tmp, 'lib'));
      fs.mkdirSync(path.join(tmp, 'include'));
      run(python, [path.join(__dirname, 'extract_wheel.py'), path.join(download, wheel), tmp, path.join(tfjs.dir, 'binding')]);
      const lib = path.join(tmp, 'lib');
      // The C++ library exports the C API; the binding links it under the plain name, and the loader
      // finds it by its SONAME (libtensorflow_cc.so.2), which stays in place.
      linkUnversioned(lib, 'libtensorflow_cc.so.2', ['libtensorflow.so', 'libtensorflow.so.2']);
      linkUnversioned(lib, 'libtensorflow_framework.so.2', ['libtensorflow_framework.so']);
      fs.writeFileSync(path.join(tmp, 'VERSION'), `${version}\n`);
      fs.writeFileSync(path.join(tmp, 'SOURCE'), `${wheel}\n`);
    });
    return { dir: dest, version, source: `pip wheel (${wheel})` };
  } finally {
    fs.rmSync(download, { recursive: true, force: true });
  }
}

/** @type {Array<[string, (env: NodeJS.ProcessEnv, tfjs: ReturnType<typeof findTfjsNode>) => LibTensorFlow]>} */
const SOURCES = [
  ['LIBTENSORFLOW_DIR', fromEnvDir],
  ['cache', fromCache],
  ['official tarball', fromOfficialTarball],
  ['pip wheel', fromPipWheel],
];

// ---- staging, building, verifying ------------------------------------------------------------------

/** Copies a directory tree, keeping symlinks and hard-linking regular files where possible. */
function mirror(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    fs.rmSync(dst, { recursive: true, force: true });
    if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dst);
    else if (entry.isDirectory()) mirror(src, dst);
    else {
      try {
        fs.linkSync(src, dst); // instant, and survives a later cache clean
      } catch {
        fs.copyFileSync(src, dst);
      }
    }
  }
}

function stage(lib, tfjs) {
  fs.rmSync(tfjs.depsLib, { recursive: true, force: true });
  fs.rmSync(tfjs.depsInclude, { recursive: true, force: true });
  mirror(path.join(lib.dir, 'lib'), tfjs.depsLib);
  mirror(path.join(lib.dir, 'include'), tfjs.depsInclude);
}

function nodeDir(env) {
  if (env.npm_config_nodedir) return env.npm_config_nodedir;
  const prefix = path.dirname(path.dirname(process.execPath));
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

function bindingCacheFile(env, tfjs, lib) {
  const key = `tfjs-node-${tfjs.version}-napi${tfjs.napi}-${process.platform}-${process.arch}-tf${lib.version}`;
  return path.join(cacheRoot(env), 'tfjs-binding', key, 'tfjs_binding.node');
}

function buildBinding(env, tfjs, lib) {
  const cached = bindingCacheFile(env, tfjs, lib);
  fs.mkdirSync(path.dirname(tfjs.bindingFile), { recursive: true });
  if (lib.version !== 'unknown' && fs.existsSync(cached)) {
    fs.copyFileSync(cached, tfjs.bindingFile);
    return 'binding from cache';
  }
  const preGyp = require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp', { paths: [tfjs.dir] });
  const args = [preGyp, 'install', '--build-from-source', '--update-binary'];
  const dir = nodeDir(env);
  if (dir) args.push(`--nodedir=${dir}`);
  run(process.execPath, args, { cwd: tfjs.dir, env: { ...env, JOBS: env.JOBS || String(os.cpus().length) } });
  if (!fs.existsSync(tfjs.bindingFile)) throw new Error(`the build finished but ${tfjs.bindingFile} is missing`);
  if (lib.version !== 'unknown') {
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    const tmp = `${cached}.tmp-${process.pid}`;
    fs.copyFileSync(tfjs.bindingFile, tmp);
    fs.renameSync(tmp, cached);
  }
  return 'binding built from source';
}

/** Loads tfjs-node in a child process and runs an op; returns what the backend reports. */
function verify(tfjs, env = process.env) {
  const script = `
    const tf = require(${JSON.stringify(tfjs.dir)});
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const v = tf.matMul(a, a).dataSync();
    if (v[0] !== 7 || v[3] !== 22) throw new Error('matMul returned ' + Array.from(v));
    const binding = tf.backend().binding;
    console.log(JSON.stringify({ backend: tf.getBackend(), tfjs: tf.version['tfjs-node'], tensorflow: binding.TF_Version }));`;
  const out = run(process.execPath, ['-e', script], { env: { ...env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  const report = JSON.parse(out.trim().split('\n').pop() || '{}');
  if (report.backend !== 'tensorflow') throw new Error(`backend is ${report.backend}, not tensorflow`);
  return report;
}

/**
 * Provisions the binding. Never throws: returns { ok, summary, attempts } so that npm install
 * always completes and the caller decides how loudly to fail.
 */
function provision(env = process.env, from = process.cwd()) {
  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  /** @type {Attempt[]} */
  const attempts = [];
  let tfjs;
  try {
    tfjs = findTfjsNode(from);
  } catch (error) {
    return { ok: false, summary: `@tensorflow/tfjs-node is not installed (${error.message})`, attempts };
  }

  // Fast path: this node_modules was already provisioned and still works.
  if (fs.existsSync(tfjs.stampFile) && fs.existsSync(tfjs.bindingFile) && !env.LIBTENSORFLOW_DIR) {
    try {
      const stamp = JSON.parse(fs.readFileSync(tfjs.stampFile, 'utf8'));
      const report = verify(tfjs, env);
      return { ok: true, summary: `already provisioned from ${stamp.source}, TensorFlow ${report.tensorflow}, verified in ${seconds()} s`, attempts };
    } catch (error) {
      attempts.push({ source: 'existing install', ok: false, detail: error.message });
    }
  }

  for (const [name, source] of SOURCES) {
    if (env.LIBTENSORFLOW_DIR && name !== 'LIBTENSORFLOW_DIR') break; // an explicit directory is final
    let lib;
    try {
      lib = source(env, tfjs);
    } catch (error) {
      attempts.push({ source: name, ok: false, detail: error.message });
      continue;
    }
    try {
      stage(lib, tfjs);
      const how = buildBinding(env, tfjs, lib);
      const report = verify(tfjs, env);
      fs.writeFileSync(tfjs.stampFile, JSON.stringify({ source: lib.source, version: lib.version, tensorflow: report.tensorflow }, null, 2));
      attempts.push({ source: name, ok: true, detail: how });
      return {
        ok: true,
        summary: `native TensorFlow ${report.tensorflow} from ${lib.source}, ${how}, verified in ${seconds()} s`,
        attempts,
      };
    } catch (error) {
      attempts.push({ source: name, ok: false, detail: error.message });
      if (name === 'cache') {
        // A cache entry that stages but does not work is stale: drop it so the next source refills it.
        fs.rmSync(lib.dir, { recursive: true, force: true });
      }
    }
  }
  return { ok: false, summary: `no source of libtensorflow worked (${seconds()} s)`, attempts };
}

module.exports = { provision, verify, findTfjsNode, checkLibDir, cacheRoot, atomicDir, SOURCES };
