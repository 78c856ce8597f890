import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { makeTempDir, removeTempDir, writeIdx } from '../testing/fixtures.test-helpers';
import { encodeIdx } from './encode-idx';
import { readIdxFile } from './read-idx-file';

describe('readIdxFile', () => {
  let dir: string;
  const tensor = { dtype: 'uint8' as const, dims: [2, 2, 2], data: Uint8Array.from([0, 1, 2, 3, 252, 253, 254, 255]) };

  beforeAll(() => {
    dir = makeTempDir('idx');
  });
  afterAll(() => removeTempDir(dir));

  it('reads a raw file', () => {
    const parsed = readIdxFile(writeIdx(path.join(dir, 'raw-idx3-ubyte'), tensor));
    expect(parsed).toEqual(tensor);
  });

  it('reads a gzip file, detected by content whatever its name', () => {
    expect(readIdxFile(writeIdx(path.join(dir, 'packed-idx3-ubyte.gz'), tensor, { gzip: true }))).toEqual(tensor);
    expect(readIdxFile(writeIdx(path.join(dir, 'packed-without-suffix'), tensor, { gzip: true }))).toEqual(tensor);
  });

  it('names the file and says it was gunzipped when the decompressed content is bad', () => {
    const file = path.join(dir, 'short.gz');
    fs.writeFileSync(file, zlib.gzipSync(encodeIdx(tensor).subarray(0, 18)));
    expect(() => readIdxFile(file)).toThrow(`${file} (gunzipped): truncated IDX file: the header dims [2, 2, 2] of uint8 need 8 bytes of data, found 2.`);
  });

  it('names the file when gzip data is corrupt', () => {
    const file = path.join(dir, 'broken.gz');
    const gz = zlib.gzipSync(encodeIdx(tensor));
    fs.writeFileSync(file, gz.subarray(0, gz.length - 6));
    expect(() => readIdxFile(file)).toThrow(`${file}: starts with the gzip signature but does not decompress`);
  });

  it('reports corruption of raw files with the file name', () => {
    const file = path.join(dir, 'wrong-magic');
    fs.writeFileSync(file, Uint8Array.from([1, 2, 8, 1, 0, 0, 0, 0]));
    expect(() => readIdxFile(file)).toThrow(`${file}: not an IDX file: its magic number starts with 0x01 0x02`);
  });

  describe.each([false, true])('corrupt files (gzip: %p) are reported with the file name', (gzip) => {
    const valid = encodeIdx(tensor);
    const cases: [string, Uint8Array, (file: string) => string][] = [
      ['wrong magic', Uint8Array.from([0x08, 0x03, 0, 0, ...valid.subarray(4)]), (f) => `${f}: not an IDX file: its magic number starts with 0x08 0x03, expected 0x00 0x00`],
      ['unknown type', Uint8Array.from([0, 0, 0x07, ...valid.subarray(3)]), (f) => `${f}: unknown IDX type code 0x07`],
      ['truncated', valid.subarray(0, valid.length - 3), (f) => `${f}: truncated IDX file: the header dims [2, 2, 2] of uint8 need 8 bytes of data, found 5.`],
      ['trailing', Uint8Array.from([...valid, 1, 2]), (f) => `${f}: 2 trailing bytes after the IDX data`],
    ];
    it.each(cases)('%s', (label, bytes, message) => {
      const file = path.join(dir, `${label.replace(' ', '-')}${gzip ? '.gz' : ''}`);
      fs.writeFileSync(file, gzip ? zlib.gzipSync(bytes) : bytes);
      expect(() => readIdxFile(file)).toThrow(message(gzip ? `${file} (gunzipped)` : file));
    });
  });

  it('names a missing file and whether its directory exists', () => {
    const missingFile = path.join(dir, 'nope-idx1-ubyte');
    expect(() => readIdxFile(missingFile)).toThrow(`IDX file ${missingFile} not found: directory ${dir} exists but has no file nope-idx1-ubyte.`);
    const missingDir = path.join(dir, 'no-such-dir');
    expect(() => readIdxFile(path.join(missingDir, 'x'))).toThrow(`directory ${missingDir} does not exist.`);
  });

  it('rejects a directory given as the file', () => {
    expect(() => readIdxFile(dir)).toThrow(`${dir} is a directory, expected an IDX file.`);
  });
});
