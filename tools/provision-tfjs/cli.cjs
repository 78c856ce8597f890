#!/usr/bin/env node
// Root postinstall: provisions tfjs-node's native binding (see provision.cjs). Always exits 0 so that
// `npm ci` completes; a failed provisioning is reported here and caught by the backend test.
const { provision } = require('./provision.cjs');

const result = provision();
if (result.ok) {
  console.log(`[provision-tfjs] ok: ${result.summary}`);
} else {
  const lines = result.attempts.map((a) => `  - ${a.source}: ${a.detail.split('\n').join('\n      ')}`);
  console.error(
    [
      `[provision-tfjs] FAILED: ${result.summary}. Tried:`,
      ...lines,
      'How to fix, any one of:',
      '  - point LIBTENSORFLOW_DIR at a directory with lib/libtensorflow.so, lib/libtensorflow_framework.so',
      '    and include/tensorflow/c/{c_api.h,eager/c_api.h}, then run `npm run provision:tfjs`;',
      '  - make `python3 -m pip download tensorflow-cpu` work (a pip index or mirror), then `npm run provision:tfjs`;',
      '  - or, to use the slow pure-JS backend knowingly, set CRISTAL_BACKEND=cpu (tests then skip the native check).',
    ].join('\n'),
  );
}
