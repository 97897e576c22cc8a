import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { DataType, F, T, i64, infer0, inferValues, x } from './test-helpers.js';

describe('Expand', () => {
  it('broadcasts the input with the shape values', () => {
    expect(infer0('Expand', { opset: 13, inputs: [x(['N', 1]), i64([2, 1, 4])] })).toEqual(T(F, [2, 'N', 4]));
    expect(() => infer0('Expand', { opset: 13, inputs: [x([3, 1]), i64([2, 4])] })).toThrow(/cannot broadcast/);
  });
  it('with an unknown shape of known length, input dims > 1 survive', () => {
    expect(infer0('Expand', { opset: 13, inputs: [x([3, 1]), x([3], DataType.INT64)] })).toEqual(T(F, [null, 3, null]));
    // A 2-entry shape only reaches the last two dims of a rank-3 input.
    expect(infer0('Expand', { opset: 13, inputs: [x(['B', 3, 1]), x([2], DataType.INT64)] })).toEqual(T(F, ['B', 3, null]));
  });
  it('propagates broadcast values', () => {
    expect(inferValues('Expand', { opset: 13, inputs: [i64([1, 2], [2, 1]), i64([2, 2])] })).toEqual({ dims: [2, 2], values: [1, 1, 2, 2] });
  });
});

describe('Tile', () => {
  it('multiplies each dim by its repeat (a symbol survives 1)', () => {
    expect(infer0('Tile', { opset: 13, inputs: [x(['N', 3]), i64([1, 2])] })).toEqual(T(F, ['N', 6]));
    expect(infer0('Tile', { opset: 13, inputs: [x(['N', 3]), x([2], DataType.INT64)] })).toEqual(T(F, [null, null]));
    expect(() => infer0('Tile', { opset: 13, inputs: [x([3]), i64([1, 2])] })).toThrow(/2 entries for an input \[3\] of rank 1/);
  });
  it('Tile-1 tiles one axis', () => {
    expect(infer0('Tile', { opset: 1, inputs: [x([2, 3]), i64([4], []), i64([1], [])] })).toEqual(T(F, [2, 12]));
  });
  it('propagates repeated values', () => {
    expect(inferValues('Tile', { opset: 13, inputs: [i64([1, 2]), i64([2])] })).toEqual({ dims: [4], values: [1, 2, 1, 2] });
  });
});

describe('Pad', () => {
  it('adds begin and end pads per axis (pads as attribute before 11)', () => {
    expect(infer0('Pad', { opset: 2, inputs: [x([2, 3])], attributes: [attr.ints('pads', [1, 0, 1, 2])] })).toEqual(T(F, [4, 5]));
    expect(infer0('Pad', { opset: 1, inputs: [x([2, 3])], attributes: [attr.ints('paddings', [0, 1, 0, 1])] })).toEqual(T(F, [2, 5]));
    expect(infer0('Pad', { opset: 13, inputs: [x(['N', 3]), i64([0, -1, 0, 0])] })).toEqual(T(F, ['N', 2]));
  });
  it('axes (18+) choose the padded axes', () => {
    expect(infer0('Pad', { opset: 18, inputs: [x(['N', 3, 4]), i64([1, 1]), null, i64([-1])] })).toEqual(T(F, ['N', 3, 6]));
  });
  it('fails on a wrong pads length or a negative size', () => {
    expect(() => infer0('Pad', { opset: 13, inputs: [x([2, 3]), i64([1, 1])] })).toThrow(/must have 4 entries/);
    expect(() => infer0('Pad', { opset: 13, inputs: [x([2, 3]), i64([-2, 0, -1, 0])] })).toThrow(/remove more/);
  });
  it('unknown pads keep the rank', () => {
    expect(infer0('Pad', { opset: 13, inputs: [x([2, 3]), x([4], DataType.INT64)] })).toEqual(T(F, [null, null]));
  });
});

describe('CenterCropPad', () => {
  it('sets the given axes to the shape values', () => {
    expect(infer0('CenterCropPad', { opset: 18, inputs: [x([20, 10, 3]), i64([10, 8])], attributes: [attr.ints('axes', [0, -2])] })).toEqual(
      T(F, [10, 8, 3]),
    );
    expect(infer0('CenterCropPad', { opset: 18, inputs: [x(['N', 10]), x([2], DataType.INT64)] })).toEqual(T(F, [null, null]));
  });
});
