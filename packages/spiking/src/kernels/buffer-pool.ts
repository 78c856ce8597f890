import { tf } from '@cristal/tensor';

/**
 * Reuses the large scratch buffers the fused kernels keep between the forward and backward pass
 * (the pre-reset membrane of lifScan, T x B x N floats; the current and dL/dI of linearLifLinear).
 * A fresh 12 MB typed array costs thousands of page faults on first touch, more than the kernel
 * itself; a recycled one costs nothing. A buffer that is never released (a forward pass without
 * backward) is simply garbage collected.
 */
const free = new Map<number, Float32Array[]>();
const MAX_PER_SIZE = 4;

export function acquireBuffer(length: number): Float32Array {
  const list = free.get(length);
  return list && list.length > 0 ? (list.pop() as Float32Array) : new Float32Array(length);
}

export function releaseBuffer(buffer: Float32Array): void {
  let list = free.get(buffer.length);
  if (!list) free.set(buffer.length, (list = []));
  if (list.length < MAX_PER_SIZE && !list.includes(buffer)) list.push(buffer);
}

/** Whether a gradient tape is recording: without one, no backward pass will need saved state. */
export function gradientsRecording(): boolean {
  return ((tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth ?? 0) > 0;
}
