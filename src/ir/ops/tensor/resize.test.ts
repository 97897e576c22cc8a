import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { F, T, f32, i64, infer0, x } from './test-helpers.js';

describe('Resize', () => {
  it('scales give floor(dim * scale); a symbol survives scale 1', () => {
    expect(infer0('Resize', { opset: 10, inputs: [x(['N', 3, 4, 5]), f32([1, 1, 2, 2])] })).toEqual(T(F, ['N', 3, 8, 10]));
    // 5 * 0.6 (as float32, 0.60000002) floors to 3.
    expect(infer0('Resize', { opset: 13, inputs: [x([1, 1, 4, 5]), null, f32([1, 1, 0.6, 0.6])] })).toEqual(T(F, [1, 1, 2, 3]));
  });
  it('sizes replace the dims; an empty scales tensor (opset 11) means unused', () => {
    const r = infer0('Resize', { opset: 11, inputs: [x(['N', 3, 4, 4]), f32([], [0]), f32([], [0]), i64([1, 3, 8, 9])] });
    expect(r).toEqual(T(F, [1, 3, 8, 9]));
  });
  it('axes (18+) select the resized dims', () => {
    const r = infer0('Resize', { opset: 18, inputs: [x(['N', 3, 4, 4]), null, null, i64([9, 8])], attributes: [attr.ints('axes', [3, 2])] });
    expect(r).toEqual(T(F, ['N', 3, 8, 9]));
  });
  it('keep_aspect_ratio_policy scales all axes by the min (not_larger) or max (not_smaller) ratio', () => {
    // 2x2 to at most 7x8: scale min(3.5, 4) = 3.5 -> 7x7; at least 7x8: scale 4 -> 8x8.
    const base = { opset: 18, inputs: [x([1, 1, 2, 2]), null, null, i64([7, 8])] };
    const axes = attr.ints('axes', [2, 3]);
    expect(infer0('Resize', { ...base, attributes: [axes, attr.string('keep_aspect_ratio_policy', 'not_larger')] })).toEqual(T(F, [1, 1, 7, 7]));
    expect(infer0('Resize', { ...base, attributes: [axes, attr.string('keep_aspect_ratio_policy', 'not_smaller')] })).toEqual(T(F, [1, 1, 8, 8]));
  });
  it('fails when both or neither of scales and sizes are given (13+), or on a wrong length', () => {
    expect(() => infer0('Resize', { opset: 13, inputs: [x([1, 1, 2, 2]), null, f32([1, 1, 2, 2]), i64([1, 1, 4, 4])] })).toThrow(/both/);
    expect(() => infer0('Resize', { opset: 13, inputs: [x([1, 1, 2, 2])] })).toThrow(/one of scales and sizes/);
    expect(() => infer0('Resize', { opset: 13, inputs: [x([1, 1, 2, 2]), null, f32([2, 2])] })).toThrow(/2 entries for 4 axes/);
  });
  it('unknown scales keep the rank', () => {
    expect(infer0('Resize', { opset: 13, inputs: [x(['N', 3, 4, 4]), null, x([4])] })).toEqual(T(F, [null, null, null, null]));
  });
});

describe('Upsample', () => {
  it('scales from attributes (1, 7) or an input (9)', () => {
    const hw = [attr.float('height_scale', 2), attr.float('width_scale', 3)];
    expect(infer0('Upsample', { opset: 1, inputs: [x(['N', 3, 4, 5])], attributes: hw })).toEqual(T(F, ['N', 3, 8, 15]));
    expect(infer0('Upsample', { opset: 7, inputs: [x([1, 3, 4, 5])], attributes: [attr.floats('scales', [1, 1, 2, 2])] })).toEqual(T(F, [1, 3, 8, 10]));
    expect(infer0('Upsample', { opset: 9, inputs: [x([1, 3, 4, 5]), f32([1, 1, 1.5, 2])] })).toEqual(T(F, [1, 3, 6, 10]));
  });
});
