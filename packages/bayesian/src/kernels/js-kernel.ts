import { tf, type Tensor } from '@cristal/tensor';
import { lendBuffer } from './buffer-pool';

/** What a kernel function receives (the KernelBackend contract every backend implements). */
export type TensorInfo = { dataId: object; shape: number[]; dtype: string };
export type Backend = { readSync(dataId: object): unknown; write(values: Float32Array | Int32Array, shape: number[], dtype: string): object };
export type KernelArgs = { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown };

/** Reads a tensor's values; the backend's own array when they still live in JavaScript, so never write to it. */
export function readValues(backend: unknown, t: TensorInfo): Float32Array {
  return (backend as Backend).readSync(t.dataId) as Float32Array;
}

/** Hands a pooled buffer to the backend as a float32 output. */
export function writeOutput(backend: unknown, values: Float32Array, shape: number[]): TensorInfo {
  const dataId = (backend as Backend).write(values, shape, 'float32');
  lendBuffer(values, dataId);
  return { dataId, shape, dtype: 'float32' };
}

/** A pooled buffer as a tensor of `shape`, for gradients. */
export function gradientTensor(values: Float32Array, shape: number[]): Tensor {
  return tf.engine().makeTensorFromTensorInfo(writeOutput(tf.backend(), values, shape) as Parameters<ReturnType<typeof tf.engine>["makeTensorFromTensorInfo"]>[0]) as Tensor;
}

/** Registers a kernel implemented in JavaScript over typed arrays, for the native and the CPU backends. */
export function registerJsKernel(kernelName: string, kernelFunc: (args: KernelArgs) => TensorInfo | TensorInfo[]): void {
  for (const backendName of ['tensorflow', 'cpu']) {
    tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as unknown as Parameters<typeof tf.registerKernel>[0]['kernelFunc'] });
  }
}
