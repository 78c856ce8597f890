import {
  describeIdxTypeCodes,
  elementCount,
  hexByte,
  IDX_BYTES_PER_ELEMENT,
  idxDtypeOfCode,
  type IdxDtype,
  type IdxTensor,
} from './idx-types';

const HEADER_MAGIC_BYTES = 4;

/**
 * Decodes an IDX file: magic 0x00 0x00 <type code> <number of dims>, then each dim as a big-endian
 * uint32, then the values, big-endian, row-major. `source` names the file in every error.
 * The returned data is a copy, so it does not keep the (possibly much larger) input buffer alive.
 */
export function parseIdx(bytes: Uint8Array, source: string): IdxTensor {
  if (bytes.length < HEADER_MAGIC_BYTES) {
    throw new Error(
      `${source}: ${bytes.length} bytes is too short for an IDX file: expected at least the 4-byte magic number ` +
        '(0x00 0x00, a type code, the number of dimensions).',
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const gzipHint = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' These are the gzip signature: decompress it first (readIdxFile does).' : '';
    throw new Error(
      `${source}: not an IDX file: its magic number starts with ${hexByte(bytes[0])} ${hexByte(bytes[1])}, ` +
        `expected 0x00 0x00 followed by a type code and the number of dimensions.${gzipHint}`,
    );
  }
  const dtype = idxDtypeOfCode(bytes[2]);
  if (dtype === undefined) {
    throw new Error(`${source}: unknown IDX type code ${hexByte(bytes[2])} (third byte of the magic number): expected one of ${describeIdxTypeCodes()}.`);
  }
  const rank = bytes[3];
  const headerBytes = HEADER_MAGIC_BYTES + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new Error(`${source}: truncated IDX header: ${rank} dimensions need ${headerBytes} header bytes, found ${bytes.length}.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(HEADER_MAGIC_BYTES + 4 * i, false));

  const count = elementCount(dims);
  const expected = count * IDX_BYTES_PER_ELEMENT[dtype];
  const found = bytes.length - headerBytes;
  const layout = `the header dims [${dims.join(', ')}] of ${dtype}`;
  if (found < expected) {
    throw new Error(`${source}: truncated IDX file: ${layout} need ${expected} bytes of data, found ${found}.`);
  }
  if (found > expected) {
    throw new Error(`${source}: ${found - expected} trailing bytes after the IDX data: ${layout} need ${expected} bytes of data, found ${found}.`);
  }
  return { dtype, dims, data: decodeValues(dtype, view, headerBytes, count) } as IdxTensor;
}

function decodeValues(dtype: IdxDtype, view: DataView, offset: number, count: number): IdxTensor['data'] {
  switch (dtype) {
    case 'uint8': {
      // Single bytes have no byte order: a bulk copy is enough.
      const out = new Uint8Array(count);
      out.set(new Uint8Array(view.buffer, view.byteOffset + offset, count));
      return out;
    }
    case 'int8': {
      const out = new Int8Array(count);
      out.set(new Int8Array(view.buffer, view.byteOffset + offset, count));
      return out;
    }
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}
