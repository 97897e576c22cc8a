import { describe, expect, it } from 'vitest';
import { DataType } from '../../../ir/dtype.js';
import { ScalarType, elementBytes, scalarTypeName, scalarTypeToDataType } from './scalar-type.js';
import { testdataProgram } from './testing.js';
import type { ExportedProgram } from './types.js';

describe('export ScalarType -> DataType', () => {
  it('maps the export numbering, not c10 (export 7 is float, 5 is int64, 6 is float16)', () => {
    expect(scalarTypeToDataType(7)).toBe(DataType.FLOAT);
    expect(scalarTypeToDataType(5)).toBe(DataType.INT64);
    expect(scalarTypeToDataType(6)).toBe(DataType.FLOAT16);
    expect(scalarTypeToDataType(4)).toBe(DataType.INT32);
  });

  it('maps every named export type but UNKNOWN and COMPLEXHALF', () => {
    const expected: Record<string, DataType | undefined> = {
      UNKNOWN: undefined,
      BYTE: DataType.UINT8,
      CHAR: DataType.INT8,
      SHORT: DataType.INT16,
      INT: DataType.INT32,
      LONG: DataType.INT64,
      HALF: DataType.FLOAT16,
      FLOAT: DataType.FLOAT,
      DOUBLE: DataType.DOUBLE,
      COMPLEXHALF: undefined,
      COMPLEXFLOAT: DataType.COMPLEX64,
      COMPLEXDOUBLE: DataType.COMPLEX128,
      BOOL: DataType.BOOL,
      BFLOAT16: DataType.BFLOAT16,
      UINT16: DataType.UINT16,
      FLOAT8E4M3FN: DataType.FLOAT8E4M3FN,
      FLOAT8E5M2: DataType.FLOAT8E5M2,
      FLOAT8E4M3FNUZ: DataType.FLOAT8E4M3FNUZ,
      FLOAT8E5M2FNUZ: DataType.FLOAT8E5M2FNUZ,
      FLOAT8E8M0FNU: DataType.FLOAT8E8M0,
      UINT32: DataType.UINT32,
      UINT64: DataType.UINT64,
    };
    const names = Object.keys(ScalarType).filter((k) => Number.isNaN(Number(k)));
    expect(names.sort()).toEqual(Object.keys(expected).sort());
    for (const name of names) {
      const st = ScalarType[name as keyof typeof ScalarType];
      expect(scalarTypeToDataType(st), name).toBe(expected[name]);
      expect(scalarTypeName(st)).toBe(name);
    }
  });

  it('leaves numbers it does not know unmapped and names them', () => {
    expect(scalarTypeToDataType(14)).toBeUndefined();
    expect(scalarTypeToDataType(36)).toBeUndefined();
    expect(scalarTypeName(36)).toBe('ScalarType(36)');
  });

  it('gives whole-byte element sizes', () => {
    expect(elementBytes(DataType.FLOAT)).toBe(4);
    expect(elementBytes(DataType.BOOL)).toBe(1);
    expect(elementBytes(DataType.COMPLEX128)).toBe(16);
    expect(elementBytes(DataType.BFLOAT16)).toBe(2);
  });

  it('agrees with the dtypes torch wrote for tensor.to(int32/float16) and int64 indices', () => {
    const p = testdataProgram('lifted-constant') as unknown as ExportedProgram;
    const tv = p.graph_module.graph.tensor_values;
    expect(scalarTypeToDataType(tv.idx!.dtype)).toBe(DataType.INT64);
    expect(scalarTypeToDataType(tv.to!.dtype)).toBe(DataType.INT32);
    expect(scalarTypeToDataType(tv.to_1!.dtype)).toBe(DataType.FLOAT16);
    const casts = p.graph_module.graph.nodes.filter((n) => n.target === 'torch.ops.aten.to.dtype');
    expect(casts.map((n) => n.inputs[1]?.arg.as_scalar_type)).toEqual([ScalarType.INT, ScalarType.HALF]);
  });
});
