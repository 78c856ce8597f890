import { elementCount, IDX_ARRAY_TYPES, IDX_BYTES_PER_ELEMENT, IDX_TYPE_CODES, type IdxTensor } from './idx-types';

const MAX_UINT32 = 0xffffffff;

/**
 * Encodes a tensor as an IDX file (the inverse of parseIdx). `label` names the tensor in errors.
 * Used to write dataset caches and to hand-make test files.
 */
export function encodeIdx(tensor: IdxTensor, label = 'encodeIdx'): Uint8Array {
  const { dtype, dims, data } = tensor;
  if (!(dtype in IDX_TYPE_CODES)) {
    throw new Error(`${label}: dtype "${String(dtype)}" has no IDX type code: expected one of ${Object.keys(IDX_TYPE_CODES).join(', ')}.`);
  }
  if (!(data instanceof IDX_ARRAY_TYPES[dtype])) {
    throw new Error(`${label}: dtype ${dtype} needs its data as a ${IDX_ARRAY_TYPES[dtype].name}, got ${describe(data)}.`);
  }
  if (dims.length > 255) throw new Error(`${label}: IDX stores at most 255 dimensions, got ${dims.length}.`);
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > MAX_UINT32) {
      throw new Error(`${label}: dims [${dims.join(', ')}] must be integers in 0..2^32-1 (IDX stores each as a uint32).`);
    }
  }
  const count = elementCount(dims);
  if (count !== data.length) {
    throw new Error(`${label}: dims [${dims.join(', ')}] hold ${count} values but the data has ${data.length}.`);
  }

  const headerBytes = 4 + 4 * dims.length;
  const bytes = new Uint8Array(headerBytes + count * IDX_BYTES_PER_ELEMENT[dtype]);
  const view = new DataView(bytes.buffer);
  bytes[2] = IDX_TYPE_CODES[dtype];
  bytes[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  switch (tensor.dtype) {
    case 'uint8':
    case 'int8':
      bytes.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, count), headerBytes);
      break;
    case 'int16':
      tensor.data.forEach((v, i) => view.setInt16(headerBytes + 2 * i, v, false));
      break;
    case 'int32':
      tensor.data.forEach((v, i) => view.setInt32(headerBytes + 4 * i, v, false));
      break;
    case 'float32':
      tensor.data.forEach((v, i) => view.setFloat32(headerBytes + 4 * i, v, false));
      break;
    case 'float64':
      tensor.data.forEach((v, i) => view.setFloat64(headerBytes + 8 * i, v, false));
      break;
  }
  return bytes;
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return value.constructor?.name ?? 'an object';
}
