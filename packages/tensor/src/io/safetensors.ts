import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Tensor } from '@tensorflow/tfjs-node';
import { tf } from '../backend/backend';
import { writeFileAtomic } from './atomic-write';

/**
 * The safetensors format (as written by Hugging Face's `safetensors`): an 8-byte little-endian
 * header length N, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__:
 * {string: string}}`, then the tensors' little-endian bytes, contiguous, with no holes. We lay tensors
 * out in the reference writer's order (wider types first, then by name), and pad the header with spaces to a multiple
 * of 8, as the reference writer does, so every tensor is aligned for zero-copy readers.
 */

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** A tensor as plain data: what we read and write without going through TF.js. */
export interface RawTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Element values; for F16/BF16/I64/F64 files these are already widened to JS numbers. */
  data: Float32Array | Float64Array | Int32Array | Uint8Array;
}

const BYTES: Record<SafetensorsDtype, number> = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, I8: 1, U8: 1, BOOL: 1 };
// The reference writer orders tensors by its Dtype enum (descending), then by name; this is that
// enum's order for the types we handle. Following it makes our files byte-identical to Python's.
const WRITE_ORDER: SafetensorsDtype[] = ['BOOL', 'U8', 'I8', 'I16', 'F16', 'BF16', 'I32', 'F32', 'F64', 'I64'];
const MAX_HEADER = 100 * 1024 * 1024; // the reference reader's limit

export class SafetensorsError extends Error {}

if (os.endianness() !== 'LE') throw new Error('safetensors I/O assumes a little-endian machine.');

