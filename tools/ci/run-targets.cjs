#!/usr/bin/env node
// `npm test` (all projects) and `npm run affected` (projects touched since a base and their
// dependents): checks that project references are in sync, runs lint, typecheck, build and test
// through Nx, and ends with one summary line of test counts.
//
//   node tools/ci/run-targets.cjs all|affected [extra nx args]
// Affected base: $NX_BASE, else origin/main if it exists, else HEAD~1.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { clearSummaries, totals, closingLine } = require('./summary.cjs');

const workspaceRoot = path.resolve(__dirname, '..', '..');
const TARGETS = 'lint,typecheck,build,test';

function git(args) {
  const r = spawnSync('git', args, { cwd: workspaceRoot, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function affectedBase(env) {
  if (env.NX_BASE) return env.NX_BASE;
  if (git(['rev-parse', '--verify', '--quiet', 'origin/main'])) return 'origin/main';
  return 'HEAD~1';
}

function nx(args, env) {
  const r = spawnSync(process.execPath, [require.resolve('nx/bin/nx.js', { paths: [workspaceRoot] }), ...args], {
    cwd: workspaceRoot,
    stdio: 'inherit',
    env,
  });
  return r.status === null ? 1 : r.status;
}

function main() {
  const [mode, ...extra] = process.argv.slice(2);
  if (mode !== 'all' && mode !== 'affected') {
    console.error('usage: run-targets.cjs all|affected [nx args]');
    return 2;
  }
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, NX_NO_CLOUD: 'true', NX_TUI: 'false' };
  // CI judges a submission: it must run every task, never replay a result cached by another checkout
  // on the same machine (Nx keeps a machine-wide cache under ~/.nx).
  const cacheFlags = env.CI ? ['--skip-nx-cache'] : [];
  if (env.CI) env.NX_DAEMON = 'false';

  const sync = nx(['sync:check'], env);
  if (sync !== 0) {
    console.error('Project references are out of date: run `npx nx sync` and commit the result.');
    return sync;
  }
  clearSummaries();
  const scope = mode === 'all' ? ['run-many'] : ['affected', `--base=${affectedBase(env)}`];
  if (mode === 'affected') console.log(`affected since ${affectedBase(env)}`);
  const status = nx([...scope, '-t', TARGETS, '--parallel=2', '--outputStyle=stream', ...cacheFlags, ...extra], env);
  const sum = totals();
  console.log(`\n${sum.projects} projects tested`);
  console.log(closingLine(sum));
  return status;
}

process.exit(main());
