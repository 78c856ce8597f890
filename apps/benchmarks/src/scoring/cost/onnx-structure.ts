import type { decodeModel } from '@cristal/onnx';

/**
 * The parts of a decoded ONNX model that the cost counters read, as structural types. The benchmarks
 * app does not import `onnx-buf` (its protobuf classes belong to @cristal/onnx); `decodeModel`'s
 * ModelProto satisfies these interfaces (checked by `DecodedModelIsReadable` below), and tests can
 * write a small model as a plain object. Optional fields are the ones protobuf always fills in but a
 * hand-written model may leave out.
 */
export interface OnnxTensor {
  readonly name: string;
  /** ONNX `TensorProto.DataType` (see `ONNX_DATA_TYPE`). */
  readonly dataType: number;
  readonly dims: readonly bigint[];
  readonly rawData?: Uint8Array;
  readonly floatData?: readonly number[];
  readonly int32Data?: readonly number[];
  readonly int64Data?: readonly bigint[];
  readonly uint64Data?: readonly bigint[];
  readonly doubleData?: readonly number[];
  /** 1 (EXTERNAL): the values live in another file, only `dims` can be read. */
  readonly dataLocation?: number;
}

export interface OnnxSparseTensor {
  readonly values?: OnnxTensor;
  readonly dims: readonly bigint[];
}

export interface OnnxAttribute {
  readonly name: string;
  /** ONNX `AttributeProto.AttributeType` (see `ATTRIBUTE_TYPE`). */
  readonly type: number;
  readonly f?: number;
  readonly i?: bigint;
  readonly s?: Uint8Array;
  readonly t?: OnnxTensor;
  readonly g?: OnnxGraph;
  readonly sparseTensor?: OnnxSparseTensor;
  readonly floats?: readonly number[];
  readonly ints?: readonly bigint[];
  readonly graphs?: readonly OnnxGraph[];
}

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  /** '' or 'ai.onnx' for the standard operators. */
  readonly domain?: string;
  /** '' marks an omitted optional input. */
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute?: readonly OnnxAttribute[];
}

type OnnxDimension = { readonly case: 'dimValue'; readonly value: bigint } | { readonly case: 'dimParam'; readonly value: string } | { readonly case: undefined; readonly value?: undefined };

export interface OnnxTensorType {
  readonly elemType: number;
  readonly shape?: { readonly dim: readonly { readonly value: OnnxDimension }[] };
}

export interface OnnxValueInfo {
  readonly name: string;
  readonly type?: {
    readonly value:
      | { readonly case: 'tensorType'; readonly value: OnnxTensorType }
      | { readonly case: 'sequenceType' | 'mapType' | 'optionalType' | 'sparseTensorType' | undefined; readonly value?: unknown };
  };
}

export interface OnnxGraph {
  readonly node: readonly OnnxNode[];
  readonly initializer: readonly OnnxTensor[];
  readonly sparseInitializer?: readonly OnnxSparseTensor[];
  readonly input: readonly OnnxValueInfo[];
  readonly output: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly graph?: OnnxGraph;
  readonly metadataProps?: readonly { readonly key: string; readonly value: string }[];
}

type Assert<T extends true> = T;
/** Compiles only while @cristal/onnx's decoded ModelProto can be passed wherever an `OnnxModel` is read. */
export type DecodedModelIsReadable = Assert<ReturnType<typeof decodeModel> extends OnnxModel ? true : false>;

/** `TensorProto.DataType` numbers from onnx.proto (stable: they are the file format). */
export const ONNX_DATA_TYPE = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16,
  FLOAT8E4M3FN: 17,
  FLOAT8E4M3FNUZ: 18,
  FLOAT8E5M2: 19,
  FLOAT8E5M2FNUZ: 20,
  FLOAT4E2M1: 23,
  FLOAT8E8M0: 24,
} as const;

/** `AttributeProto.AttributeType` numbers from onnx.proto. */
export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10, SPARSE_TENSOR: 11 } as const;

/** `TensorProto.DataLocation.EXTERNAL`. */
const EXTERNAL_DATA = 1;

