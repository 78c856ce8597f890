// Public API of @cristal/tensor.
export { tf, backendInfo, type Tf, type BackendInfo } from './backend/backend';
export type {
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
  Scalar,
  Variable,
  Rank,
  DataType,
  TensorContainer,
  NamedTensorMap,
  TypedArray,
} from './backend/backend';
export { RandomStream, type RandomStreamState } from './random/random-stream';
export { RandomStreams, STREAM_NAMES, type StandardStreamName } from './random/random-streams';
export { assertShape, assertDtype, assertSameShape, assertFinite, assertFiniteArray, type DimSpec } from './numerics/assertions';
export { logSumExp, logSoftmax, softmax, clampProbabilities } from './numerics/log-space';
export { oneHot } from './numerics/one-hot';
export { matmulLeading, batchMatMul } from './numerics/matmul';
export { assertNoTensorLeak, liveTensors, type LeakCheckOptions } from './memory/leak-check';
export { Carry } from './memory/carry';
export { Adam, type AdamOptions, type AdamState } from './optim/adam';
export { writeFileAtomic } from './io/atomic-write';
export { cacheDir } from './io/cache-dir';
export {
  encodeSafetensors,
  decodeSafetensors,
  saveSafetensors,
  readSafetensors,
  loadSafetensors,
  SafetensorsError,
  type RawTensor,
  type SafetensorsDtype,
} from './io/safetensors';
