import { TensorProto_DataType } from 'onnx-buf';

/** The element types our graphs use; ONNX numbers them in `TensorProto.DataType`. */
export type DType = 'float32' | 'int64' | 'int32' | 'bool';

const toOnnx: Record<DType, TensorProto_DataType> = {
  float32: TensorProto_DataType.FLOAT,
  int64: TensorProto_DataType.INT64,
  int32: TensorProto_DataType.INT32,
  bool: TensorProto_DataType.BOOL,
};

export function onnxDataType(dtype: DType): TensorProto_DataType {
  return toOnnx[dtype];
}

/** Any ONNX element type by its usual short name, for messages about foreign models (`float64`, ...). */
export function dataTypeName(type: number): string {
  const known: Partial<Record<number, string>> = {
    [TensorProto_DataType.FLOAT]: 'float32',
    [TensorProto_DataType.DOUBLE]: 'float64',
    [TensorProto_DataType.FLOAT16]: 'float16',
    [TensorProto_DataType.BFLOAT16]: 'bfloat16',
    [TensorProto_DataType.INT64]: 'int64',
    [TensorProto_DataType.INT32]: 'int32',
    [TensorProto_DataType.INT16]: 'int16',
    [TensorProto_DataType.INT8]: 'int8',
    [TensorProto_DataType.UINT8]: 'uint8',
    [TensorProto_DataType.BOOL]: 'bool',
    [TensorProto_DataType.STRING]: 'string',
    [TensorProto_DataType.UNDEFINED]: 'undefined',
  };
  return known[type] ?? `onnx-type-${type}`;
}
