import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { encodeIdx } from '../idx/encode-idx';
import type { IdxTensor } from '../idx/idx-types';
import { IMAGE_PIXELS, type ImageSet } from '../image-set/image-set';

/** A fresh directory under the OS temp dir; remove it with removeTempDir in afterAll. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cristal-datasets-${prefix}-`));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function writeIdx(file: string, tensor: IdxTensor, options: { gzip?: boolean } = {}): string {
  const bytes = encodeIdx(tensor);
  fs.writeFileSync(file, options.gzip ? zlib.gzipSync(bytes) : bytes);
  return file;
}

/** A small 28x28 set whose pixel values encode (image, pixel), so misplaced pixels show. */
export function syntheticImageSet(count: number, name = 'synthetic'): ImageSet {
  const images = new Uint8Array(count * IMAGE_PIXELS);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    labels[n] = n % 10;
    for (let p = 0; p < IMAGE_PIXELS; p++) images[n * IMAGE_PIXELS + p] = (n * 31 + p * 7) % 256;
  }
  return { images, labels, count, height: 28, width: 28, name };
}

/** Hand-made IDX pair in MNIST layout: `count` images [count, 28, 28] and `labelCount` labels. */
export function mnistLikeIdx(count: number, labelCount = count): { images: IdxTensor<'uint8'>; labels: IdxTensor<'uint8'> } {
  const set = syntheticImageSet(Math.max(count, labelCount));
  return {
    images: { dtype: 'uint8', dims: [count, 28, 28], data: set.images.slice(0, count * IMAGE_PIXELS) },
    labels: { dtype: 'uint8', dims: [labelCount], data: set.labels.slice(0, labelCount) },
  };
}

/**
 * Byte-exact equality of two typed arrays. Jest's toEqual walks large typed arrays element by
 * element through its generic comparer (minutes for MNIST); this compares memory with memcmp.
 */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.constructor !== b.constructor) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
