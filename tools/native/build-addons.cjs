#!/usr/bin/env node
// Builds the workspace's own native addons (every packages/*/native/binding.gyp and
// apps/*/native/binding.gyp) with node-gyp against this Node's headers. Part of the root
// postinstall. Never fails the install: a package whose addon is missing falls back to its
// JavaScript (or TensorFlow) kernels and says so when loaded.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const workspaceRoot = path.resolve(__dirname, '..', '..');

function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && fs.existsSync(fromNpm)) return fromNpm;
  const bundled = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (fs.existsSync(bundled)) return bundled;
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return null;
  }
}

function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.dirname(path.dirname(process.execPath));
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

function addonDirs() {
  return ['packages', 'apps'].flatMap((group) => {
    const parent = path.join(workspaceRoot, group);
    if (!fs.existsSync(parent)) return [];
    return fs
      .readdirSync(parent)
      .map((name) => path.join(parent, name, 'native'))
      .filter((dir) => fs.existsSync(path.join(dir, 'binding.gyp')));
  });
}

function main() {
  const gyp = nodeGyp();
  const dir = nodeDir();
  for (const addon of addonDirs()) {
    const rel = path.relative(workspaceRoot, addon);
    const started = Date.now();
    if (!gyp) {
      console.error(`[native] ${rel}: node-gyp not found; the JavaScript kernels will be used.`);
      continue;
    }
    const args = [gyp, 'rebuild', ...(dir ? [`--nodedir=${dir}`] : []), `--jobs=${require('node:os').cpus().length}`];
    const r = spawnSync(process.execPath, args, { cwd: addon, encoding: 'utf8' });
    if (r.status === 0) {
      console.log(`[native] ${rel}: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } else {
      const errors = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /error/i.test(l)).slice(0, 8).join('\n  ');
      console.error(`[native] ${rel}: build FAILED; the JavaScript kernels will be used (slower).\n  ${errors}`);
    }
  }
}

main();
