import { DataType } from '../../ir/dtype.js';

/**
 * TensorFlow's DataType enum (types.proto) to ONNX's. The `_REF` variants (value + 100) are the same
 * types seen through a reference; resource and variant handles have no ONNX equivalent.
 */
const TF_TO_ONNX: ReadonlyMap<number, DataType> = new Map([
  [1, DataType.FLOAT],
  [2, DataType.DOUBLE],
  [3, DataType.INT32],
  [4, DataType.UINT8],
  [5, DataType.INT16],
  [6, DataType.INT8],
  [7, DataType.STRING],
  [8, DataType.COMPLEX64],
  [9, DataType.INT64],
  [10, DataType.BOOL],
  [14, DataType.BFLOAT16],
  [17, DataType.UINT16],
  [18, DataType.COMPLEX128],
  [19, DataType.FLOAT16],
  [22, DataType.UINT32],
  [23, DataType.UINT64],
  [24, DataType.FLOAT8E5M2],
  [25, DataType.FLOAT8E4M3FN],
]);

export function tfToOnnxDtype(tf: number): DataType | undefined {
  return TF_TO_ONNX.get(tf > 100 ? tf - 100 : tf);
}

/** TF.js and the op-case tables spell dtypes as names (`float32`, `int32`, `bool`). */
const NAMES: Readonly<Record<string, DataType>> = {
  float32: DataType.FLOAT,
  float64: DataType.DOUBLE,
  float16: DataType.FLOAT16,
  bfloat16: DataType.BFLOAT16,
  int32: DataType.INT32,
  int64: DataType.INT64,
  int16: DataType.INT16,
  int8: DataType.INT8,
  uint8: DataType.UINT8,
  uint16: DataType.UINT16,
  uint32: DataType.UINT32,
  uint64: DataType.UINT64,
  bool: DataType.BOOL,
  string: DataType.STRING,
  complex64: DataType.COMPLEX64,
};

export function dtypeFromName(name: string): DataType | undefined {
  return NAMES[name];
}
