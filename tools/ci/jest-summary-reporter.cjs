// Jest reporter: writes <project>/test-output/jest-summary.json with this project's counts. The file is
// an Nx output of the `test` target, so cached runs restore it and tools/ci/summary.cjs can add up a
// whole `run-many` honestly, cached or not.
const fs = require('node:fs');
const path = require('node:path');

class JestSummaryReporter {
  constructor(_globalConfig, options = {}) {
    this.projectDir = options.projectDir;
  }

  onRunComplete(_contexts, results) {
    if (!this.projectDir) return;
    const dir = path.join(this.projectDir, 'test-output');
    fs.mkdirSync(dir, { recursive: true });
    const summary = {
      project: require(path.join(this.projectDir, 'package.json')).name,
      passed: results.numPassedTests,
      failed: results.numFailedTests,
      skipped: results.numPendingTests + results.numTodoTests,
      suitesFailed: results.numFailedTestSuites + results.numRuntimeErrorTestSuites,
    };
    const file = path.join(dir, 'jest-summary.json');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(summary, null, 2));
    fs.renameSync(`${file}.tmp`, file);
  }
}

module.exports = JestSummaryReporter;
