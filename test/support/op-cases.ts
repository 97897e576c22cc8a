/**
 * Shared by the op-case runners (test/torch-ops, test/tf-ops): the JSON tensor form the Python case
 * scripts write, feeding it to onnxruntime, and comparing onnxruntime's outputs with the framework's.
 */
import * as ort from 'onnxruntime-node';
import { DataType } from '../../src/ir/dtype.js';
import { ArrayTensor, type Tensor } from '../../src/ir/tensor.js';

export interface TensorJson {
  dtype: string;
  shape: number[];
  data: (number | string)[];
}

/** Every case carries its tolerance. */
export interface Tolerances {
  rtol: number;
  atol: number;
}

export const DTYPES: Record<string, { onnx: DataType; ort: ort.Tensor.Type }> = {
  float32: { onnx: DataType.FLOAT, ort: 'float32' },
  float64: { onnx: DataType.DOUBLE, ort: 'float64' },
  float16: { onnx: DataType.FLOAT16, ort: 'float16' },
  int64: { onnx: DataType.INT64, ort: 'int64' },
  int32: { onnx: DataType.INT32, ort: 'int32' },
  int16: { onnx: DataType.INT16, ort: 'int16' },
  int8: { onnx: DataType.INT8, ort: 'int8' },
  uint8: { onnx: DataType.UINT8, ort: 'uint8' },
  bool: { onnx: DataType.BOOL, ort: 'bool' },
};

export function num(v: number | string): number {
  return typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
}

export function ortTensor(t: TensorJson): ort.Tensor {
  const d = DTYPES[t.dtype]!;
  const data =
    t.dtype === 'int64'
      ? BigInt64Array.from(t.data, (v) => BigInt(v))
      : t.dtype === 'bool'
        ? Uint8Array.from(t.data, num)
        : t.dtype === 'float64'
          ? Float64Array.from(t.data, num)
          : t.dtype === 'int32'
            ? Int32Array.from(t.data, num)
            : t.dtype === 'int8'
              ? Int8Array.from(t.data, num)
              : t.dtype === 'uint8'
                ? Uint8Array.from(t.data, num)
                : Float32Array.from(t.data, num);
  return new ort.Tensor(d.ort, t.dtype === 'bool' ? Array.from(data as Uint8Array, (x) => x !== 0) : data, t.shape);
}

/** The same data as an IR tensor (for constant inputs). */
export function irTensor(t: TensorJson): Tensor {
  const d = DTYPES[t.dtype]!;
  const data =
    t.dtype === 'int64'
      ? BigInt64Array.from(t.data, (v) => BigInt(v))
      : t.dtype === 'float64'
        ? Float64Array.from(t.data, num)
        : t.dtype === 'int32'
          ? Int32Array.from(t.data, num)
          : t.dtype === 'int8'
            ? Int8Array.from(t.data, num)
            : t.dtype === 'int16'
              ? Int16Array.from(t.data, num)
              : t.dtype === 'uint8' || t.dtype === 'bool'
                ? Uint8Array.from(t.data, num)
                : Float32Array.from(t.data, num);
  return new ArrayTensor(d.onnx, t.shape, data);
}

export function compare(got: ort.Tensor, want: TensorJson, c: Tolerances, i: number): string | undefined {
  if (got.type !== DTYPES[want.dtype]!.ort) return `output ${i}: dtype ${got.type}, torch ${want.dtype}`;
  if (got.dims.join(',') !== want.shape.join(',')) return `output ${i}: shape [${got.dims}], torch [${want.shape}]`;
  const g = Array.from(got.data as ArrayLike<number | bigint | boolean>, (x) => Number(x));
  const w = want.data.map(num);
  for (let k = 0; k < w.length; k++) {
    const a = g[k]!;
    const e = w[k]!;
    if (Number.isNaN(e) ? !Number.isNaN(a) : Math.abs(a - e) > c.atol + c.rtol * Math.abs(e)) {
      return `output ${i}[${k}]: ${a}, torch ${e} (rtol ${c.rtol}, atol ${c.atol})`;
    }
  }
  return undefined;
}
