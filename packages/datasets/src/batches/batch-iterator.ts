import { tf, type RandomStream } from '@cristal/tensor';
import type { ImageSet } from '../image-set/image-set';
import { IMAGE_PIXELS, NUM_CLASSES } from '../image-set/image-set';
import {
  advancePosition,
  batchesPerEpoch,
  checkPosition,
  epochOrder,
  examplesPerEpoch,
  gatherLabels,
  gatherPixels,
  oneHot,
  type BatchPosition,
} from './batch-plan';

type Tensor1D = ReturnType<typeof tf.tensor1d>;
type Tensor2D = ReturnType<typeof tf.tensor2d>;

/** `index`: y is int32 [B] class indices; `one-hot`: y is float32 [B, 10]. */
export type LabelEncoding = 'index' | 'one-hot';

export interface BatchIteratorOptions<E extends LabelEncoding = 'index'> {
  batchSize: number;
  /** Default true: each epoch in the order of stream.fork('epoch-' + epoch). */
  shuffle?: boolean;
  /** Required when shuffling, e.g. new RandomStreams(seed).data. Only its seed and path matter. */
  stream?: RandomStream;
  /** Default false: the last batch of an epoch may be smaller. True: it is skipped. */
  dropLast?: boolean;
  /** Default 'index'. */
  labels?: E;
  /** Start here instead of {epoch: 0, offset: 0}: resume from a checkpoint's position(). */
  position?: BatchPosition;
}

export interface Batch<E extends LabelEncoding = 'index'> {
  /** float32 [size, 784], pixels / 255. */
  x: Tensor2D;
  y: E extends 'one-hot' ? Tensor2D : Tensor1D;
  size: number;
  /** Indices of the batch's images in the set. */
  indices: Int32Array;
  /** Where this batch started. */
  epoch: number;
  offset: number;
}

export function disposeBatch(batch: Batch<LabelEncoding>): void {
  batch.x.dispose();
  batch.y.dispose();
}

/**
 * Seeded, resumable mini-batches of an ImageSet as tensors.
 *
 * Ownership: a batch from `batches()` or passed to `forEachBatch` belongs to the iterator. It is
 * valid until the next batch is requested, the loop ends (including `break` and exceptions) or the
 * callback returns; then its tensors are disposed. To keep a tensor longer, `clone()` it and dispose
 * the clone yourself. A batch from `nextBatch()` belongs to the caller, who disposes it
 * (`disposeBatch`). Tensors are created only when a batch is requested.
 *
 * Position: `position()` is where the next batch starts; a batch counts as served once it has been
 * handed out, so a checkpoint written while processing a batch resumes with the batch after it.
 */
export class BatchIterator<E extends LabelEncoding = 'index'> {
  readonly set: ImageSet;
  readonly batchSize: number;
  readonly dropLast: boolean;
  readonly labelEncoding: E;
  private readonly stream: RandomStream | undefined;
  private readonly perEpoch: number;
  private pos: BatchPosition;
  private order: { epoch: number; indices: Int32Array } | undefined;

  constructor(set: ImageSet, options: BatchIteratorOptions<E>) {
    const { batchSize, shuffle = true, stream, dropLast = false, labels = 'index' as E, position = { epoch: 0, offset: 0 } } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`BatchIterator(${set.name}): batchSize must be a positive integer, got ${batchSize}.`);
    if (shuffle && !stream) {
      throw new Error(`BatchIterator(${set.name}): shuffling needs a \`stream\` (a RandomStream, e.g. new RandomStreams(seed).data), or pass shuffle: false.`);
    }
    if (labels !== 'index' && labels !== 'one-hot') throw new Error(`BatchIterator(${set.name}): labels must be 'index' or 'one-hot', got ${String(labels)}.`);
    this.perEpoch = examplesPerEpoch(set.count, batchSize, dropLast);
    if (this.perEpoch === 0) {
      throw new Error(`BatchIterator(${set.name}): no batches per epoch (${set.count} images, batchSize ${batchSize}, dropLast ${dropLast}).`);
    }
    this.set = set;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.labelEncoding = labels;
    this.stream = shuffle ? stream : undefined;
    checkPosition(position, this.perEpoch, `BatchIterator(${set.name})`);
    this.pos = { ...position };
  }

  get batchesPerEpoch(): number {
    return batchesPerEpoch(this.set.count, this.batchSize, this.dropLast);
  }

  /** Where the next batch starts; store it in a checkpoint and pass it back as `position` or to seek. */
  position(): BatchPosition {
    return { ...this.pos };
  }

  seek(position: BatchPosition): void {
    checkPosition(position, this.perEpoch, `BatchIterator(${this.set.name}).seek`);
    this.pos = { ...position };
  }

  /** The image indices of the next batch, without creating tensors or moving the position. */
  peekIndices(): Int32Array {
    const order = this.orderOf(this.pos.epoch);
    const end = Math.min(this.pos.offset + this.batchSize, this.perEpoch);
    return order.slice(this.pos.offset, end);
  }

  /** The next batch (rolling over into the next epoch at the end of one). The caller must dispose it. */
  nextBatch(): Batch<E> {
    const { epoch, offset } = this.pos;
    const indices = this.peekIndices();
    this.pos = advancePosition(this.pos, indices.length, this.perEpoch);
    const x = tf.tensor2d(gatherPixels(this.set, indices), [indices.length, IMAGE_PIXELS], 'float32');
    const labels = gatherLabels(this.set, indices);
    const y = this.labelEncoding === 'one-hot' ? tf.tensor2d(oneHot(labels), [indices.length, NUM_CLASSES], 'float32') : tf.tensor1d(labels, 'int32');
    return { x, y: y as Batch<E>['y'], size: indices.length, indices, epoch, offset };
  }

  /**
   * The remaining batches of the current epoch (all of it from offset 0). Each batch is disposed
   * when the next is requested or the loop ends; afterwards the position is {epoch + 1, offset 0}.
   * Suits async training loops: `for (const b of it.batches()) await step(b)`.
   */
  *batches(): Generator<Batch<E>, void, undefined> {
    const epoch = this.pos.epoch;
    let current: Batch<E> | undefined;
    try {
      while (this.pos.epoch === epoch) {
        current = this.nextBatch();
        const after = this.pos;
        yield current;
        disposeBatch(current);
        current = undefined;
        if (this.pos !== after) {
          throw new Error(`BatchIterator(${this.set.name}): the position changed (seek) during batches(); start a new loop after seeking.`);
        }
      }
    } finally {
      if (current) disposeBatch(current);
    }
  }

  /** Calls `fn` on each remaining batch of the current epoch and disposes the batch when it returns. */
  forEachBatch(fn: (batch: Batch<E>) => void): void {
    for (const batch of this.batches()) {
      const result: unknown = fn(batch);
      if (typeof (result as { then?: unknown } | undefined)?.then === 'function') {
        throw new Error(
          `BatchIterator(${this.set.name}).forEachBatch: the callback returned a promise, but its batch is disposed as soon as it returns; ` +
            'for async work use `for (const batch of iterator.batches()) { await ... }`.',
        );
      }
    }
  }

  private orderOf(epoch: number): Int32Array {
    if (!this.order || this.order.epoch !== epoch) this.order = { epoch, indices: epochOrder(this.set.count, epoch, this.stream) };
    return this.order.indices;
  }
}
