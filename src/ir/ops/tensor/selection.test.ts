import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { DataType, F, T, f32, i64, infer, infer0, x } from './test-helpers.js';

const I64 = DataType.INT64;

describe('OneHot', () => {
  it('inserts depth at axis and takes the values type', () => {
    const values = x([2], DataType.INT32);
    expect(infer0('OneHot', { opset: 11, inputs: [x(['N', 3], I64), f32([10], []), values] })).toEqual(T(DataType.INT32, ['N', 3, 10]));
    expect(infer0('OneHot', { opset: 11, inputs: [x(['N', 3], I64), i64([5]), values], attributes: [attr.int('axis', 0)] })).toEqual(
      T(DataType.INT32, [5, 'N', 3]),
    );
    expect(infer0('OneHot', { opset: 11, inputs: [x([3], I64), x([], I64), values] })).toEqual(T(DataType.INT32, [3, null]));
  });
});

describe('NonZero, Compress', () => {
  it('NonZero is INT64 [rank, count]', () => {
    expect(infer0('NonZero', { opset: 13, inputs: [x(['N', 3])] })).toEqual(T(I64, [2, null]));
    expect(infer0('NonZero', { opset: 13, inputs: [i64([0, 1, 2, 0], [2, 2])] })).toEqual(T(I64, [2, 2]));
  });
  it('Compress keeps the other dims, or flattens without axis', () => {
    const cond = { type: T(DataType.BOOL, [3]), constant: { dtype: DataType.BOOL, dims: [3], values: [1, 0, 1] } };
    expect(infer0('Compress', { opset: 11, inputs: [x([3, 'N']), cond], attributes: [attr.int('axis', 0)] })).toEqual(T(F, [2, 'N']));
    expect(infer0('Compress', { opset: 11, inputs: [x([3, 2]), x([3], DataType.BOOL)], attributes: [attr.int('axis', -1)] })).toEqual(T(F, [3, null]));
    expect(infer0('Compress', { opset: 11, inputs: [x([3, 2]), cond] })).toEqual(T(F, [2]));
    expect(() => infer0('Compress', { opset: 11, inputs: [x([2, 2]), cond], attributes: [attr.int('axis', 0)] })).toThrow(/3 entries but axis 0/);
  });
});

describe('TopK', () => {
  it('sets the axis to K (attribute before 10, input from 10); indices are INT64', () => {
    expect(infer('TopK', { opset: 1, inputs: [x(['N', 5])], attributes: [attr.int('k', 2)], outputCount: 2 })).toEqual([T(F, ['N', 2]), T(I64, ['N', 2])]);
    expect(infer('TopK', { opset: 11, inputs: [x([5, 'N']), i64([3])], attributes: [attr.int('axis', 0)], outputCount: 2 })).toEqual([
      T(F, [3, 'N']),
      T(I64, [3, 'N']),
    ]);
    expect(infer('TopK', { opset: 11, inputs: [x(['N', 5]), x([1], I64)], outputCount: 2 })).toEqual([T(F, ['N', null]), T(I64, ['N', null])]);
  });
  it('fails when K exceeds the axis', () => {
    expect(() => infer('TopK', { opset: 11, inputs: [x([2, 5]), i64([6])], outputCount: 2 })).toThrow(/K 6 is larger than axis 1/);
  });
});

describe('Unique', () => {
  it('has unknown counts, inverse_indices sized by the input', () => {
    const r = infer('Unique', { opset: 11, inputs: [x([2, 3])], outputCount: 4 });
    expect(r).toEqual([T(F, [null]), T(I64, [null]), T(I64, [6]), T(I64, [null])]);
    const a = infer('Unique', { opset: 11, inputs: [x(['N', 3])], attributes: [attr.int('axis', 1)], outputCount: 3 });
    expect(a).toEqual([T(F, ['N', null]), T(I64, [null]), T(I64, [3])]);
  });
});