const FLOATING_POINT = new Set<number>([
  ONNX_DATA_TYPE.FLOAT,
  ONNX_DATA_TYPE.FLOAT16,
  ONNX_DATA_TYPE.DOUBLE,
  ONNX_DATA_TYPE.BFLOAT16,
  // the 8- and 4-bit float formats are weights too (quantised models); they never hold shapes
  ONNX_DATA_TYPE.FLOAT8E4M3FN,
  ONNX_DATA_TYPE.FLOAT8E4M3FNUZ,
  ONNX_DATA_TYPE.FLOAT8E5M2,
  ONNX_DATA_TYPE.FLOAT8E5M2FNUZ,
  ONNX_DATA_TYPE.FLOAT4E2M1,
  ONNX_DATA_TYPE.FLOAT8E8M0,
]);

/** Bytes per element of the integer types whose values the shape pass may need, with their signedness. */
const INTEGER_LAYOUT: Partial<Record<number, { bytes: number; signed: boolean }>> = {
  [ONNX_DATA_TYPE.UINT8]: { bytes: 1, signed: false },
  [ONNX_DATA_TYPE.INT8]: { bytes: 1, signed: true },
  [ONNX_DATA_TYPE.UINT16]: { bytes: 2, signed: false },
  [ONNX_DATA_TYPE.INT16]: { bytes: 2, signed: true },
  [ONNX_DATA_TYPE.INT32]: { bytes: 4, signed: true },
  [ONNX_DATA_TYPE.INT64]: { bytes: 8, signed: true },
  [ONNX_DATA_TYPE.BOOL]: { bytes: 1, signed: false },
  [ONNX_DATA_TYPE.UINT32]: { bytes: 4, signed: false },
  [ONNX_DATA_TYPE.UINT64]: { bytes: 8, signed: false },
};

export function isFloatingPoint(dataType: number): boolean {
  return FLOATING_POINT.has(dataType);
}

export function isInteger(dataType: number): boolean {
  return INTEGER_LAYOUT[dataType] !== undefined;
}

/** Elements of a tensor with these dims (a scalar, `[]`, has one). */
export function elementCount(dims: readonly bigint[]): number {
  return dims.reduce((n, d) => n * Number(d), 1);
}

function readRawInteger(view: DataView, offset: number, bytes: number, signed: boolean): number {
  switch (bytes) {
    case 1:
      return signed ? view.getInt8(offset) : view.getUint8(offset);
    case 2:
      return signed ? view.getInt16(offset, true) : view.getUint16(offset, true);
    case 4:
      return signed ? view.getInt32(offset, true) : view.getUint32(offset, true);
    default:
      return Number(signed ? view.getBigInt64(offset, true) : view.getBigUint64(offset, true));
  }
}

/**
 * The values of an integer (or bool) tensor as numbers, from `raw_data` (little-endian, as ONNX
 * specifies) or the typed fields; undefined when the tensor is not an integer type or its data is
 * external. int64 values beyond 2^53 (INT64_MAX as Slice's "to the end") lose precision, which only
 * matters for values that are clamped to a dimension anyway.
 */
export function readIntegerValues(tensor: OnnxTensor): number[] | undefined {
  const layout = INTEGER_LAYOUT[tensor.dataType];
  if (!layout || tensor.dataLocation === EXTERNAL_DATA) return undefined;
  const count = elementCount(tensor.dims);
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== count * layout.bytes) return undefined;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: count }, (_, i) => readRawInteger(view, i * layout.bytes, layout.bytes, layout.signed));
  }
  const typed =
    tensor.dataType === ONNX_DATA_TYPE.INT64
      ? tensor.int64Data?.map(Number)
      : tensor.dataType === ONNX_DATA_TYPE.UINT32 || tensor.dataType === ONNX_DATA_TYPE.UINT64
        ? tensor.uint64Data?.map(Number)
        : tensor.int32Data;
  const values = typed ? [...typed] : [];
  return values.length === count ? values : undefined;
}

/** One attribute of `node` by name. */
export function findAttribute(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attribute?.find((a) => a.name === name);
}
