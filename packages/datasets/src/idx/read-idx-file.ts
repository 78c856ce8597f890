import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { parseIdx } from './parse-idx';
import type { IdxTensor } from './idx-types';

/** True when the bytes start with the gzip signature 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads an IDX file, raw or gzip-compressed. Compression is detected from the content (the gzip
 * signature), not the name, because mirrors disagree on whether `.gz` files keep their suffix.
 */
export function readIdxFile(file: string): IdxTensor {
  const bytes = readExistingFile(file);
  if (!isGzip(bytes)) return parseIdx(bytes, file);
  let raw: Uint8Array;
  try {
    raw = zlib.gunzipSync(bytes);
  } catch (error) {
    throw new Error(`${file}: starts with the gzip signature but does not decompress (${(error as Error).message}); expected a gzip-compressed IDX file.`);
  }
  return parseIdx(raw, `${file} (gunzipped)`);
}

/** readFileSync with errors that say which part of the path is missing. */
export function readExistingFile(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const dir = path.dirname(file);
      const where = fs.existsSync(dir) ? `directory ${dir} exists but has no file ${path.basename(file)}` : `directory ${dir} does not exist`;
      throw new Error(`IDX file ${file} not found: ${where}.`);
    }
    if (code === 'EISDIR') throw new Error(`${file} is a directory, expected an IDX file.`);
    throw new Error(`${file}: cannot read (${(error as Error).message}).`);
  }
}
