import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { DataType, F, T, i64, infer0, inferValues, x } from './test-helpers.js';

describe('Gather', () => {
  it('replaces the axis with the indices shape', () => {
    expect(infer0('Gather', { opset: 13, inputs: [x(['N', 5, 6]), x([2, 3], DataType.INT64)], attributes: [attr.int('axis', -2)] })).toEqual(
      T(F, ['N', 2, 3, 6]),
    );
    expect(infer0('Gather', { opset: 13, inputs: [x([5, 'D']), i64([1], [])] })).toEqual(T(F, ['D']));
  });
  it('fails on an out-of-range axis or constant index', () => {
    expect(() => infer0('Gather', { opset: 13, inputs: [x([5]), i64([0])], attributes: [attr.int('axis', 1)] })).toThrow(/axis 1 is out of range/);
    expect(() => infer0('Gather', { opset: 13, inputs: [x([5]), i64([5])] })).toThrow(/index 5 is out of range \[-5, 4\]/);
  });
  it('propagates picked values (negative indices count from the end)', () => {
    expect(inferValues('Gather', { opset: 13, inputs: [i64([4, 5, 6]), i64([-1, 0])] })).toEqual({ dims: [2], values: [6, 4] });
    const m = inferValues('Gather', { opset: 13, inputs: [i64([1, 2, 3, 4, 5, 6], [2, 3]), i64([2], [])], attributes: [attr.int('axis', 1)] });
    expect(m).toEqual({ dims: [2], values: [3, 6] });
  });
});

describe('GatherElements and GatherND', () => {
  it('GatherElements has the indices shape and needs equal ranks', () => {
    expect(infer0('GatherElements', { opset: 13, inputs: [x([3, 3]), x(['K', 3], DataType.INT64)] })).toEqual(T(F, ['K', 3]));
    expect(() => infer0('GatherElements', { opset: 13, inputs: [x([3, 3]), x([3], DataType.INT64)] })).toThrow(/rank/);
  });
  it('GatherND: batch dims + indices[:-1] + data after the indexed dims', () => {
    const q = (s: (number | string)[]) => x(s, DataType.INT64);
    expect(infer0('GatherND', { opset: 13, inputs: [x([2, 3, 4]), q(['M', 2])] })).toEqual(T(F, ['M', 4]));
    expect(infer0('GatherND', { opset: 13, inputs: [x([2, 3, 4]), q([2, 1])], attributes: [attr.int('batch_dims', 1)] })).toEqual(T(F, [2, 4]));
    expect(() => infer0('GatherND', { opset: 13, inputs: [x([2, 3]), q([1, 3])] })).toThrow(/index 3 dims/);
  });
});

describe('scatters', () => {
  it('keep the data type and shape', () => {
    const ins = [x(['N', 4]), x([1, 2], DataType.INT64), x([1, 2])];
    expect(infer0('ScatterElements', { opset: 18, inputs: ins })).toEqual(T(F, ['N', 4]));
    expect(infer0('Scatter', { opset: 9, inputs: ins })).toEqual(T(F, ['N', 4]));
    expect(infer0('TensorScatter', { opset: 24, inputs: [x([2, 8, 4]), x([2, 1, 4])] })).toEqual(T(F, [2, 8, 4]));
  });
  it('ScatterND checks updates = indices[:-1] + data[k:]', () => {
    const data = x([4, 5, 6]);
    expect(infer0('ScatterND', { opset: 18, inputs: [data, x([3, 1], DataType.INT64), x([3, 5, 6])] })).toEqual(T(F, [4, 5, 6]));
    expect(() => infer0('ScatterND', { opset: 18, inputs: [data, x([3, 2], DataType.INT64), x([3, 5, 6])] })).toThrow(/updates/);
  });
});
