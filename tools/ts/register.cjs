// Runs TypeScript sources under plain Node without a build: SWC strips the types as each .ts file is
// required (the same settings as Jest). With `--conditions=@cristal/source`, `@cristal/*` imports
// resolve to the packages' src/index.ts too. Used by benchmarks, scripts and child-process tests:
//   node --conditions=@cristal/source -r ./tools/ts/register.cjs packages/x/bench/y.bench.ts
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

/** @type {import('@swc/core').Options} */
const options = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '.swcrc.jest.json'), 'utf8'));

/** @param {any} module @param {string} filename */
function compileTs(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename, swcrc: false, sourceMaps: 'inline' });
  module._compile(code, filename);
}

/** @type {any} */ (Module)._extensions['.ts'] = compileTs;
