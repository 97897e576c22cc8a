import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { F, T, i64, infer, infer0, inferValues, x } from './test-helpers.js';

describe('Concat', () => {
  it('sums the axis and unifies the other dims', () => {
    const axis = [attr.int('axis', -1)];
    expect(infer0('Concat', { opset: 13, inputs: [x(['N', 2]), x([null, 3])], attributes: axis })).toEqual(T(F, ['N', 5]));
    expect(infer0('Concat', { opset: 13, inputs: [x(['N', 2]), x([4, 'K'])], attributes: axis })).toEqual(T(F, [4, null]));
  });
  it('fails on rank or dim mismatches, and on a missing axis from opset 4', () => {
    const axis = [attr.int('axis', 0)];
    expect(() => infer0('Concat', { opset: 13, inputs: [x([2, 3]), x([2, 4])], attributes: axis })).toThrow(/differ in dim 1: 3 vs 4/);
    expect(() => infer0('Concat', { opset: 13, inputs: [x([2, 3]), x([2])], attributes: axis })).toThrow(/different ranks/);
    expect(() => infer0('Concat', { opset: 13, inputs: [x([2, 3]), x([2, 3])] })).toThrow(/axis is required/);
  });
  it('propagates constant pieces in order', () => {
    const r = inferValues('Concat', { opset: 13, inputs: [i64([1, 2]), i64([3]), i64([4, 5])], attributes: [attr.int('axis', 0)] });
    expect(r).toEqual({ dims: [5], values: [1, 2, 3, 4, 5] });
    const m = inferValues('Concat', { opset: 13, inputs: [i64([1, 2], [2, 1]), i64([3, 4, 5, 6], [2, 2])], attributes: [attr.int('axis', 1)] });
    expect(m).toEqual({ dims: [2, 3], values: [1, 3, 4, 2, 5, 6] });
  });
});

describe('Split', () => {
  it('split as attribute before 13, as input from 13', () => {
    const a = infer('Split', { opset: 11, inputs: [x([6, 'N'])], attributes: [attr.ints('split', [2, 4])], outputCount: 2 });
    expect(a).toEqual([T(F, [2, 'N']), T(F, [4, 'N'])]);
    const b = infer('Split', { opset: 13, inputs: [x(['N', 6]), i64([1, 5])], attributes: [attr.int('axis', 1)], outputCount: 2 });
    expect(b).toEqual([T(F, ['N', 1]), T(F, ['N', 5])]);
  });
  it('equal parts must divide the dim, except with num_outputs from 18 (last chunk smaller)', () => {
    expect(infer('Split', { opset: 13, inputs: [x([6])], outputCount: 3 })).toEqual([T(F, [2]), T(F, [2]), T(F, [2])]);
    expect(() => infer('Split', { opset: 13, inputs: [x([7])], outputCount: 3 })).toThrow(/7 cannot be split into 3 equal parts/);
    const r = infer('Split', { opset: 18, inputs: [x([7])], attributes: [attr.int('num_outputs', 3)], outputCount: 3 });
    expect(r).toEqual([T(F, [3]), T(F, [3]), T(F, [1])]);
    expect(() => infer('Split', { opset: 18, inputs: [x([7])], attributes: [attr.int('num_outputs', 2)], outputCount: 3 })).toThrow(/num_outputs is 2/);
  });
  it('fails when split does not sum to the dim', () => {
    expect(() => infer('Split', { opset: 13, inputs: [x([6]), i64([2, 3])], outputCount: 2 })).toThrow(/sums to 5, not the split dim 6/);
  });
  it('an unknown split input leaves the split axis unknown', () => {
    expect(infer('Split', { opset: 13, inputs: [x([6, 2]), x([2], 7)], outputCount: 2 })).toEqual([T(F, [null, 2]), T(F, [null, 2])]);
  });
});
