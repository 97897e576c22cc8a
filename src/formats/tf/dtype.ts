/**
 * TensorFlow's DataType numbers (tensorflow.DataType, generated/tf-types.ts) against the IR's element types.
 * TF numbers its types differently from ONNX (DT_INT32 = 3, ONNX INT32 = 6), so every number that comes
 * from a TF file goes through this table.
 */
import { DataType } from '../../ir/dtype.js';
import { DataType as TfDataType } from './generated/tf-types.js';

/** TF number -> IR type, for the types that have an IR equivalent. */
const TO_IR = new Map<number, DataType>([
  [TfDataType.DT_FLOAT, DataType.FLOAT],
  [TfDataType.DT_DOUBLE, DataType.DOUBLE],
  [TfDataType.DT_INT32, DataType.INT32],
  [TfDataType.DT_UINT8, DataType.UINT8],
  [TfDataType.DT_INT16, DataType.INT16],
  [TfDataType.DT_INT8, DataType.INT8],
  [TfDataType.DT_STRING, DataType.STRING],
  [TfDataType.DT_COMPLEX64, DataType.COMPLEX64],
  [TfDataType.DT_INT64, DataType.INT64],
  [TfDataType.DT_BOOL, DataType.BOOL],
  [TfDataType.DT_BFLOAT16, DataType.BFLOAT16],
  [TfDataType.DT_UINT16, DataType.UINT16],
  [TfDataType.DT_COMPLEX128, DataType.COMPLEX128],
  [TfDataType.DT_HALF, DataType.FLOAT16],
  [TfDataType.DT_UINT32, DataType.UINT32],
  [TfDataType.DT_UINT64, DataType.UINT64],
  [TfDataType.DT_FLOAT8_E5M2, DataType.FLOAT8E5M2],
  [TfDataType.DT_FLOAT8_E4M3FN, DataType.FLOAT8E4M3FN],
  [TfDataType.DT_FLOAT8_E4M3FNUZ, DataType.FLOAT8E4M3FNUZ],
  [TfDataType.DT_FLOAT8_E5M2FNUZ, DataType.FLOAT8E5M2FNUZ],
  [TfDataType.DT_INT4, DataType.INT4],
  [TfDataType.DT_UINT4, DataType.UINT4],
  [TfDataType.DT_INT2, DataType.INT2],
  [TfDataType.DT_UINT2, DataType.UINT2],
  [TfDataType.DT_FLOAT4_E2M1FN, DataType.FLOAT4E2M1],
]);

const NAMES = new Map<number, string>(Object.entries(TfDataType).map(([name, n]) => [n, name]));

/** `DT_FLOAT` for 1; `DT_<n>?` for numbers TF 2.21 does not define. */
export function tfDataTypeName(dt: number): string {
  return NAMES.get(dt) ?? `DT_${dt}?`;
}

/** The TF number for a name such as `DT_FLOAT` (the protobuf JSON spelling), or undefined. */
export function tfDataTypeFromName(name: string): number | undefined {
  return Object.hasOwn(TfDataType, name) ? TfDataType[name as keyof typeof TfDataType] : undefined;
}

/**
 * The IR type of a TF type; `*_REF` types (TF1 reference edges) count as their value type. Undefined for
 * types with no IR equivalent: DT_RESOURCE, DT_VARIANT, the quantized DT_Q* kinds, DT_FLOAT8_E4M3B11FNUZ.
 */
export function irDataTypeOf(dt: number): DataType | undefined {
  return TO_IR.get(dt > 100 ? dt - 100 : dt);
}

const FROM_IR = new Map<DataType, number>([...TO_IR].map(([tf, ir]) => [ir, tf]));

/** The TF number of an IR type, or undefined when TF has none (FLOAT8E8M0, FLOAT6 kinds). */
export function tfDataTypeOf(dtype: DataType): number | undefined {
  return FROM_IR.get(dtype);
}
