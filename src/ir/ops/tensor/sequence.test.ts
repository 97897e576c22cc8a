import { describe, expect, it } from 'vitest';
import { attr, AttributeType } from '../../attribute.js';
import type { ValueType } from '../../types.js';
import { DataType, F, T, i64, infer0, x } from './test-helpers.js';

const seq = (elem: ValueType): ValueType => ({ kind: 'sequence', elem });
const sx = (shape: (number | string | null)[] | undefined, dtype = F) => ({ type: seq(T(dtype, shape)) });

describe('sequence ops', () => {
  it('SequenceConstruct: one dtype, dims that differ become null', () => {
    expect(infer0('SequenceConstruct', { opset: 11, inputs: [x([2, 3]), x([4, 3])] })).toEqual(seq(T(F, [null, 3])));
    expect(infer0('SequenceConstruct', { opset: 11, inputs: [x([2, 3]), x([2])] })).toEqual(seq(T(F, undefined)));
    expect(() => infer0('SequenceConstruct', { opset: 11, inputs: [x([2]), x([2], DataType.INT32)] })).toThrow(/one element type/);
  });
  it('SequenceEmpty uses dtype (FLOAT by default)', () => {
    expect(infer0('SequenceEmpty', { opset: 11, inputs: [] })).toEqual(seq(T(F, undefined)));
    expect(infer0('SequenceEmpty', { opset: 11, inputs: [], attributes: [attr.int('dtype', DataType.INT32)] })).toEqual(seq(T(DataType.INT32, undefined)));
  });
  it('SequenceAt, SequenceInsert, SequenceErase, SequenceLength', () => {
    expect(infer0('SequenceAt', { opset: 11, inputs: [sx(['N', 3]), i64([0], [])] })).toEqual(T(F, ['N', 3]));
    expect(infer0('SequenceInsert', { opset: 11, inputs: [sx([2, 3]), x([5, 3])] })).toEqual(seq(T(F, [null, 3])));
    expect(() => infer0('SequenceInsert', { opset: 11, inputs: [sx([2, 3]), x([5, 3], DataType.INT64)] })).toThrow(/cannot insert/);
    expect(infer0('SequenceErase', { opset: 11, inputs: [sx([2, 3])] })).toEqual(seq(T(F, [2, 3])));
    expect(infer0('SequenceLength', { opset: 11, inputs: [sx([2, 3])] })).toEqual(T(DataType.INT64, []));
    expect(() => infer0('SequenceAt', { opset: 11, inputs: [x([2]), i64([0], [])] })).toThrow(/must be a sequence/);
  });
  it('SplitToSequence: size-1 pieces (keepdims), a scalar or a list of sizes', () => {
    expect(infer0('SplitToSequence', { opset: 11, inputs: [x([3, 'N'])] })).toEqual(seq(T(F, [1, 'N'])));
    expect(infer0('SplitToSequence', { opset: 11, inputs: [x([3, 'N'])], attributes: [attr.int('keepdims', 0)] })).toEqual(seq(T(F, ['N'])));
    expect(infer0('SplitToSequence', { opset: 11, inputs: [x([6, 2]), i64([2], [])] })).toEqual(seq(T(F, [2, 2])));
    expect(infer0('SplitToSequence', { opset: 11, inputs: [x([5, 2]), i64([2], [])] })).toEqual(seq(T(F, [null, 2])));
    expect(infer0('SplitToSequence', { opset: 11, inputs: [x([5, 2]), i64([2, 3])] })).toEqual(seq(T(F, [null, 2])));
    expect(() => infer0('SplitToSequence', { opset: 11, inputs: [x([5, 2]), i64([2, 2])] })).toThrow(/sums to 4/);
  });
  it('ConcatFromSequence: the concatenated or new axis is unknown', () => {
    expect(infer0('ConcatFromSequence', { opset: 11, inputs: [sx([2, 3])], attributes: [attr.int('axis', 0)] })).toEqual(T(F, [null, 3]));
    const na = [attr.int('axis', -1), attr.int('new_axis', 1)];
    expect(infer0('ConcatFromSequence', { opset: 11, inputs: [sx([2, 3])], attributes: na })).toEqual(T(F, [2, 3, null]));
  });
});

describe('optional ops', () => {
  it('Optional wraps its input type, or the type attribute when there is no input', () => {
    expect(infer0('Optional', { opset: 15, inputs: [x([2])] })).toEqual({ kind: 'optional', elem: T(F, [2]) });
    const typeAttr = { name: 'type', type: AttributeType.TYPE_PROTO, value: T(DataType.INT32, [3]) } as const;
    expect(infer0('Optional', { opset: 15, inputs: [], attributes: [typeAttr] })).toEqual({ kind: 'optional', elem: T(DataType.INT32, [3]) });
    expect(() => infer0('Optional', { opset: 15, inputs: [] })).toThrow(/type attribute/);
  });
  it('OptionalGetElement unwraps; from 18 a plain tensor passes through', () => {
    const opt = { type: { kind: 'optional', elem: T(F, ['N']) } as ValueType };
    expect(infer0('OptionalGetElement', { opset: 15, inputs: [opt] })).toEqual(T(F, ['N']));
    expect(infer0('OptionalGetElement', { opset: 18, inputs: [x([2])] })).toEqual(T(F, [2]));
    expect(() => infer0('OptionalGetElement', { opset: 15, inputs: [x([2])] })).toThrow(/must be an optional/);
    expect(infer0('OptionalHasElement', { opset: 18, inputs: [opt] })).toEqual(T(DataType.BOOL, []));
  });
});
