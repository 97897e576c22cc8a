import { describe, expect, it } from 'vitest';
import { DataType } from '../dtype.js';
import { tensorType } from '../types.js';
import { mergeTypes, TypeConflict } from './merge-types.js';

describe('mergeTypes', () => {
  it('keeps every known fact: numbers beat symbols, symbols beat unknowns', () => {
    const declared = tensorType(DataType.FLOAT, ['N', null, 3]);
    const inferred = tensorType(DataType.FLOAT, [null, 7, 3]);
    expect(mergeTypes(declared, inferred)).toEqual(tensorType(DataType.FLOAT, ['N', 7, 3]));
  });

  it('fills an undefined element type and an unknown rank', () => {
    expect(mergeTypes(tensorType(DataType.UNDEFINED), tensorType(DataType.INT64, [2]))).toEqual(tensorType(DataType.INT64, [2]));
  });

  it('reports contradictions with both sides in the message', () => {
    expect(() => mergeTypes(tensorType(DataType.FLOAT, [2, 3]), tensorType(DataType.FLOAT, [2, 4]))).toThrow(TypeConflict);
    expect(() => mergeTypes(tensorType(DataType.FLOAT, [2]), tensorType(DataType.FLOAT, [2, 1]))).toThrow(/rank 1 but inferred rank 2/);
    expect(() => mergeTypes(tensorType(DataType.FLOAT, [2]), tensorType(DataType.INT32, [2]))).toThrow(/FLOAT but inferred INT32/);
  });

  it('merges through sequences and optionals', () => {
    const d = { kind: 'sequence', elem: tensorType(DataType.FLOAT, ['B', null]) } as const;
    const i = { kind: 'sequence', elem: tensorType(DataType.FLOAT, [null, 5]) } as const;
    expect(mergeTypes(d, i)).toEqual({ kind: 'sequence', elem: tensorType(DataType.FLOAT, ['B', 5]) });
  });
});
