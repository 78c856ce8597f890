import { RandomStream } from '@cristal/tensor';
import { syntheticImageSet } from '../testing/fixtures.test-helpers';
import { advancePosition, batchesPerEpoch, checkPosition, epochOrder, examplesPerEpoch, gatherLabels, gatherPixels, oneHot } from './batch-plan';

describe('batch plan', () => {
  it('counts batches with and without dropLast', () => {
    expect([examplesPerEpoch(10, 4, false), batchesPerEpoch(10, 4, false)]).toEqual([10, 3]);
    expect([examplesPerEpoch(10, 4, true), batchesPerEpoch(10, 4, true)]).toEqual([8, 2]);
    expect([examplesPerEpoch(12, 4, true), batchesPerEpoch(12, 4, true)]).toEqual([12, 3]);
  });

  it('orders an epoch by a permutation from the fork epoch-<e>, independent of the stream position', () => {
    const stream = new RandomStream(5, 'data');
    const order = epochOrder(100, 3, stream);
    expect(order).toEqual(new RandomStream(5, 'data/epoch-3').permutation(100));
    stream.uniform();
    expect(epochOrder(100, 3, stream)).toEqual(order);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(epochOrder(5, 0, undefined))).toEqual([0, 1, 2, 3, 4]);
  });

  it('advances to the next epoch at the end of one', () => {
    expect(advancePosition({ epoch: 0, offset: 4 }, 4, 10)).toEqual({ epoch: 0, offset: 8 });
    expect(advancePosition({ epoch: 0, offset: 8 }, 2, 10)).toEqual({ epoch: 1, offset: 0 });
  });

  it('rejects positions outside the epoch', () => {
    expect(() => checkPosition({ epoch: 0, offset: 8 }, 8, 'it')).toThrow(
      'it: position {"epoch":0,"offset":8} must be {epoch, offset} with integers epoch >= 0 and 0 <= offset < 8 (examples per epoch).',
    );
    expect(() => checkPosition({ epoch: -1, offset: 0 }, 8, 'it')).toThrow(/it: position/);
  });

  it('gathers pixels / 255 and labels of the given images, and one-hot rows', () => {
    const set = syntheticImageSet(4);
    const x = gatherPixels(set, Int32Array.from([2, 0]));
    expect(x[0]).toBe(Math.fround(set.images[2 * 784] / 255));
    expect(x[784 + 5]).toBe(Math.fround(set.images[5] / 255));
    expect(Array.from(gatherLabels(set, Int32Array.from([3, 1])))).toEqual([3, 1]);
    expect(Array.from(oneHot(Int32Array.from([2, 0]), 3))).toEqual([0, 0, 1, 1, 0, 0]);
  });
});
