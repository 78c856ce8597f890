import { tf, type Tensor } from '@cristal/tensor';

/**
 * Float32 buffers for the tensors the kernels write (posterior scales, gradients, noise, saved
 * state), reused once the backend no longer holds the tensor. A fresh megabyte-sized typed array
 * costs zeroing, page faults and garbage collection, more than the kernel that fills it; a step of
 * the benchmark MLP writes about a dozen. A buffer is reused only after its tensor's data has been
 * released (reference count 0), so a tensor that is kept alive keeps its buffer; past
 * `MAX_PER_LENGTH` live buffers of one length, fresh ones are allocated.
 * The catch: on tfjs-node, `dataSync()` of a tensor whose values were written from JavaScript returns
 * that very array, so an array kept after its tensor is disposed may later be overwritten. Layer
 * outputs and per-example losses are therefore never pooled; gradients and posterior scales are (as
 * @cristal/tensor's Adam reuses the arrays behind the variables): copy what you keep.
 */
const MAX_PER_LENGTH = 8;

type Backend = { refCount(dataId: object): number };

interface Entry {
  buffer: Float32Array;
  /** The data the buffer backs, or null while it is being filled. */
  dataId: object | null;
}

const pools = new Map<number, Entry[]>();
const pending = new WeakMap<Float32Array, Entry>();

/** A buffer of `length` floats with arbitrary contents: the caller overwrites every value. */
export function takeBuffer(length: number): Float32Array {
  let list = pools.get(length);
  if (!list) pools.set(length, (list = []));
  const backend = tf.backend() as unknown as Backend;
  for (const e of list) {
    if (e.dataId !== null && backend.refCount(e.dataId) === 0) {
      e.dataId = null;
      pending.set(e.buffer, e);
      return e.buffer;
    }
  }
  const buffer = new Float32Array(length);
  if (list.length < MAX_PER_LENGTH) {
    const e = { buffer, dataId: null };
    list.push(e);
    pending.set(buffer, e);
  }
  return buffer;
}

/** Records that `buffer` (from takeBuffer) now backs `dataId`; it returns to the pool when that is released. */
export function lendBuffer(buffer: Float32Array, dataId: object): void {
  const e = pending.get(buffer);
  if (!e) return; // not pooled
  pending.delete(buffer);
  e.dataId = dataId;
}

/** A float32 tensor over a pooled buffer (no copy). */
export function pooledTensor(buffer: Float32Array, shape: number[]): Tensor {
  const t = tf.tensor(buffer, shape, 'float32');
  lendBuffer(buffer, (t as unknown as { dataId: object }).dataId);
  return t;
}

/** Scratch buffers that never back a tensor: returned explicitly with releaseScratch. */
const scratch = new Map<number, Float32Array[]>();

export function acquireScratch(length: number): Float32Array {
  const list = scratch.get(length);
  return list && list.length > 0 ? (list.pop() as Float32Array) : new Float32Array(length);
}

export function releaseScratch(buffer: Float32Array): void {
  let list = scratch.get(buffer.length);
  if (!list) scratch.set(buffer.length, (list = []));
  if (list.length < MAX_PER_LENGTH && !list.includes(buffer)) list.push(buffer);
}

/** Whether a gradient tape is recording: without one, no backward pass will need saved state. */
export function gradientsRecording(): boolean {
  return ((tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth ?? 0) > 0;
}
