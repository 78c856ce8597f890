import type { IdxTensor } from '../idx/idx-types';
import { mnistLikeIdx } from '../testing/fixtures.test-helpers';
import { imageSetFromIdx } from './image-set-from-idx';

const sources = { images: 'dir/imgs', labels: 'dir/lbls' };

describe('imageSetFromIdx', () => {
  it('wraps a valid pair without copying', () => {
    const { images, labels } = mnistLikeIdx(3);
    const set = imageSetFromIdx('t', images, labels, sources);
    expect(set.count).toBe(3);
    expect(set.images).toBe(images.data);
    expect(set.labels).toBe(labels.data);
  });

  it('names both files and both counts when they disagree', () => {
    const { images, labels } = mnistLikeIdx(3, 4);
    expect(() => imageSetFromIdx('t', images, labels, sources)).toThrow('dir/imgs has 3 images but dir/lbls has 4 labels; expected one label per image.');
  });

  it('rejects images that are not uint8 [N, 28, 28]', () => {
    const { labels } = mnistLikeIdx(2);
    const wrongShape: IdxTensor = { dtype: 'uint8', dims: [2, 28, 27], data: new Uint8Array(2 * 28 * 27) };
    expect(() => imageSetFromIdx('t', wrongShape, labels, sources)).toThrow('dir/imgs: expected images of shape [N, 28, 28], found [2, 28, 27].');
    const wrongType: IdxTensor = { dtype: 'int8', dims: [2, 28, 28], data: new Int8Array(2 * 784) };
    expect(() => imageSetFromIdx('t', wrongType, labels, sources)).toThrow('dir/imgs: expected uint8 images (IDX type 0x08), found int8.');
  });

  it('rejects labels that are not uint8 [N] classes 0..9', () => {
    const { images } = mnistLikeIdx(2);
    const rank2: IdxTensor = { dtype: 'uint8', dims: [2, 1], data: new Uint8Array(2) };
    expect(() => imageSetFromIdx('t', images, rank2, sources)).toThrow('dir/lbls: expected labels of shape [N], found [2, 1].');
    const int32: IdxTensor = { dtype: 'int32', dims: [2], data: new Int32Array(2) };
    expect(() => imageSetFromIdx('t', images, int32, sources)).toThrow('dir/lbls: expected uint8 labels (IDX type 0x08), found int32.');
    const outOfRange: IdxTensor = { dtype: 'uint8', dims: [2], data: Uint8Array.from([3, 11]) };
    expect(() => imageSetFromIdx('t', images, outOfRange, sources)).toThrow('dir/lbls: label 11 at index 1 is not a class 0..9.');
  });
});
