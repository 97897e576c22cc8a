/**
 * Element types, numbered as ONNX's TensorProto.DataType so that the number is the identity everywhere
 * (wire format, schemas, kernels). `bits` is the storage width of one element in raw (packed) form.
 */
export enum DataType {
  UNDEFINED = 0,
  FLOAT = 1,
  UINT8 = 2,
  INT8 = 3,
  UINT16 = 4,
  INT16 = 5,
  INT32 = 6,
  INT64 = 7,
  STRING = 8,
  BOOL = 9,
  FLOAT16 = 10,
  DOUBLE = 11,
  UINT32 = 12,
  UINT64 = 13,
  COMPLEX64 = 14,
  COMPLEX128 = 15,
  BFLOAT16 = 16,
  FLOAT8E4M3FN = 17,
  FLOAT8E4M3FNUZ = 18,
  FLOAT8E5M2 = 19,
  FLOAT8E5M2FNUZ = 20,
  UINT4 = 21,
  INT4 = 22,
  FLOAT4E2M1 = 23,
  FLOAT8E8M0 = 24,
  UINT2 = 25,
  INT2 = 26,
  /** ONNX HEAD (IR 14); not in onnx 1.22's schemas yet. */
  FLOAT6E2M3 = 27,
  FLOAT6E3M2 = 28,
}

export interface DataTypeInfo {
  readonly dtype: DataType;
  /** ONNX's name, as in TensorProto.DataType. */
  readonly name: string;
  /** The schema type-constraint spelling, e.g. `tensor(float)`. */
  readonly typeStr: string;
  /** Bits per element in raw_data; 0 for STRING (variable length). */
  readonly bits: number;
  readonly isFloat: boolean;
  readonly isSigned: boolean;
  readonly isInteger: boolean;
}

function info(
  dtype: DataType,
  typeName: string,
  bits: number,
  kind: 'float' | 'int' | 'uint' | 'bool' | 'string' | 'complex' | 'none',
): DataTypeInfo {
  return {
    dtype,
    name: DataType[dtype],
    typeStr: `tensor(${typeName})`,
    bits,
    isFloat: kind === 'float',
    isSigned: kind === 'float' || kind === 'int' || kind === 'complex',
    isInteger: kind === 'int' || kind === 'uint',
  };
}

const TABLE: readonly DataTypeInfo[] = [
  info(DataType.UNDEFINED, 'undefined', 0, 'none'),
  info(DataType.FLOAT, 'float', 32, 'float'),
  info(DataType.UINT8, 'uint8', 8, 'uint'),
  info(DataType.INT8, 'int8', 8, 'int'),
  info(DataType.UINT16, 'uint16', 16, 'uint'),
  info(DataType.INT16, 'int16', 16, 'int'),
  info(DataType.INT32, 'int32', 32, 'int'),
  info(DataType.INT64, 'int64', 64, 'int'),
  info(DataType.STRING, 'string', 0, 'string'),
  info(DataType.BOOL, 'bool', 8, 'bool'),
  info(DataType.FLOAT16, 'float16', 16, 'float'),
  info(DataType.DOUBLE, 'double', 64, 'float'),
  info(DataType.UINT32, 'uint32', 32, 'uint'),
  info(DataType.UINT64, 'uint64', 64, 'uint'),
  info(DataType.COMPLEX64, 'complex64', 64, 'complex'),
  info(DataType.COMPLEX128, 'complex128', 128, 'complex'),
  info(DataType.BFLOAT16, 'bfloat16', 16, 'float'),
  info(DataType.FLOAT8E4M3FN, 'float8e4m3fn', 8, 'float'),
  info(DataType.FLOAT8E4M3FNUZ, 'float8e4m3fnuz', 8, 'float'),
  info(DataType.FLOAT8E5M2, 'float8e5m2', 8, 'float'),
  info(DataType.FLOAT8E5M2FNUZ, 'float8e5m2fnuz', 8, 'float'),
  info(DataType.UINT4, 'uint4', 4, 'uint'),
  info(DataType.INT4, 'int4', 4, 'int'),
  info(DataType.FLOAT4E2M1, 'float4e2m1', 4, 'float'),
  info(DataType.FLOAT8E8M0, 'float8e8m0', 8, 'float'),
  info(DataType.UINT2, 'uint2', 2, 'uint'),
  info(DataType.INT2, 'int2', 2, 'int'),
  info(DataType.FLOAT6E2M3, 'float6e2m3', 6, 'float'),
  info(DataType.FLOAT6E3M2, 'float6e3m2', 6, 'float'),
];

const BY_TYPE_STR = new Map(TABLE.map((t) => [t.typeStr, t]));

export function isKnownDataType(n: number): n is DataType {
  return Number.isInteger(n) && n > 0 && n < TABLE.length;
}

export function dataTypeInfo(dtype: DataType): DataTypeInfo {
  const t = TABLE[dtype];
  if (t === undefined) throw new RangeError(`unknown data type ${dtype}`);
  return t;
}

export function dataTypeName(dtype: number): string {
  return TABLE[dtype]?.name ?? `UNKNOWN(${dtype})`;
}

/** `tensor(float)` -> FLOAT; undefined for non-tensor type strings. */
export function dataTypeFromTypeStr(typeStr: string): DataType | undefined {
  return BY_TYPE_STR.get(typeStr)?.dtype;
}

/** Bytes that `count` elements take in raw_data (sub-byte types pack, rounding up). */
export function rawByteLength(dtype: DataType, count: number): number {
  const bits = dataTypeInfo(dtype).bits;
  if (bits === 0) throw new RangeError(`${dataTypeName(dtype)} has no fixed width`);
  return Math.ceil((count * bits) / 8);
}

/** The typed array that holds decoded values of a dtype, in the onnxruntime-js convention. */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;
