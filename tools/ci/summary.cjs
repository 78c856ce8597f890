// Adds up the per-project Jest summaries into one closing line that CI reads:
//   tests: N passed, N failed, N skipped
const fs = require('node:fs');
const path = require('node:path');

const workspaceRoot = path.resolve(__dirname, '..', '..');

function projectDirs() {
  const pkg = JSON.parse(fs.readFileSync(path.join(workspaceRoot, 'package.json'), 'utf8'));
  const dirs = [];
  for (const pattern of pkg.workspaces) {
    if (pattern.endsWith('/*')) {
      const parent = path.join(workspaceRoot, pattern.slice(0, -2));
      if (fs.existsSync(parent)) for (const name of fs.readdirSync(parent)) dirs.push(path.join(parent, name));
    } else dirs.push(path.join(workspaceRoot, pattern));
  }
  return dirs;
}

function summaryFiles() {
  return projectDirs()
    .map((dir) => path.join(dir, 'test-output', 'jest-summary.json'))
    .filter((file) => fs.existsSync(file));
}

function clearSummaries() {
  for (const file of summaryFiles()) fs.rmSync(file);
}

function totals() {
  const sum = { passed: 0, failed: 0, skipped: 0, suitesFailed: 0, projects: 0 };
  for (const file of summaryFiles()) {
    const s = JSON.parse(fs.readFileSync(file, 'utf8'));
    sum.passed += s.passed;
    sum.failed += s.failed;
    sum.skipped += s.skipped;
    sum.suitesFailed += s.suitesFailed;
    sum.projects += 1;
  }
  return sum;
}

function closingLine(sum) {
  // A suite that crashed before running its tests counts as a failure too.
  return `tests: ${sum.passed} passed, ${sum.failed + sum.suitesFailed} failed, ${sum.skipped} skipped`;
}

module.exports = { clearSummaries, totals, closingLine };
