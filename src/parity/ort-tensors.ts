import ort from 'onnxruntime-node';
import { DataType, dataTypeName } from '../ir/dtype.js';
import { UsageError } from '../ir/errors.js';
import { StringTensor, type Tensor } from '../ir/tensor.js';

const ORT_TYPES: Partial<Record<DataType, ort.Tensor.Type>> = {
  [DataType.FLOAT]: 'float32',
  [DataType.DOUBLE]: 'float64',
  [DataType.FLOAT16]: 'float16',
  [DataType.INT8]: 'int8',
  [DataType.UINT8]: 'uint8',
  [DataType.INT16]: 'int16',
  [DataType.UINT16]: 'uint16',
  [DataType.INT32]: 'int32',
  [DataType.UINT32]: 'uint32',
  [DataType.INT64]: 'int64',
  [DataType.UINT64]: 'uint64',
  [DataType.BOOL]: 'bool',
  [DataType.STRING]: 'string',
};

/**
 * An IR tensor as an onnxruntime feed. Numbers are copied: a zero-copy view into a .pb file may sit at
 * any alignment, and onnxruntime's kernels take alignment-dependent paths that round differently.
 */
export function toOrtTensor(t: Tensor, what: string): ort.Tensor {
  const type = ORT_TYPES[t.dtype];
  if (type === undefined) throw new UsageError(`${what} is ${dataTypeName(t.dtype)}, which onnxruntime-node cannot take`);
  if (t instanceof StringTensor) return new ort.Tensor('string', t.texts(), [...t.dims]);
  const data = t.toArray().slice();
  return new ort.Tensor(type, (t.dtype === DataType.BOOL ? Array.from(data as Uint8Array, (x) => x !== 0) : data) as never, [...t.dims]);
}

/** Flat numeric data of an onnxruntime output (bool as 0/1, bigint kept). */
export function ortData(t: ort.Tensor): ArrayLike<number | bigint | boolean> {
  return t.data as ArrayLike<number | bigint | boolean>;
}