function count(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function toRaw(name: string, value: Tensor | RawTensor): RawTensor {
  if (!(value instanceof tf.Tensor)) return value;
  const data = value.dataSync();
  if (value.dtype === 'float32') return { dtype: 'F32', shape: value.shape, data: data as Float32Array };
  if (value.dtype === 'int32') return { dtype: 'I32', shape: value.shape, data: data as Int32Array };
  if (value.dtype === 'bool') return { dtype: 'BOOL', shape: value.shape, data: Uint8Array.from(data as Uint8Array) };
  throw new SafetensorsError(`Tensor "${name}" has dtype ${value.dtype}, which safetensors cannot store here (float32, int32, bool).`);
}

function bytesOf(raw: RawTensor, name: string): Uint8Array {
  const n = count(raw.shape);
  if (raw.data.length !== n) {
    throw new SafetensorsError(`Tensor "${name}": shape [${raw.shape.join(', ')}] needs ${n} values, data has ${raw.data.length}.`);
  }
  switch (raw.dtype) {
    case 'F32':
      return new Uint8Array(Float32Array.from(raw.data).buffer);
    case 'F64':
      return new Uint8Array(Float64Array.from(raw.data).buffer);
    case 'I32':
      return new Uint8Array(Int32Array.from(raw.data).buffer);
    case 'U8':
    case 'BOOL':
      return Uint8Array.from(raw.data);
    default:
      throw new SafetensorsError(`Tensor "${name}": writing dtype ${raw.dtype} is not supported (F32, F64, I32, U8, BOOL).`);
  }
}

/** Serializes tensors (TF.js or raw) and string metadata to safetensors bytes. Pure. */
export function encodeSafetensors(tensors: Record<string, Tensor | RawTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const entries = Object.entries(tensors).map(([name, t]) => {
    if (name === '__metadata__') throw new SafetensorsError('"__metadata__" is reserved and cannot name a tensor.');
    const raw = toRaw(name, t);
    return { name, raw, bytes: bytesOf(raw, name) };
  });
  const rank = (d: SafetensorsDtype): number => WRITE_ORDER.indexOf(d);
  entries.sort((a, b) => rank(b.raw.dtype) - rank(a.raw.dtype) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new SafetensorsError(`Metadata "${k}" must be a string, got ${typeof v}.`);
  }
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const e of entries) {
    header[e.name] = { dtype: e.raw.dtype, shape: e.raw.shape, data_offsets: [offset, offset + e.bytes.length] };
    offset += e.bytes.length;
  }
  let json = JSON.stringify(header);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - (jsonBytes % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const e of entries) {
    out.set(e.bytes, at);
    at += e.bytes.length;
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function decodeData(dtype: SafetensorsDtype, bytes: Uint8Array, where: string): RawTensor['data'] {
  // Copy first, so the data is aligned whatever its offset in the file. `new Uint8Array(view)` always
  // copies; `view.slice()` would not for a Node Buffer (Buffer.slice is a view of pooled memory).
  const buf = new Uint8Array(bytes).buffer;
  switch (dtype) {
    case 'F32':
      return new Float32Array(buf);
    case 'F64':
      return new Float64Array(buf);
    case 'I32':
      return new Int32Array(buf);
    case 'U8':
    case 'BOOL':
      return new Uint8Array(buf);
    case 'I8':
      return Int32Array.from(new Int8Array(buf));
    case 'I16':
      return Int32Array.from(new Int16Array(buf));
    case 'F16':
      return Float32Array.from(new Uint16Array(buf), halfToFloat);
    case 'BF16':
      return Float32Array.from(new Uint16Array(buf), (h) => new Float32Array(new Uint32Array([h << 16]).buffer)[0]);
    case 'I64': {
      const big = new BigInt64Array(buf);
      const out = new Int32Array(big.length);
      for (let i = 0; i < big.length; i++) {
        if (big[i] > 2147483647n || big[i] < -2147483648n) throw new SafetensorsError(`${where}: I64 value ${big[i]} does not fit in int32.`);
        out[i] = Number(big[i]);
      }
      return out;
    }
  }
}

/** Parses safetensors bytes into raw tensors and metadata, validating everything. Pure. */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): { tensors: Record<string, RawTensor>; metadata: Record<string, string> } {
  const fail = (what: string): never => {
    throw new SafetensorsError(`${source}: ${what}`);
  };
  if (bytes.length < 8) fail(`only ${bytes.length} bytes; a safetensors file starts with an 8-byte header length.`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > MAX_HEADER) fail(`header length ${headerLength} is implausible (over ${MAX_HEADER} bytes): not a safetensors file, or corrupted.`);
  if (8 + headerLength > bytes.length) fail(`truncated: the header declares ${headerLength} bytes but the file has ${bytes.length - 8} after the length.`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLength).toString('utf8'));
  } catch (error) {
    return fail(`the header is not valid JSON (${(error as Error).message}); the file is corrupted.`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) fail('the header is not a JSON object.');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors: Record<string, RawTensor> = {};
  const spans: [number, number, string][] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (info ?? {}) as { dtype: SafetensorsDtype; shape: number[]; data_offsets: [number, number] };
    if (!(dtype in BYTES)) fail(`tensor "${name}" has unsupported dtype ${JSON.stringify(dtype)}.`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`tensor "${name}" has an invalid shape ${JSON.stringify(shape)}.`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !(offsets[0] <= offsets[1])) fail(`tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}.`);
    const [begin, end] = offsets;
    if (end > dataLength) fail(`truncated: tensor "${name}" ends at byte ${end} of the data, but the data has ${dataLength} bytes.`);
    const expected = count(shape) * BYTES[dtype];
    if (end - begin !== expected) fail(`tensor "${name}" (${dtype} [${shape.join(', ')}]) needs ${expected} bytes but spans ${end - begin}.`);
    spans.push([begin, end, name]);
    tensors[name] = { dtype, shape, data: decodeData(dtype, bytes.subarray(dataStart + begin, dataStart + end), `${source}, tensor "${name}"`) };
  }
  spans.sort((a, b) => a[0] - b[0]);
  let cursor = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== cursor) fail(`tensor "${name}" starts at byte ${begin} but the previous data ends at ${cursor}: overlapping or holed data.`);
    cursor = end;
  }
  if (cursor !== dataLength) fail(`${dataLength - cursor} bytes after the last tensor: trailing data, the file is corrupted.`);
  return { tensors, metadata };
}

/** Writes tensors to `file` atomically (temp file, fsync, rename). */
export function saveSafetensors(file: string, tensors: Record<string, Tensor | RawTensor>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

/** Reads raw tensors and metadata; errors name the file and what is wrong with it. */
export function readSafetensors(file: string): { tensors: Record<string, RawTensor>; metadata: Record<string, string> } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new SafetensorsError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  return decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}

/** Reads a safetensors file into TF.js tensors (the caller owns them). */
export function loadSafetensors(file: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const { tensors, metadata } = readSafetensors(file);
  const out: Record<string, Tensor> = {};
  for (const [name, raw] of Object.entries(tensors)) {
    const dtype = raw.dtype === 'BOOL' ? 'bool' : raw.data instanceof Int32Array || raw.dtype === 'U8' ? 'int32' : 'float32';
    out[name] = tf.tensor(raw.dtype === 'BOOL' ? Array.from(raw.data) : raw.data, raw.shape, dtype);
  }
  return { tensors: out, metadata };
}
