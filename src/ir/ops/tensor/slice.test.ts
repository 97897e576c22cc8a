import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { F, T, i64, infer0, inferValues, x } from './test-helpers.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

describe('Slice', () => {
  it('clamps starts and ends like ONNX (negative, out of bounds, INT64_MAX)', () => {
    const data = x([20, 10, 5]);
    expect(infer0('Slice', { opset: 13, inputs: [data, i64([0, 0]), i64([3, 10]), i64([0, 1])] })).toEqual(T(F, [3, 10, 5]));
    expect(infer0('Slice', { opset: 13, inputs: [data, i64([-3]), i64([INT64_MAX]), i64([1])] })).toEqual(T(F, [20, 3, 5]));
    expect(infer0('Slice', { opset: 13, inputs: [data, i64([1000]), i64([1000]), i64([1])] })).toEqual(T(F, [20, 0, 5]));
    // axis -2 is axis 1; end -1 -> 9.
    expect(infer0('Slice', { opset: 13, inputs: [data, i64([0]), i64([-1]), i64([-2])] })).toEqual(T(F, [20, 9, 5]));
  });
  it('negative steps walk backwards from the clamped start', () => {
    // start -1 -> 9, end INT64_MIN -> -1: all 10 elements, reversed; step -3 -> ceil(10/3) = 4.
    const data = x([20, 10]);
    expect(infer0('Slice', { opset: 13, inputs: [data, i64([-1]), i64([INT64_MIN]), i64([1]), i64([-1])] })).toEqual(T(F, [20, 10]));
    expect(infer0('Slice', { opset: 13, inputs: [data, i64([-1]), i64([INT64_MIN]), i64([1]), i64([-3])] })).toEqual(T(F, [20, 4]));
    // Axis 0: start 20 clamps to 19, down to (not including) 0: 19. Axis 1: 9, 7, 5, 3 (stops before 1).
    expect(infer0('Slice', { opset: 13, inputs: [data, i64([20, 10]), i64([0, 1]), i64([0, 1]), i64([-1, -2])] })).toEqual(T(F, [19, 4]));
  });
  it('a whole-axis slice keeps a symbol; any other slice of it is unknown', () => {
    const data = x(['N', 10]);
    expect(infer0('Slice', { opset: 13, inputs: [data, i64([0, 2]), i64([INT64_MAX, 5]), i64([0, 1])] })).toEqual(T(F, ['N', 3]));
    expect(infer0('Slice', { opset: 13, inputs: [data, i64([1]), i64([INT64_MAX]), i64([0])] })).toEqual(T(F, [null, 10]));
  });
  it('unknown starts keep the rank and the unsliced axes', () => {
    expect(infer0('Slice', { opset: 13, inputs: [x(['N', 10]), x([1], 7), x([1], 7), i64([1])] })).toEqual(T(F, ['N', null]));
    expect(infer0('Slice', { opset: 13, inputs: [x(['N', 10]), x([1], 7), x([1], 7)] })).toEqual(T(F, [null, null]));
  });
  it('reads attributes before opset 10 (axes default to the leading ones)', () => {
    const attrs = [attr.ints('starts', [1, 0]), attr.ints('ends', [3, -1])];
    expect(infer0('Slice', { opset: 1, inputs: [x([4, 5, 6])], attributes: attrs })).toEqual(T(F, [2, 4, 6]));
  });
  it('fails on a zero step, mismatched lengths and repeated axes', () => {
    const data = x([4, 5]);
    expect(() => infer0('Slice', { opset: 13, inputs: [data, i64([0]), i64([1]), i64([0]), i64([0])] })).toThrow(/step for axis 0 is 0/);
    expect(() => infer0('Slice', { opset: 13, inputs: [data, i64([0, 0]), i64([1])] })).toThrow(/same length/);
    expect(() => infer0('Slice', { opset: 13, inputs: [data, i64([0, 0]), i64([1, 1]), i64([0, -2])] })).toThrow(/repeat/);
  });
  it('propagates sliced values, reversed with a negative step', () => {
    const data = i64([10, 20, 30, 40, 50]);
    expect(inferValues('Slice', { opset: 13, inputs: [data, i64([1]), i64([-1])] })).toEqual({ dims: [3], values: [20, 30, 40] });
    expect(inferValues('Slice', { opset: 13, inputs: [data, i64([-1]), i64([INT64_MIN]), i64([0]), i64([-2])] })).toEqual({
      dims: [3],
      values: [50, 30, 10],
    });
  });
});
