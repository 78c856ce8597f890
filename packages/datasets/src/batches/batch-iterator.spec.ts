import { assertNoTensorLeak, RandomStream, RandomStreams, tf } from '@cristal/tensor';
import { sliceImageSet } from '../image-set/image-set';
import { syntheticImageSet } from '../testing/fixtures.test-helpers';
import { BatchIterator, disposeBatch, type Batch, type BatchIteratorOptions } from './batch-iterator';

const set = syntheticImageSet(103, 'syn103');

/** Indices of every batch until `batches` batches were served, via nextBatch. */
function indicesOf(iterator: BatchIterator, batches: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < batches; i++) {
    const batch = iterator.nextBatch();
    out.push(Array.from(batch.indices));
    disposeBatch(batch);
  }
  return out;
}

function iterator(options: Partial<BatchIteratorOptions> = {}): BatchIterator {
  return new BatchIterator(set, { batchSize: 10, stream: new RandomStreams(7).data, ...options });
}

describe('BatchIterator', () => {
  it('gives identical batches for the same seed, and different ones for another seed', () => {
    const a = indicesOf(iterator(), 25);
    expect(indicesOf(iterator(), 25)).toEqual(a);
    expect(indicesOf(iterator({ stream: new RandomStreams(8).data }), 25)).not.toEqual(a);
  });

  it('covers every image once per epoch, in a different order each epoch', () => {
    const it = iterator();
    const epochs = [0, 1, 2].map(() => {
      const seen: number[] = [];
      it.forEachBatch((batch) => seen.push(...batch.indices));
      return seen;
    });
    for (const seen of epochs) expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(epochs[1]).not.toEqual(epochs[0]);
    expect(epochs[2]).not.toEqual(epochs[1]);
  });

  it('makes a smaller last batch, or drops it with dropLast', () => {
    const sizes = (it: BatchIterator) => {
      const out: number[] = [];
      it.forEachBatch((b) => out.push(b.size));
      return out;
    };
    expect(sizes(iterator())).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
    expect(sizes(iterator({ dropLast: true }))).toEqual(new Array(10).fill(10));
    expect(iterator({ dropLast: true }).batchesPerEpoch).toBe(10);
    expect(iterator().batchesPerEpoch).toBe(11);
  });

  it('resumed from a saved position yields exactly the remaining batches of an uninterrupted run', () => {
    const uninterrupted = indicesOf(iterator(), 30);
    for (const stopAfter of [1, 7, 10, 11, 12, 22, 29]) {
      const first = iterator();
      const head = indicesOf(first, stopAfter);
      const saved = JSON.parse(JSON.stringify(first.position()));
      const resumed = iterator({ position: saved, stream: new RandomStream(7, 'data') });
      expect([...head, ...indicesOf(resumed, 30 - stopAfter)]).toEqual(uninterrupted);
      const sought = iterator();
      sought.seek(saved);
      expect(indicesOf(sought, 30 - stopAfter)).toEqual(uninterrupted.slice(stopAfter));
    }
  });

  it('resumes with dropLast too, and resumed tensors hold the same data', () => {
    const full = iterator({ dropLast: true });
    const expected = indicesOf(full, 15);
    const first = iterator({ dropLast: true });
    indicesOf(first, 9);
    expect(first.position()).toEqual({ epoch: 0, offset: 90 });
    indicesOf(first, 1);
    expect(first.position()).toEqual({ epoch: 1, offset: 0 });
    const resumed = iterator({ dropLast: true, position: first.position() });
    const batch = resumed.nextBatch();
    expect(Array.from(batch.indices)).toEqual(expected[10]);
    const replay = iterator({ dropLast: true, position: { epoch: 1, offset: 0 } }).nextBatch();
    expect(batch.x.dataSync()).toEqual(replay.x.dataSync());
    expect(batch.y.dataSync()).toEqual(replay.y.dataSync());
    [batch, replay].forEach(disposeBatch);
  });

  it('reports the position of the next batch inside the loop, ending at the next epoch', () => {
    const it = iterator({ position: { epoch: 2, offset: 90 } });
    const seen: [number, number, number][] = [];
    it.forEachBatch((b) => seen.push([b.epoch, b.offset, it.position().offset]));
    expect(seen).toEqual([
      [2, 90, 100],
      [2, 100, 0],
    ]);
    expect(it.position()).toEqual({ epoch: 3, offset: 0 });
  });

  it('normalises x to pixels / 255 as float32 [B, 784] and y to int32 labels or one-hot rows', () => {
    const it = iterator({ shuffle: false, stream: undefined });
    const batch = it.nextBatch();
    expect(batch.x.shape).toEqual([10, 784]);
    expect(batch.x.dtype).toBe('float32');
    expect(batch.y.dtype).toBe('int32');
    expect(Array.from(batch.indices)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const x = batch.x.dataSync();
    expect(x[3 * 784 + 100]).toBe(Math.fround(set.images[3 * 784 + 100] / 255));
    expect(Array.from(batch.y.dataSync())).toEqual(Array.from(set.labels.subarray(0, 10)));
    disposeBatch(batch);

    const hot: Batch<'one-hot'> = new BatchIterator(set, { batchSize: 4, shuffle: false, labels: 'one-hot' }).nextBatch();
    expect(hot.y.shape).toEqual([4, 10]);
    expect(hot.y.arraySync()[2]).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    disposeBatch(hot);
  });

  it('keeps the number of live tensors flat over full epochs of 10,000 MNIST-sized images', () => {
    const big = sliceImageSet(syntheticImageSet(10000), 0, 10000, 'syn10k');
    const it = new BatchIterator(big, { batchSize: 128, stream: new RandomStream(1, 'data') });
    let batches = 0;
    assertNoTensorLeak(
      () =>
        it.forEachBatch((b) => {
          batches++;
          tf.tidy(() => {
            b.x.mul(2).sum();
          });
        }),
      { iterations: 2, warmup: 1, label: 'BatchIterator.forEachBatch' },
    );
    expect(batches).toBe(3 * 79);
    assertNoTensorLeak(
      () => {
        for (const b of it.batches()) if (b.offset >= 5000) break;
      },
      { iterations: 2, label: 'BatchIterator.batches with break' },
    );
  });

  it('disposes the previous batch when the next is requested, and the last when the loop throws', () => {
    const it = iterator();
    const generator = it.batches();
    const first = generator.next().value as Batch;
    expect(first.x.isDisposed).toBe(false);
    generator.next();
    expect(first.x.isDisposed).toBe(true);
    expect(first.y.isDisposed).toBe(true);
    generator.return();

    let kept: Batch | undefined;
    expect(() =>
      it.forEachBatch((b) => {
        kept = b;
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(kept?.x.isDisposed).toBe(true);
  });

  it('hands ownership of nextBatch() tensors to the caller', () => {
    const before = tf.memory().numTensors;
    const batch = iterator().nextBatch();
    expect(tf.memory().numTensors).toBe(before + 2);
    disposeBatch(batch);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('creates tensors only when a batch is requested', () => {
    const before = tf.memory().numTensors;
    const it = iterator();
    const generator = it.batches();
    expect(tf.memory().numTensors).toBe(before);
    generator.next();
    expect(tf.memory().numTensors).toBe(before + 2);
    generator.return();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects async callbacks, seeking during a loop, and bad options', () => {
    expect(() => iterator().forEachBatch((async () => undefined) as unknown as () => void)).toThrow(/forEachBatch: the callback returned a promise/);
    const it = iterator();
    expect(() => {
      for (const _ of it.batches()) it.seek({ epoch: 5, offset: 0 });
    }).toThrow('BatchIterator(syn103): the position changed (seek) during batches(); start a new loop after seeking.');
    expect(() => new BatchIterator(set, { batchSize: 10 })).toThrow('BatchIterator(syn103): shuffling needs a `stream`');
    expect(() => iterator({ batchSize: 0 })).toThrow('BatchIterator(syn103): batchSize must be a positive integer, got 0.');
    expect(() => iterator({ batchSize: 200, dropLast: true })).toThrow('BatchIterator(syn103): no batches per epoch (103 images, batchSize 200, dropLast true).');
    expect(() => iterator({ position: { epoch: 0, offset: 103 } })).toThrow(/BatchIterator\(syn103\): position/);
  });
});
