/** Element types of the IDX format (LeCun's MNIST distribution format), named as TF.js names dtypes. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

interface IdxArrays {
  uint8: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

/**
 * A decoded IDX file. A union over dtypes so that checking `dtype` narrows `data` to the matching
 * typed array.
 */
export type IdxTensor<D extends IdxDtype = IdxDtype> = {
  [K in D]: { dtype: K; dims: number[]; data: IdxArrays[K] };
}[D];

export type IdxData = IdxArrays[IdxDtype];

/** The third byte of the magic number. */
export const IDX_TYPE_CODES: Readonly<Record<IdxDtype, number>> = {
  uint8: 0x08,
  int8: 0x09,
  int16: 0x0b,
  int32: 0x0c,
  float32: 0x0d,
  float64: 0x0e,
};

export const IDX_BYTES_PER_ELEMENT: Readonly<Record<IdxDtype, number>> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  float32: 4,
  float64: 8,
};

export const IDX_ARRAY_TYPES = {
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

export function idxDtypeOfCode(code: number): IdxDtype | undefined {
  return (Object.keys(IDX_TYPE_CODES) as IdxDtype[]).find((dtype) => IDX_TYPE_CODES[dtype] === code);
}

export function hexByte(value: number): string {
  return `0x${value.toString(16).padStart(2, '0')}`;
}

/** "0x08 (uint8), 0x09 (int8), ..." for error messages. */
export function describeIdxTypeCodes(): string {
  return (Object.keys(IDX_TYPE_CODES) as IdxDtype[]).map((dtype) => `${hexByte(IDX_TYPE_CODES[dtype])} (${dtype})`).join(', ');
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}
