import { DataType } from '../dtype.js';
import type { ConstantData } from '../ops/infer-context.js';
import type { Tensor } from '../tensor.js';

/** Constants above this many elements are not offered to rules: shape logic never needs them. */
export const MAX_CONSTANT_ELEMENTS = 4096;

const NUMERIC = new Set<DataType>([
  DataType.FLOAT,
  DataType.DOUBLE,
  DataType.INT8,
  DataType.UINT8,
  DataType.INT16,
  DataType.UINT16,
  DataType.INT32,
  DataType.UINT32,
  DataType.INT64,
  DataType.UINT64,
  DataType.BOOL,
]);

/** The values of a small numeric tensor in ConstantData form; undefined when too large or not numeric. */
export function tensorToConstant(t: Tensor): ConstantData | undefined {
  if (!NUMERIC.has(t.dtype) || t.size > MAX_CONSTANT_ELEMENTS) return undefined;
  const arr = t.toArray();
  const values =
    arr instanceof BigInt64Array || arr instanceof BigUint64Array ? Array.from(arr) : Array.from(arr as ArrayLike<number>);
  return { dtype: t.dtype, dims: [...t.dims], values: values as number[] | bigint[] };
}
