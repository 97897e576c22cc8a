/**
 * The runtime's tensor, in the onnxruntime-js style: a `type` string, `dims` and a flat `data` array.
 * int64 is a BigInt64Array, float16 and bfloat16 hold their 16-bit patterns in a Uint16Array, the float8
 * kinds (float8e8m0 included) their 8-bit patterns in a Uint8Array, float4e2m1 its 4-bit pattern in the low
 * nibble of a byte, int4/uint4 and int2/uint2 one element per byte (Int8Array/Uint8Array; packed two or four
 * per byte only in IR tensors), bool is 0/1 bytes.
 * Conversions to and from IR tensors live here so the rest of the runtime speaks one form.
 */
import { DataType, dataTypeName } from '../ir/dtype.js';
import { UsageError } from '../ir/errors.js';
import { ArrayTensor, StringTensor, type Tensor as IrTensor } from '../ir/tensor.js';

export type TensorType =
  | 'float32' | 'float64' | 'float16' | 'int8' | 'uint8' | 'int16' | 'uint16'
  | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool' | 'string'
  | 'bfloat16' | 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'int4' | 'uint4'
  | 'int2' | 'uint2' | 'float4e2m1' | 'float8e8m0';

export type NumericData =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;
export type TensorData = NumericData | string[];

const TYPE_OF_DTYPE: Partial<Record<DataType, TensorType>> = {
  [DataType.FLOAT]: 'float32', [DataType.DOUBLE]: 'float64', [DataType.FLOAT16]: 'float16',
  [DataType.INT8]: 'int8', [DataType.UINT8]: 'uint8', [DataType.INT16]: 'int16', [DataType.UINT16]: 'uint16',
  [DataType.INT32]: 'int32', [DataType.UINT32]: 'uint32', [DataType.INT64]: 'int64', [DataType.UINT64]: 'uint64',
  [DataType.BOOL]: 'bool', [DataType.STRING]: 'string',
  [DataType.BFLOAT16]: 'bfloat16', [DataType.FLOAT8E4M3FN]: 'float8e4m3fn', [DataType.FLOAT8E4M3FNUZ]: 'float8e4m3fnuz',
  [DataType.FLOAT8E5M2]: 'float8e5m2', [DataType.FLOAT8E5M2FNUZ]: 'float8e5m2fnuz', [DataType.INT4]: 'int4', [DataType.UINT4]: 'uint4',
  [DataType.INT2]: 'int2', [DataType.UINT2]: 'uint2', [DataType.FLOAT4E2M1]: 'float4e2m1', [DataType.FLOAT8E8M0]: 'float8e8m0',
};
const DTYPE_OF_TYPE = Object.fromEntries(Object.entries(TYPE_OF_DTYPE).map(([d, t]) => [t, Number(d)])) as Record<TensorType, DataType>;

type ArrayCtor = new (n: number) => NumericData;
const CTORS: Record<Exclude<TensorType, 'string'>, ArrayCtor> = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array, int8: Int8Array, uint8: Uint8Array,
  int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array,
  uint64: BigUint64Array, bool: Uint8Array, bfloat16: Uint16Array, float8e4m3fn: Uint8Array, float8e4m3fnuz: Uint8Array,
  float8e5m2: Uint8Array, float8e5m2fnuz: Uint8Array, int4: Int8Array, uint4: Uint8Array,
  int2: Int8Array, uint2: Uint8Array, float4e2m1: Uint8Array, float8e8m0: Uint8Array,
};

export function tensorTypeOf(dtype: DataType): TensorType | undefined {
  return TYPE_OF_DTYPE[dtype];
}
export function dataTypeOf(type: TensorType): DataType {
  return DTYPE_OF_TYPE[type];
}
export function isBigType(type: TensorType): type is 'int64' | 'uint64' {
  return type === 'int64' || type === 'uint64';
}
export function isFloatType(type: TensorType): boolean {
  return type === 'float32' || type === 'float64' || type === 'float16' || type === 'bfloat16' || type.startsWith('float8') || type === 'float4e2m1';
}
export function bytesPerElement(type: TensorType): number {
  return type === 'string' ? 0 : (CTORS[type] as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
}

export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** A zero-filled array for `n` elements of `type`. */
export function allocData(type: TensorType, n: number): TensorData {
  if (type === 'string') return new Array<string>(n).fill('');
  return new CTORS[type](n);
}

/** A view of `n` elements of `type` over `buffer` (the memory plan's reuse path). */
export function viewData(type: Exclude<TensorType, 'string'>, buffer: ArrayBuffer, n: number): NumericData {
  const C = CTORS[type] as unknown as new (b: ArrayBuffer, o: number, n: number) => NumericData;
  return new C(buffer, 0, n);
}

export class Tensor {
  readonly type: TensorType;
  readonly dims: readonly number[];
  readonly data: TensorData;

  constructor(type: TensorType, data: TensorData | readonly number[] | readonly bigint[] | readonly boolean[], dims?: readonly number[]) {
    this.type = type;
    this.dims = dims ?? [data.length];
    this.data = Array.isArray(data) || !ArrayBuffer.isView(data) ? fromList(type, data as unknown[]) : (data as TensorData);
    if (this.data.length !== sizeOf(this.dims)) {
      throw new UsageError(`tensor of dims [${this.dims.join(',')}] needs ${sizeOf(this.dims)} elements, got ${this.data.length}`);
    }
  }

  get size(): number {
    return this.data.length;
  }

  /** The numeric data; throws for string tensors. */
  get numeric(): NumericData {
    if (this.type === 'string') throw new UsageError('string tensor has no numeric data');
    return this.data as NumericData;
  }
}

function fromList(type: TensorType, list: readonly unknown[]): TensorData {
  if (type === 'string') return list.map(String);
  const out = allocData(type, list.length) as NumericData;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (isBigType(type)) (out as BigInt64Array)[i] = BigInt(v as number | bigint);
    else (out as Float32Array)[i] = typeof v === 'boolean' ? Number(v) : Number(v);
  }
  return out;
}

/** Runtime tensor of an IR tensor (zero-copy view when the IR bytes allow it). */
export function fromIrTensor(t: IrTensor): Tensor {
  const type = tensorTypeOf(t.dtype);
  if (type === undefined) throw new UsageError(`the CPU runtime has no support for ${dataTypeName(t.dtype)} tensors yet`);
  if (t instanceof StringTensor) return new Tensor('string', t.texts(), t.dims);
  return new Tensor(type, t.toArray() as NumericData, t.dims);
}

/** IR tensor holding (a view of) a runtime tensor's values. */
export function toIrTensor(t: Tensor): IrTensor {
  if (t.type === 'string') return new StringTensor(t.dims, (t.data as string[]).map((s) => new TextEncoder().encode(s)));
  return new ArrayTensor(dataTypeOf(t.type), t.dims, t.data as NumericData);
}
