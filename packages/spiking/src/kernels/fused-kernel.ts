import { tf, type Tensor } from '@cristal/tensor';

/**
 * Plumbing shared by the fused kernels: each is registered the TF.js way (tf.registerKernel for the
 * `tensorflow` and `cpu` backends, tf.registerGradient), may return several outputs, reads its inputs
 * as typed arrays, and keeps what its backward pass needs in JavaScript, keyed by an output's dataId.
 */

export type TensorInfo = { dataId: object; shape: number[]; dtype: string };
/** The KernelBackend contract every backend implements (tensorflow and cpu alike). */
export type Backend = { readSync(dataId: object): unknown; write(values: Float32Array, shape: number[], dtype: string): object };
export type ForwardKernel = (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => TensorInfo[];
export type GradientFunction = (dys: Tensor[], saved: Tensor[], attrs: unknown) => Record<string, () => Tensor>;

/** A float32 output tensor over `values` (the backend takes ownership of the array). */
export function writeOutput(be: Backend, shape: number[], values: Float32Array): TensorInfo {
  return { dataId: be.write(values, shape, 'float32'), shape, dtype: 'float32' };
}

/** A private copy of an input (safe to keep for the backward pass). */
export function readCopy(be: Backend, t: TensorInfo): Float32Array {
  return Float32Array.from(be.readSync(t.dataId) as Float32Array);
}

/** The backend's own array for an input: read it, never keep or modify it. */
export function readView(be: Backend, t: TensorInfo): Float32Array {
  return be.readSync(t.dataId) as Float32Array;
}

const registered = new Set<string>();

/**
 * Registers a fused kernel and its gradient once per process. The gradient receives the inputs named
 * in `inputsToSave` (TF.js keeps their data alive until the backward pass, so reading them there
 * needs no copy in the forward pass), then output 0.
 */
export function registerFusedKernel(kernelName: string, forward: ForwardKernel, gradient: GradientFunction, inputsToSave: string[] = []): void {
  if (registered.has(kernelName)) return;
  for (const backendName of ['tensorflow', 'cpu']) {
    tf.registerKernel({ kernelName, backendName, kernelFunc: forward as unknown as Parameters<typeof tf.registerKernel>[0]['kernelFunc'] });
  }
  tf.registerGradient({
    kernelName,
    inputsToSave,
    outputsToSave: [true],
    // TF.js passes a single-output kernel its dy alone
    gradFunc: (dys, saved, attrs) => gradient(Array.isArray(dys) ? dys : [dys], saved, attrs),
  });
  registered.add(kernelName);
}

export function runFusedKernel(kernelName: string, inputs: Record<string, Tensor>, attrs: object): Tensor[] {
  return tf.engine().runKernel(kernelName, inputs, attrs as Parameters<ReturnType<typeof tf.engine>['runKernel']>[2]) as Tensor[];
}

/** A parameter as a tensor: a number (made a scalar, which the caller disposes), a scalar, or a vector of n or 1. */
export function parameterVector(x: Tensor | number, name: string, n: number): Tensor {
  const t = typeof x === 'number' ? tf.scalar(x) : x;
  if (!(t.rank === 0 || (t.rank === 1 && (t.shape[0] === n || t.shape[0] === 1)))) {
    throw new Error(`${name} must be a scalar or a vector of ${n} (one per neuron), got shape [${t.shape.join(', ')}].`);
  }
  return t;
}

/** The shape a parameter's gradient must have: [] for a scalar parameter, [n] for a vector. */
export function parameterGradientShape(scalar: boolean, length: number): number[] {
  return scalar ? [] : [length];
}
