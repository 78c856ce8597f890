#!/usr/bin/env node
// The `lab` command. Runs the built CLI (dist/) when it exists; otherwise re-runs Node on the TypeScript
// sources with the workspace's register hook and source condition, so `npx lab` works straight after
// `npm ci`, before any build.
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const dist = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (fs.existsSync(dist)) {
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
