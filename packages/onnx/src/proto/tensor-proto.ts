import * as os from 'node:os';
import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema, type TensorProto } from 'onnx-buf';
import { type DType, onnxDataType } from './data-type';

export type TensorData = Float32Array | BigInt64Array | Int32Array | Uint8Array;

/**
 * An initializer as `raw_data` (little-endian bytes, as ONNX specifies): one copy of the buffer and
 * the same bytes for the same values, which keeps exported files byte-identical.
 */
export function tensorProto(name: string, dtype: DType, dims: readonly number[], data: TensorData): TensorProto {
  if (os.endianness() !== 'LE') throw new Error('ONNX raw_data is little-endian; big-endian hosts are not supported');
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`initializer '${name}': ${data.length} values for shape [${dims.join(', ')}] (${count} expected)`);
  const bytes = new Uint8Array(data.byteLength);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return create(TensorProtoSchema, { name, dataType: onnxDataType(dtype), dims: dims.map(BigInt), rawData: bytes });
}
