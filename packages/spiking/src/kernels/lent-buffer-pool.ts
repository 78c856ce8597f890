import { tf, type Tensor } from '@cristal/tensor';

/**
 * Buffers lent to tensors (gradients the fused kernels hand to TF.js): a buffer goes back to the
 * pool once the backend holds no reference to its tensor's data. A step of the benchmark network
 * hands out some 4 MB of gradients (dW of a 784 x 1000 layer alone is 3 MB); fresh arrays would cost
 * a page fault per 4 KB each step. The catch: on tfjs-node, `dataSync()` of a tensor written from
 * JavaScript returns this very array, so an array kept after its tensor is disposed may later be
 * overwritten: copy what you keep (the Adam of @cristal/tensor does). Layer outputs are never lent.
 */
const MAX_LENT_PER_LENGTH = 8;
type RefCounting = { refCount(dataId: object): number };
interface Lent {
  buffer: Float32Array;
  /** The data the buffer backs, or null while the caller fills it. */
  dataId: object | null;
}
const lent = new Map<number, Lent[]>();
const filling = new WeakMap<Float32Array, Lent>();

/** A buffer of `length` floats with arbitrary contents, for `lentTensor`: the caller overwrites every value. */
export function takeLendableBuffer(length: number): Float32Array {
  let list = lent.get(length);
  if (!list) lent.set(length, (list = []));
  const backend = tf.backend() as unknown as RefCounting;
  for (const e of list) {
    if (e.dataId !== null && backend.refCount(e.dataId) === 0) {
      e.dataId = null;
      filling.set(e.buffer, e);
      return e.buffer;
    }
  }
  const buffer = new Float32Array(length);
  if (list.length < MAX_LENT_PER_LENGTH) {
    const e: Lent = { buffer, dataId: null };
    list.push(e);
    filling.set(buffer, e);
  }
  return buffer;
}

/** A float32 tensor over a buffer from takeLendableBuffer (no copy); the buffer is reused after the tensor's data is released. */
export function lentTensor(buffer: Float32Array, shape: number[]): Tensor {
  const t = tf.tensor(buffer, shape, 'float32');
  const e = filling.get(buffer);
  if (e) {
    filling.delete(buffer);
    e.dataId = (t as unknown as { dataId: object }).dataId;
  }
  return t;
}
