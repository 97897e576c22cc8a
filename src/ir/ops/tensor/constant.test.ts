import { describe, expect, it } from 'vitest';
import { attr, AttributeType, type Attribute } from '../../attribute.js';
import { ArrayTensor } from '../../tensor.js';
import { DataType, F, T, f32, i64, infer0, inferValues, x } from './test-helpers.js';

const I64 = DataType.INT64;

describe('Constant', () => {
  it('takes type, shape and values from a value tensor', () => {
    const t = new ArrayTensor(I64, [2, 2], BigInt64Array.from([1n, 2n, 3n, 4n]));
    const c = { opset: 13, inputs: [], attributes: [attr.tensor('value', t)] };
    expect(infer0('Constant', c)).toEqual(T(I64, [2, 2]));
    expect(inferValues('Constant', c)).toEqual({ dims: [2, 2], values: [1, 2, 3, 4] });
  });
  it('value_float(s) give FLOAT, value_int(s) INT64, value_string(s) STRING', () => {
    expect(inferValues('Constant', { opset: 13, inputs: [], attributes: [attr.float('value_float', 0.5)] })).toEqual({ dims: [], values: [0.5] });
    expect(infer0('Constant', { opset: 13, inputs: [], attributes: [attr.floats('value_floats', [1, 2, 3])] })).toEqual(T(F, [3]));
    expect(inferValues('Constant', { opset: 13, inputs: [], attributes: [attr.int('value_int', 7)] })).toEqual({ dims: [], values: [7] });
    expect(infer0('Constant', { opset: 13, inputs: [], attributes: [attr.ints('value_ints', [1, 2])] })).toEqual(T(I64, [2]));
    expect(infer0('Constant', { opset: 13, inputs: [], attributes: [attr.string('value_string', 'a')] })).toEqual(T(DataType.STRING, []));
    expect(infer0('Constant', { opset: 13, inputs: [], attributes: [attr.strings('value_strings', ['a', 'b'])] })).toEqual(T(DataType.STRING, [2]));
  });
  it('a sparse_value becomes a dense tensor of its dims', () => {
    const sparse: Attribute = {
      name: 'sparse_value',
      type: AttributeType.SPARSE_TENSOR,
      value: {
        values: new ArrayTensor(I64, [2], BigInt64Array.from([5n, 6n])),
        indices: new ArrayTensor(I64, [2], BigInt64Array.from([1n, 3n])),
        dims: [2, 2],
      },
    };
    const c = { opset: 13, inputs: [], attributes: [sparse] };
    expect(infer0('Constant', c)).toEqual(T(I64, [2, 2]));
    expect(inferValues('Constant', c)).toEqual({ dims: [2, 2], values: [0, 5, 0, 6] });
  });
  it('fails without exactly one value attribute', () => {
    expect(() => infer0('Constant', { opset: 13, inputs: [] })).toThrow(/exactly one value attribute/);
    const two = [attr.int('value_int', 1), attr.float('value_float', 1)];
    expect(() => infer0('Constant', { opset: 13, inputs: [], attributes: two })).toThrow(/exactly one/);
  });
});

describe('Shape and Size', () => {
  it('Shape gives INT64 [rank] and its values when every dim is known', () => {
    expect(infer0('Shape', { opset: 13, inputs: [x(['N', 3])] })).toEqual(T(I64, [2]));
    expect(inferValues('Shape', { opset: 13, inputs: [x(['N', 3])] })).toBeUndefined();
    expect(inferValues('Shape', { opset: 13, inputs: [x([2, 3, 4])] })).toEqual({ dims: [3], values: [2, 3, 4] });
  });
  it('start and end (15+) slice the dims with clamping', () => {
    const s = x(['N', 3, 4, 5]);
    expect(inferValues('Shape', { opset: 15, inputs: [s], attributes: [attr.int('start', 1), attr.int('end', -1)] })).toEqual({ dims: [2], values: [3, 4] });
    expect(inferValues('Shape', { opset: 15, inputs: [s], attributes: [attr.int('start', -10), attr.int('end', 1)] })).toBeUndefined();
    expect(infer0('Shape', { opset: 15, inputs: [s], attributes: [attr.int('start', 10)] })).toEqual(T(I64, [0]));
    expect(infer0('Shape', { opset: 15, inputs: [s], attributes: [attr.int('start', 3), attr.int('end', 1)] })).toEqual(T(I64, [0]));
  });
  it('Size is an INT64 scalar with the element count when known', () => {
    expect(infer0('Size', { opset: 13, inputs: [x(['N', 3])] })).toEqual(T(I64, []));
    expect(inferValues('Size', { opset: 13, inputs: [x([2, 3])] })).toEqual({ dims: [], values: [6] });
  });
});

describe('ConstantOfShape', () => {
  it('takes the shape from its input and the type from value (FLOAT 0 by default)', () => {
    expect(infer0('ConstantOfShape', { opset: 9, inputs: [i64([2, 3])] })).toEqual(T(F, [2, 3]));
    const v = new ArrayTensor(DataType.INT32, [1], Int32Array.from([7]));
    const c = { opset: 20, inputs: [i64([2])], attributes: [attr.tensor('value', v)] };
    expect(infer0('ConstantOfShape', c)).toEqual(T(DataType.INT32, [2]));
    expect(inferValues('ConstantOfShape', c)).toEqual({ dims: [2], values: [7, 7] });
  });
  it('an unknown shape of known length gives the rank; an empty shape a scalar', () => {
    expect(infer0('ConstantOfShape', { opset: 9, inputs: [x([3], I64)] })).toEqual(T(F, [null, null, null]));
    expect(infer0('ConstantOfShape', { opset: 9, inputs: [i64([], [0])] })).toEqual(T(F, []));
    expect(() => infer0('ConstantOfShape', { opset: 9, inputs: [i64([2, -1])] })).toThrow(/negative/);
  });
});

describe('Range', () => {
  it('has max(ceil((limit - start) / delta), 0) elements', () => {
    const c = { opset: 11, inputs: [i64([10], []), i64([4], []), i64([-3], [])] };
    expect(infer0('Range', c)).toEqual(T(I64, [2]));
    expect(inferValues('Range', c)).toEqual({ dims: [2], values: [10, 7] });
    expect(infer0('Range', { opset: 11, inputs: [f32([1], []), f32([5], []), f32([0.5], [])] })).toEqual(T(F, [8]));
    expect(infer0('Range', { opset: 11, inputs: [i64([5], []), i64([1], []), i64([1], [])] })).toEqual(T(I64, [0]));
  });
  it('is 1-D of unknown length with unknown inputs, and fails on delta 0 or mixed types', () => {
    expect(infer0('Range', { opset: 11, inputs: [x([], I64), x([], I64), x([], I64)] })).toEqual(T(I64, [null]));
    expect(() => infer0('Range', { opset: 11, inputs: [i64([0], []), i64([4], []), i64([0], [])] })).toThrow(/delta is 0/);
    expect(() => infer0('Range', { opset: 11, inputs: [x([], I64), x([], F), x([], I64)] })).toThrow(/one type/);
  });
});
