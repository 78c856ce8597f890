#!/usr/bin/env node
// The `lab` command. Runs the built CLI (dist/) when every workspace project's build is at least as
// new as its sources; otherwise re-runs Node on the TypeScript sources with the workspace's register
// hook and source condition, so `npx lab` works straight after `npm ci`, before any build, and an
// edited experiment never runs from a stale build.
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const dist = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const workspace = path.join(__dirname, '..', '..', '..');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Every project with sources has a built dist/index.js, and its newest dist file is at least as new
 * as its newest src/ file (an incremental build rewrites only what changed).
 */
function buildIsFresh() {
  for (const group of ['packages', 'apps']) {
    const root = path.join(workspace, group);
    if (!fs.existsSync(root)) continue;
    for (const name of fs.readdirSync(root)) {
      const src = path.join(root, name, 'src');
      if (!fs.existsSync(src)) continue;
      const built = path.join(root, name, 'dist');
      if (!fs.existsSync(path.join(built, 'index.js')) || newestMtime(src) > newestMtime(built)) return false;
    }
  }
  return true;
}

if (fs.existsSync(dist) && process.env.LAB_FROM_SOURCES !== '1' && buildIsFresh()) {
  const cli = require(dist);
  cli.main(process.argv.slice(2), cli.processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`lab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
} else {
  const register = path.join(__dirname, '..', '..', '..', 'tools', 'ts', 'register.cjs');
  const main = path.join(__dirname, '..', 'src', 'cli', 'main.ts');
  const child = spawn(process.execPath, ['--conditions=@cristal/source', '-r', register, main, ...process.argv.slice(2)], { stdio: 'inherit' });
  // The terminal sends SIGINT to the whole process group; the child handles it (checkpoint, interrupted),
  // so this parent only waits for the child's exit instead of dying first.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 : 1);
  });
}
