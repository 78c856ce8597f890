import { encodeIdx } from './encode-idx';
import type { IdxTensor } from './idx-types';
import { parseIdx } from './parse-idx';

/** Builds IDX bytes by hand (not through encodeIdx) so parser and writer are checked independently. */
function idxBytes(typeCode: number, dims: number[], data: number[]): Uint8Array {
  return Uint8Array.from([0, 0, typeCode, dims.length, ...dims.flatMap((d) => [(d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255]), ...data]);
}

describe('parseIdx', () => {
  it('decodes a hand-made uint8 file: dims and values in row-major order', () => {
    const parsed = parseIdx(idxBytes(0x08, [2, 3], [1, 2, 3, 4, 5, 255]), 'hand.idx');
    expect(parsed.dtype).toBe('uint8');
    expect(parsed.dims).toEqual([2, 3]);
    expect(parsed.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 255]);
  });

  it('reads dims as big-endian uint32 (MNIST training images: 0x0000EA60 = 60000)', () => {
    const header = Uint8Array.from([0, 0, 0x08, 1, 0x00, 0x00, 0xea, 0x60]);
    const bytes = new Uint8Array(header.length + 60000);
    bytes.set(header);
    expect(parseIdx(bytes, 'x').dims).toEqual([60000]);
  });

  it('reads multi-byte values big-endian: int16 0xFF 0xFE is -2, int32 0x00 0x00 0x01 0x00 is 256', () => {
    expect(Array.from(parseIdx(idxBytes(0x0b, [2], [0xff, 0xfe, 0x01, 0x02]), 'x').data)).toEqual([-2, 0x0102]);
    expect(Array.from(parseIdx(idxBytes(0x0c, [1], [0, 0, 1, 0]), 'x').data)).toEqual([256]);
    // IEEE 754: 0x3FC00000 is 1.5 (float32), 0xC004000000000000 is -2.5 (float64).
    expect(Array.from(parseIdx(idxBytes(0x0d, [1], [0x3f, 0xc0, 0, 0]), 'x').data)).toEqual([1.5]);
    expect(Array.from(parseIdx(idxBytes(0x0e, [1], [0xc0, 0x04, 0, 0, 0, 0, 0, 0]), 'x').data)).toEqual([-2.5]);
    expect(Array.from(parseIdx(idxBytes(0x09, [2], [0xff, 0x7f]), 'x').data)).toEqual([-1, 127]);
  });

  it('round-trips every dtype through encodeIdx', () => {
    const tensors: IdxTensor[] = [
      { dtype: 'uint8', dims: [2, 2], data: Uint8Array.from([0, 1, 254, 255]) },
      { dtype: 'int8', dims: [3], data: Int8Array.from([-128, 0, 127]) },
      { dtype: 'int16', dims: [1, 3], data: Int16Array.from([-32768, 1, 32767]) },
      { dtype: 'int32', dims: [2], data: Int32Array.from([-2147483648, 2147483647]) },
      { dtype: 'float32', dims: [2], data: Float32Array.from([Math.fround(0.1), -Infinity]) },
      { dtype: 'float64', dims: [2, 1, 1], data: Float64Array.from([Math.PI, -0]) },
    ];
    for (const tensor of tensors) {
      const parsed = parseIdx(encodeIdx(tensor), tensor.dtype);
      expect(parsed.dtype).toBe(tensor.dtype);
      expect(parsed.dims).toEqual(tensor.dims);
      expect(parsed.data).toEqual(tensor.data);
    }
  });

  it('works on a view into a larger buffer (byteOffset not 0) and copies the data out of it', () => {
    const inner = idxBytes(0x0c, [1], [0, 0, 0, 7]);
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 3);
    const parsed = parseIdx(outer.subarray(3), 'view');
    expect(Array.from(parsed.data)).toEqual([7]);
    outer.fill(9);
    expect(Array.from(parsed.data)).toEqual([7]);
  });

  it('rejects a wrong magic number, naming the file, the bytes found and what was expected', () => {
    expect(() => parseIdx(Uint8Array.from([0x12, 0x34, 0x08, 1, 0, 0, 0, 0]), 'data/bad.idx')).toThrow(
      'data/bad.idx: not an IDX file: its magic number starts with 0x12 0x34, expected 0x00 0x00',
    );
  });

  it('recognises gzip data passed as raw IDX and says to decompress it', () => {
    expect(() => parseIdx(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0]), 'x.gz')).toThrow(/x\.gz: not an IDX file.*gzip signature/);
  });

  it('rejects an unknown type code, listing the known ones', () => {
    expect(() => parseIdx(idxBytes(0x0a, [1], [0]), 'odd.idx')).toThrow(
      'odd.idx: unknown IDX type code 0x0a (third byte of the magic number): expected one of 0x08 (uint8), 0x09 (int8), 0x0b (int16), 0x0c (int32), 0x0d (float32), 0x0e (float64).',
    );
  });

  it('rejects a file shorter than the magic number or its dims', () => {
    expect(() => parseIdx(Uint8Array.from([0, 0]), 'tiny')).toThrow('tiny: 2 bytes is too short for an IDX file');
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1]), 'hdr')).toThrow(
      'hdr: truncated IDX header: 3 dimensions need 16 header bytes, found 8.',
    );
  });

  it('rejects truncated data with the expected and found byte counts from the header dims', () => {
    expect(() => parseIdx(idxBytes(0x08, [2, 3], [1, 2, 3, 4]), 'short.idx')).toThrow(
      'short.idx: truncated IDX file: the header dims [2, 3] of uint8 need 6 bytes of data, found 4.',
    );
    expect(() => parseIdx(idxBytes(0x0c, [2], [0, 0, 0, 1, 0, 0]), 'short32.idx')).toThrow(
      'short32.idx: truncated IDX file: the header dims [2] of int32 need 8 bytes of data, found 6.',
    );
  });

  it('rejects trailing bytes after the data', () => {
    expect(() => parseIdx(idxBytes(0x08, [2], [1, 2, 3]), 'long.idx')).toThrow(
      'long.idx: 1 trailing bytes after the IDX data: the header dims [2] of uint8 need 2 bytes of data, found 3.',
    );
  });
});
