// Shared Jest setup for every project: SWC transpiles TypeScript (no type checking here, `typecheck`
// does that), workspace packages resolve to their sources through the `@cristal/source` export
// condition, and a summary reporter leaves per-project counts for `tools/ci/summary.cjs`.
const path = require('node:path');

// ESM-only dependencies must be transpiled to CommonJS for Jest on Node 20. Add a package here
// (directory name under node_modules) when it ships only ESM.
const esmOnly = ['onnx-buf', '@bufbuild'];

/**
 * @param {string} projectDir absolute directory of the project (pass `__dirname`).
 * @param {{ onnxruntime?: boolean } & Record<string, unknown>} options `onnxruntime: true` for
 *   projects whose tests run onnxruntime-node sessions (see tools/jest/onnxruntime-environment.cjs);
 *   anything else overrides the Jest config.
 */
function projectConfig(projectDir, options = {}) {
  const { onnxruntime = false, ...overrides } = options;
  const name = require(path.join(projectDir, 'package.json')).name;
  return {
    displayName: name,
    rootDir: projectDir,
    testEnvironment: onnxruntime ? path.join(__dirname, 'tools/jest/onnxruntime-environment.cjs') : 'node',
    testEnvironmentOptions: {
      customExportConditions: ['@cristal/source', 'node', 'node-addons'],
    },
    testMatch: ['<rootDir>/**/*.spec.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json', 'node'],
    transform: {
      '^.+\\.(ts|js|mjs)$': ['@swc/jest', { swcrc: false, ...require('./.swcrc.jest.json') }],
    },
    transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
    coverageDirectory: path.join(projectDir, 'test-output', 'coverage'),
    reporters: ['default', [path.join(__dirname, 'tools/ci/jest-summary-reporter.cjs'), { projectDir }]],
    ...overrides,
  };
}

module.exports = { projectConfig };
