// onnxruntime-node's native binding creates output typed arrays in Node's main realm, and
// onnxruntime-common then checks them with `instanceof Float32Array` inside Jest's sandbox realm,
// where that constructor is a different object ("A float32 tensor's data must be type of function
// Float32Array()"). Sharing the main realm's typed-array constructors with the sandbox makes both
// sides agree; plain Node (the benchmark, `lab bench`) has one realm and needs none of this.
const { TestEnvironment } = require('jest-environment-node');

const shared = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array',
  'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array',
];

class OnnxRuntimeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of shared) this.global[name] = globalThis[name];
  }
}

module.exports = OnnxRuntimeEnvironment;
