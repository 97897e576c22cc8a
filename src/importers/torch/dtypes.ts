import { DataType } from '../../ir/dtype.js';

/**
 * c10::ScalarType numbers, the dtype numbering of TorchScript code and of source nodes in the `aten`
 * domain (the .pt2 importer converts its export-schema numbering to these; see Note [source node
 * arguments]). Read off torch 2.13 with `int(dtype)` in TorchScript.
 */
const C10_TO_ONNX: ReadonlyMap<number, DataType> = new Map([
  [0, DataType.UINT8],
  [1, DataType.INT8],
  [2, DataType.INT16],
  [3, DataType.INT32],
  [4, DataType.INT64],
  [5, DataType.FLOAT16],
  [6, DataType.FLOAT],
  [7, DataType.DOUBLE],
  [9, DataType.COMPLEX64],
  [10, DataType.COMPLEX128],
  [11, DataType.BOOL],
  [15, DataType.BFLOAT16],
  [23, DataType.FLOAT8E5M2],
  [24, DataType.FLOAT8E4M3FN],
  [25, DataType.FLOAT8E5M2FNUZ],
  [26, DataType.FLOAT8E4M3FNUZ],
  [27, DataType.UINT16],
  [28, DataType.UINT32],
  [29, DataType.UINT64],
  [44, DataType.FLOAT8E8M0],
]);

const ONNX_TO_C10: ReadonlyMap<DataType, number> = new Map([...C10_TO_ONNX].map(([c, d]) => [d, c]));

export function c10ToOnnx(scalarType: number): DataType | undefined {
  return C10_TO_ONNX.get(scalarType);
}

export function onnxToC10(dtype: DataType): number | undefined {
  return ONNX_TO_C10.get(dtype);
}

/** torch.export's ScalarType numbering (FORMATS.md §2.3), which differs from c10's. */
const EXPORT_TO_C10: ReadonlyMap<number, number> = new Map([
  [1, 0], // BYTE
  [2, 1], // CHAR
  [3, 2], // SHORT
  [4, 3], // INT
  [5, 4], // LONG
  [6, 5], // HALF
  [7, 6], // FLOAT
  [8, 7], // DOUBLE
  [9, 8], // COMPLEXHALF
  [10, 9], // COMPLEXFLOAT
  [11, 10], // COMPLEXDOUBLE
  [12, 11], // BOOL
  [13, 15], // BFLOAT16
  [28, 27], // UINT16
  [29, 24], // FLOAT8E4M3FN
  [30, 23], // FLOAT8E5M2
  [31, 26], // FLOAT8E4M3FNUZ
  [32, 25], // FLOAT8E5M2FNUZ
  [33, 44], // FLOAT8E8M0FNU
  [34, 28], // UINT32
  [35, 29], // UINT64
]);

export function exportScalarTypeToC10(n: number): number | undefined {
  return EXPORT_TO_C10.get(n);
}
