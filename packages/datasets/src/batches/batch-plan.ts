import type { RandomStream } from '@cristal/tensor';
import { IMAGE_PIXELS, NUM_CLASSES, type ImageSet } from '../image-set/image-set';

/**
 * Where the next batch starts: `offset` examples of epoch `epoch`'s order have been served. This is
 * all a checkpoint needs to resume an iterator exactly (the order is a function of the epoch).
 */
export interface BatchPosition {
  epoch: number;
  offset: number;
}

/** Examples served per epoch: all of them, or with dropLast only whole batches. */
export function examplesPerEpoch(count: number, batchSize: number, dropLast: boolean): number {
  return dropLast ? Math.floor(count / batchSize) * batchSize : count;
}

export function batchesPerEpoch(count: number, batchSize: number, dropLast: boolean): number {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/**
 * The order of epoch `epoch`: `stream.fork('epoch-' + epoch).permutation(count)`, or 0..count-1
 * without a stream. A fork depends only on the stream's seed and path, not on how far the stream
 * was drawn, so any epoch's order can be recomputed from the position alone.
 */
export function epochOrder(count: number, epoch: number, stream: RandomStream | undefined): Int32Array {
  if (!stream) return Int32Array.from({ length: count }, (_, i) => i);
  return stream.fork(`epoch-${epoch}`).permutation(count);
}

/** The position after serving a batch of `size` examples, moving to the next epoch at its end. */
export function advancePosition(position: BatchPosition, size: number, perEpoch: number): BatchPosition {
  const offset = position.offset + size;
  return offset >= perEpoch ? { epoch: position.epoch + 1, offset: 0 } : { epoch: position.epoch, offset };
}

export function checkPosition(position: BatchPosition, perEpoch: number, label: string): void {
  const { epoch, offset } = position ?? {};
  if (!Number.isSafeInteger(epoch) || epoch < 0 || !Number.isSafeInteger(offset) || offset < 0 || offset >= perEpoch) {
    throw new Error(`${label}: position ${JSON.stringify(position)} must be {epoch, offset} with integers epoch >= 0 and 0 <= offset < ${perEpoch} (examples per epoch).`);
  }
}

/** Pixels of the given images scaled to [0, 1] (pixel / 255), row-major [indices.length, 784]. */
export function gatherPixels(set: ImageSet, indices: Int32Array): Float32Array {
  const out = new Float32Array(indices.length * IMAGE_PIXELS);
  for (let b = 0; b < indices.length; b++) {
    const from = indices[b] * IMAGE_PIXELS;
    const to = b * IMAGE_PIXELS;
    for (let p = 0; p < IMAGE_PIXELS; p++) out[to + p] = set.images[from + p] / 255;
  }
  return out;
}

export function gatherLabels(set: ImageSet, indices: Int32Array): Int32Array {
  return Int32Array.from(indices, (i) => set.labels[i]);
}

/** Row-major [labels.length, 10] with a 1 in each row's label column. */
export function oneHot(labels: Int32Array, classes = NUM_CLASSES): Float32Array {
  const out = new Float32Array(labels.length * classes);
  labels.forEach((label, row) => {
    out[row * classes + label] = 1;
  });
  return out;
}
