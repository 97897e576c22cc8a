import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import type { ValueType } from '../../types.js';
import { DataType, i64, infer, inferConst, T } from './test-helpers.js';

const F = DataType.FLOAT;

describe('unary elementwise', () => {
  it('keeps type and symbolic shape', () => {
    expect(infer('Relu', { opset: 14, inputs: [{ type: T(F, ['N', 3]) }] })[0]).toEqual(T(F, ['N', 3]));
    expect(infer('Gelu', { opset: 20, inputs: [{ type: T(DataType.DOUBLE, []) }] })[0]).toEqual(T(DataType.DOUBLE, []));
    expect(infer('Clip', { opset: 13, inputs: [{ type: T(F, [2, 'S']) }, null, { type: T(F, []) }] })[0]).toEqual(T(F, [2, 'S']));
  });
  it('IsNaN / IsInf give BOOL', () => {
    expect(infer('IsNaN', { opset: 20, inputs: [{ type: T(F, ['N']) }] })[0]).toEqual(T(DataType.BOOL, ['N']));
    expect(infer('IsInf', { opset: 10, inputs: [{ type: T(DataType.DOUBLE, [2, 2]) }] })[0]).toEqual(T(DataType.BOOL, [2, 2]));
  });
  it('Neg and Abs propagate int64 constants', () => {
    expect(inferConst('Neg', { opset: 13, inputs: [i64([3, -4])] })?.values).toEqual([-3n, 4n]);
    expect(inferConst('Abs', { opset: 13, inputs: [i64([3, -4])] })?.values).toEqual([3n, 4n]);
  });
});

describe('Identity and Dropout', () => {
  it('Identity passes sequences and optionals through', () => {
    const seq: ValueType = { kind: 'sequence', elem: T(F, ['N']) };
    expect(infer('Identity', { opset: 16, inputs: [{ type: seq }] })[0]).toEqual(seq);
    const opt: ValueType = { kind: 'optional', elem: T(F, [2]) };
    expect(infer('Identity', { opset: 16, inputs: [{ type: opt }] })[0]).toEqual(opt);
  });
  it('Identity passes constants through', () => {
    expect(inferConst('Identity', { opset: 21, inputs: [i64([1, 2])] })?.values).toEqual([1n, 2n]);
  });
  it('Dropout mask is T until opset 9 and BOOL from 10', () => {
    const x = { type: T(F, ['N', 4]) };
    expect(infer('Dropout', { opset: 7, inputs: [x], outputCount: 2 })).toEqual([T(F, ['N', 4]), T(F, ['N', 4])]);
    expect(infer('Dropout', { opset: 13, inputs: [x, null, null], outputCount: 2 })).toEqual([T(F, ['N', 4]), T(DataType.BOOL, ['N', 4])]);
  });
});

describe('Cast, CastLike, BitCast', () => {
  it('Cast takes its type from `to`', () => {
    expect(infer('Cast', { opset: 21, inputs: [{ type: T(F, ['N']) }], attributes: [attr.int('to', DataType.INT64)] })[0]).toEqual(
      T(DataType.INT64, ['N']),
    );
  });
  it('Cast fails on an unknown `to`', () => {
    expect(() => infer('Cast', { opset: 21, inputs: [{ type: T(F, [1]) }], attributes: [attr.int('to', 99)] })).toThrow(/99/);
  });
  it('Cast of constants: ints widen and wrap, integral floats convert, fractions are left alone', () => {
    const i32 = { type: T(DataType.INT32, [2]), constant: { dtype: DataType.INT32, dims: [2], values: [3, -1] } };
    expect(inferConst('Cast', { opset: 13, inputs: [i32], attributes: [attr.int('to', DataType.INT64)] })).toEqual({
      dtype: DataType.INT64,
      dims: [2],
      values: [3n, -1n],
    });
    // The spec's own example: 200 (int16) -> -56 (int8).
    const i16 = { type: T(DataType.INT16, [1]), constant: { dtype: DataType.INT16, dims: [1], values: [200] } };
    expect(inferConst('Cast', { opset: 13, inputs: [i16], attributes: [attr.int('to', DataType.INT8)] })?.values).toEqual([-56]);
    const f = (v: number) => ({ type: T(F, [1]), constant: { dtype: F, dims: [1], values: [v] } });
    expect(inferConst('Cast', { opset: 13, inputs: [f(4)], attributes: [attr.int('to', DataType.INT64)] })?.values).toEqual([4n]);
    expect(inferConst('Cast', { opset: 13, inputs: [f(2.5)], attributes: [attr.int('to', DataType.INT64)] })).toBeUndefined();
    expect(inferConst('Cast', { opset: 13, inputs: [i64([7])], attributes: [attr.int('to', F)] })).toEqual({ dtype: F, dims: [1], values: [7] });
  });
  it('CastLike takes the type of its second input and the shape of its first', () => {
    const [y] = infer('CastLike', { opset: 21, inputs: [{ type: T(F, ['N', 2]) }, { type: T(DataType.FLOAT16, [7]) }] });
    expect(y).toEqual(T(DataType.FLOAT16, ['N', 2]));
  });
  it('BitCast needs equal widths', () => {
    expect(infer('BitCast', { opset: 26, inputs: [{ type: T(F, [2]) }], attributes: [attr.int('to', DataType.INT32)] })[0]).toEqual(
      T(DataType.INT32, [2]),
    );
    expect(() => infer('BitCast', { opset: 26, inputs: [{ type: T(F, [2]) }], attributes: [attr.int('to', DataType.INT64)] })).toThrow(
      /32 bits.*64 bits/,
    );
  });
});
