import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { F, T, i64, infer0, inferValues, x } from './test-helpers.js';

describe('Reshape', () => {
  it('0 copies the input dim (symbols too) and -1 takes the rest', () => {
    expect(infer0('Reshape', { opset: 13, inputs: [x(['N', 3, 4]), i64([0, -1])] })).toEqual(T(F, ['N', 12]));
    expect(infer0('Reshape', { opset: 13, inputs: [x([2, 3, 4]), i64([4, -1])] })).toEqual(T(F, [4, 6]));
  });
  it('-1 cancels a symbol found on both sides, and is unknown otherwise', () => {
    // N*12 elements over 3*4 leaves N.
    expect(infer0('Reshape', { opset: 13, inputs: [x(['N', 12]), i64([-1, 3, 4])] })).toEqual(T(F, ['N', 3, 4]));
    expect(infer0('Reshape', { opset: 13, inputs: [x(['N', 3]), i64([-1])] })).toEqual(T(F, [null]));
    expect(infer0('Reshape', { opset: 13, inputs: [x(['N', 'S', 8]), i64([0, 0, 2, -1])] })).toEqual(T(F, ['N', 'S', 2, 4]));
  });
  it('fails when the element count cannot match', () => {
    expect(() => infer0('Reshape', { opset: 13, inputs: [x([2, 3, 4]), i64([5, -1])] })).toThrow(/24 elements left is not a multiple of 5/);
    expect(() => infer0('Reshape', { opset: 13, inputs: [x([2, 3, 4]), i64([5, 5])] })).toThrow(/24 elements.*25 elements/);
    expect(() => infer0('Reshape', { opset: 13, inputs: [x([2, 3]), i64([-1, -1])] })).toThrow(/more than one -1/);
  });
  it('allowzero=1 keeps a 0 as a zero-size dim and forbids 0 with -1', () => {
    const az = [attr.int('allowzero', 1)];
    expect(infer0('Reshape', { opset: 14, inputs: [x([0, 3]), i64([3, 0])], attributes: az })).toEqual(T(F, [3, 0]));
    expect(() => infer0('Reshape', { opset: 14, inputs: [x([0, 3]), i64([0, -1])], attributes: az })).toThrow(/both 0 and -1/);
  });
  it('an unknown shape of known length gives the rank', () => {
    expect(infer0('Reshape', { opset: 13, inputs: [x([2, 3]), x([3], 7)] })).toEqual(T(F, [null, null, null]));
  });
  it('reads the shape attribute before opset 5', () => {
    expect(infer0('Reshape', { opset: 1, inputs: [x([2, 3])], attributes: [attr.ints('shape', [3, 2])] })).toEqual(T(F, [3, 2]));
  });
  it('propagates constant values with the new dims', () => {
    const data = i64([1, 2, 3, 4]);
    expect(inferValues('Reshape', { opset: 13, inputs: [data, i64([2, 2])] })).toEqual({ dims: [2, 2], values: [1, 2, 3, 4] });
  });
});

describe('Flatten', () => {
  it('multiplies the dims on each side of axis', () => {
    expect(infer0('Flatten', { opset: 13, inputs: [x(['N', 3, 4])] })).toEqual(T(F, ['N', 12]));
    expect(infer0('Flatten', { opset: 13, inputs: [x([2, 3, 4])], attributes: [attr.int('axis', 0)] })).toEqual(T(F, [1, 24]));
    expect(infer0('Flatten', { opset: 13, inputs: [x(['N', 3, 4])], attributes: [attr.int('axis', -1)] })).toEqual(T(F, [null, 4]));
  });
  it('negative axes are allowed from opset 11 only', () => {
    expect(() => infer0('Flatten', { opset: 9, inputs: [x([2, 3])], attributes: [attr.int('axis', -1)] })).toThrow(/axis -1 is out of range \[0, 2\]/);
    expect(() => infer0('Flatten', { opset: 13, inputs: [x([2, 3])], attributes: [attr.int('axis', 3)] })).toThrow(/out of range/);
  });
});

describe('Squeeze', () => {
  it('axes as attribute before 13, as input from 13', () => {
    expect(infer0('Squeeze', { opset: 11, inputs: [x(['N', 3, 1])], attributes: [attr.ints('axes', [-1])] })).toEqual(T(F, ['N', 3]));
    expect(infer0('Squeeze', { opset: 13, inputs: [x([1, 'N', 1]), i64([0, 2])] })).toEqual(T(F, ['N']));
  });
  it('without axes drops the 1s, but an unknown dim makes the rank unknown', () => {
    expect(infer0('Squeeze', { opset: 13, inputs: [x([1, 3, 1, 2])] })).toEqual(T(F, [3, 2]));
    expect(infer0('Squeeze', { opset: 13, inputs: [x([1, 'N'])] })).toEqual(T(F, undefined));
  });
  it('fails on a dim that is not 1', () => {
    expect(() => infer0('Squeeze', { opset: 13, inputs: [x([2, 3]), i64([1])] })).toThrow(/its size is 3, not 1/);
  });
  it('propagates values', () => {
    expect(inferValues('Squeeze', { opset: 13, inputs: [i64([7], [1]), i64([0])] })).toEqual({ dims: [], values: [7] });
  });
});

describe('Unsqueeze', () => {
  it('inserts 1s at axes of the output rank', () => {
    expect(infer0('Unsqueeze', { opset: 13, inputs: [x(['N', 4]), i64([0, -1])] })).toEqual(T(F, [1, 'N', 4, 1]));
    expect(infer0('Unsqueeze', { opset: 11, inputs: [x([3, 4])], attributes: [attr.ints('axes', [2, 0])] })).toEqual(T(F, [1, 3, 1, 4]));
  });
  it('rejects negative axes before 11, repeated and out-of-range axes', () => {
    expect(() => infer0('Unsqueeze', { opset: 1, inputs: [x([3])], attributes: [attr.ints('axes', [-1])] })).toThrow(/non-negative/);
    expect(() => infer0('Unsqueeze', { opset: 13, inputs: [x([3]), i64([0, 0])] })).toThrow(/repeat/);
    expect(() => infer0('Unsqueeze', { opset: 13, inputs: [x([3]), i64([3])] })).toThrow(/out of range for rank 2/);
  });
  it('propagates a scalar to a 1-element vector', () => {
    expect(inferValues('Unsqueeze', { opset: 13, inputs: [i64([5], []), i64([0])] })).toEqual({ dims: [1], values: [5] });
  });
});
