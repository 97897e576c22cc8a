/**
 * torch.export's ScalarType numbering (torch/_export/serde/schema.py), which is NOT c10's
 * (c10 has Float = 6, Long = 4; export has FLOAT = 7, LONG = 5), mapped to our DataType.
 */
import { DataType, dataTypeInfo } from '../../../ir/dtype.js';

export enum ScalarType {
  UNKNOWN = 0,
  BYTE = 1,
  CHAR = 2,
  SHORT = 3,
  INT = 4,
  LONG = 5,
  HALF = 6,
  FLOAT = 7,
  DOUBLE = 8,
  COMPLEXHALF = 9,
  COMPLEXFLOAT = 10,
  COMPLEXDOUBLE = 11,
  BOOL = 12,
  BFLOAT16 = 13,
  UINT16 = 28,
  FLOAT8E4M3FN = 29,
  FLOAT8E5M2 = 30,
  FLOAT8E4M3FNUZ = 31,
  FLOAT8E5M2FNUZ = 32,
  FLOAT8E8M0FNU = 33,
  UINT32 = 34,
  UINT64 = 35,
}

/** COMPLEXHALF and UNKNOWN have no DataType; they stay out of the table. */
const TO_DATA_TYPE: ReadonlyMap<number, DataType> = new Map([
  [ScalarType.BYTE, DataType.UINT8],
  [ScalarType.CHAR, DataType.INT8],
  [ScalarType.SHORT, DataType.INT16],
  [ScalarType.INT, DataType.INT32],
  [ScalarType.LONG, DataType.INT64],
  [ScalarType.HALF, DataType.FLOAT16],
  [ScalarType.FLOAT, DataType.FLOAT],
  [ScalarType.DOUBLE, DataType.DOUBLE],
  [ScalarType.COMPLEXFLOAT, DataType.COMPLEX64],
  [ScalarType.COMPLEXDOUBLE, DataType.COMPLEX128],
  [ScalarType.BOOL, DataType.BOOL],
  [ScalarType.BFLOAT16, DataType.BFLOAT16],
  [ScalarType.UINT16, DataType.UINT16],
  [ScalarType.FLOAT8E4M3FN, DataType.FLOAT8E4M3FN],
  [ScalarType.FLOAT8E5M2, DataType.FLOAT8E5M2],
  [ScalarType.FLOAT8E4M3FNUZ, DataType.FLOAT8E4M3FNUZ],
  [ScalarType.FLOAT8E5M2FNUZ, DataType.FLOAT8E5M2FNUZ],
  [ScalarType.FLOAT8E8M0FNU, DataType.FLOAT8E8M0],
  [ScalarType.UINT32, DataType.UINT32],
  [ScalarType.UINT64, DataType.UINT64],
]);

/** Our DataType for an export ScalarType, or undefined when there is none (UNKNOWN, COMPLEXHALF, unknown numbers). */
export function scalarTypeToDataType(st: number): DataType | undefined {
  return TO_DATA_TYPE.get(st);
}

/** `FLOAT`, `LONG`, ... or `ScalarType(40)` for a number this table does not know. */
export function scalarTypeName(st: number): string {
  const name = (ScalarType as unknown as Record<number, string | undefined>)[st];
  return name ?? `ScalarType(${st})`;
}

/** Bytes per element of a DataType that torch stores whole-byte (every type the table above yields). */
export function elementBytes(dtype: DataType): number {
  return dataTypeInfo(dtype).bits / 8;
}
