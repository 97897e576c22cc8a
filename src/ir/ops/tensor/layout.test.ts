import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { DataType, F, T, i64, infer0, inferValues, x } from './test-helpers.js';

describe('Transpose', () => {
  it('permutes dims, reversing them by default', () => {
    expect(infer0('Transpose', { opset: 13, inputs: [x(['N', 3, 4])] })).toEqual(T(F, [4, 3, 'N']));
    expect(infer0('Transpose', { opset: 13, inputs: [x(['N', 3, 4])], attributes: [attr.ints('perm', [0, 2, 1])] })).toEqual(T(F, ['N', 4, 3]));
  });
  it('fails on a perm that is not a permutation of the axes', () => {
    expect(() => infer0('Transpose', { opset: 13, inputs: [x([2, 3])], attributes: [attr.ints('perm', [0])] })).toThrow(/1 entries for an input of rank 2/);
    expect(() => infer0('Transpose', { opset: 13, inputs: [x([2, 3])], attributes: [attr.ints('perm', [1, 1])] })).toThrow(/repeat/);
  });
  it('propagates transposed values', () => {
    expect(inferValues('Transpose', { opset: 13, inputs: [i64([1, 2, 3, 4, 5, 6], [2, 3])] })).toEqual({ dims: [3, 2], values: [1, 4, 2, 5, 3, 6] });
  });
});

describe('DepthToSpace and SpaceToDepth', () => {
  const b2 = [attr.int('blocksize', 2)];
  it('move blocksize^2 between channels and space', () => {
    expect(infer0('DepthToSpace', { opset: 13, inputs: [x(['N', 8, 3, 5])], attributes: b2 })).toEqual(T(F, ['N', 2, 6, 10]));
    expect(infer0('SpaceToDepth', { opset: 13, inputs: [x(['N', 2, 6, 10])], attributes: b2 })).toEqual(T(F, ['N', 8, 3, 5]));
  });
  it('fail on indivisible sizes or a rank other than 4', () => {
    expect(() => infer0('DepthToSpace', { opset: 13, inputs: [x([1, 6, 3, 5])], attributes: b2 })).toThrow(/channels 6 is not divisible by 4/);
    expect(() => infer0('SpaceToDepth', { opset: 13, inputs: [x([1, 2, 5, 4])], attributes: b2 })).toThrow(/height 5/);
    expect(() => infer0('SpaceToDepth', { opset: 13, inputs: [x([2, 4, 4])], attributes: b2 })).toThrow(/rank 4/);
  });
});

describe('ReverseSequence and Col2Im', () => {
  it('ReverseSequence keeps the shape and checks the batch size', () => {
    const lens = x([4], DataType.INT64);
    expect(infer0('ReverseSequence', { opset: 10, inputs: [x([3, 4, 5]), lens] })).toEqual(T(F, [3, 4, 5]));
    expect(() => infer0('ReverseSequence', { opset: 10, inputs: [x([4, 3, 5]), lens] })).toThrow(/4 entries but the batch axis/);
  });
  it('Col2Im: [N, C*prod(block), L] -> [N, C, ...image_shape]', () => {
    // 5x5 image, 2x2 blocks, stride 1: 4*4 = 16 blocks.
    expect(infer0('Col2Im', { opset: 18, inputs: [x(['N', 12, 16]), i64([5, 5]), i64([2, 2])] })).toEqual(T(F, ['N', 3, 5, 5]));
    expect(() => infer0('Col2Im', { opset: 18, inputs: [x([1, 12, 15]), i64([5, 5]), i64([2, 2])] })).toThrow(/15 blocks.*give 16/);
  });
});
