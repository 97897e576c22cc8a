import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { DataType, i64, infer, T } from './test-helpers.js';

const F = DataType.FLOAT;

describe('softmax family and cumulative ops', () => {
  it('checks the axis against the rank', () => {
    const x = { type: T(F, ['N', 3, 4]) };
    expect(infer('Softmax', { opset: 13, inputs: [x] })[0]).toEqual(T(F, ['N', 3, 4]));
    expect(infer('LogSoftmax', { opset: 11, inputs: [x], attributes: [attr.int('axis', -3)] })[0]).toEqual(T(F, ['N', 3, 4]));
    expect(() => infer('Hardmax', { opset: 11, inputs: [x], attributes: [attr.int('axis', 3)] })).toThrow(/axis 3 is out of range for rank 3/);
  });
  it('the default axis is 1 before opset 13, so a 1-D input fails there but not at 13', () => {
    const x = { type: T(F, [5]) };
    expect(() => infer('Softmax', { opset: 11, inputs: [x] })).toThrow(/axis 1/);
    expect(infer('Softmax', { opset: 13, inputs: [x] })[0]).toEqual(T(F, [5]));
  });
  it('CumSum checks a constant axis and its scalar shape', () => {
    const x = { type: T(F, ['N', 3]) };
    expect(infer('CumSum', { opset: 14, inputs: [x, i64([-1], [])] })[0]).toEqual(T(F, ['N', 3]));
    expect(() => infer('CumProd', { opset: 26, inputs: [x, i64([-3], [])] })).toThrow(/axis -3 is out of range for rank 2/);
    expect(() => infer('CumSum', { opset: 14, inputs: [x, { type: T(DataType.INT64, [2]) }] })).toThrow(/scalar/);
  });
});

describe('matrix ops', () => {
  it('Det drops the two inner dims', () => {
    expect(infer('Det', { opset: 22, inputs: [{ type: T(F, ['B', 3, 3]) }] })[0]).toEqual(T(F, ['B']));
    expect(infer('Det', { opset: 11, inputs: [{ type: T(F, ['M', 'M']) }] })[0]).toEqual(T(F, []));
    expect(() => infer('Det', { opset: 22, inputs: [{ type: T(F, [3, 4]) }] })).toThrow(/square/);
    expect(() => infer('Det', { opset: 22, inputs: [{ type: T(F, [3]) }] })).toThrow(/rank >= 2/);
  });
  it('EyeLike needs 2-D and takes dtype or the input type', () => {
    expect(infer('EyeLike', { opset: 22, inputs: [{ type: T(DataType.INT32, [3, 'K']) }] })[0]).toEqual(T(DataType.INT32, [3, 'K']));
    const withDtype = infer('EyeLike', { opset: 9, inputs: [{ type: T(DataType.INT32, [3, 4]) }], attributes: [attr.int('dtype', DataType.DOUBLE)] });
    expect(withDtype[0]).toEqual(T(DataType.DOUBLE, [3, 4]));
    expect(() => infer('EyeLike', { opset: 22, inputs: [{ type: T(F, [2, 3, 4]) }] })).toThrow(/2-D/);
  });
  it('Trilu keeps the shape and needs rank >= 2', () => {
    expect(infer('Trilu', { opset: 14, inputs: [{ type: T(F, ['B', 4, 5]) }, i64([1], [])] })[0]).toEqual(T(F, ['B', 4, 5]));
    expect(() => infer('Trilu', { opset: 14, inputs: [{ type: T(F, [4]) }] })).toThrow(/rank >= 2/);
  });
});

describe('random ops', () => {
  it('RandomNormal/RandomUniform: shape attribute, FLOAT by default', () => {
    expect(infer('RandomNormal', { opset: 22, inputs: [], attributes: [attr.ints('shape', [2, 3])] })[0]).toEqual(T(F, [2, 3]));
    const d = infer('RandomUniform', { opset: 1, inputs: [], attributes: [attr.ints('shape', [4]), attr.int('dtype', DataType.DOUBLE)] });
    expect(d[0]).toEqual(T(DataType.DOUBLE, [4]));
    expect(() => infer('RandomUniform', { opset: 22, inputs: [], attributes: [attr.ints('shape', [4]), attr.int('dtype', DataType.INT64)] })).toThrow(
      /not allowed/,
    );
  });
  it('the *Like ops and Bernoulli follow the input unless dtype says otherwise', () => {
    expect(infer('RandomNormalLike', { opset: 22, inputs: [{ type: T(DataType.DOUBLE, ['N']) }] })[0]).toEqual(T(DataType.DOUBLE, ['N']));
    const b = infer('Bernoulli', { opset: 15, inputs: [{ type: T(F, [2, 'S']) }], attributes: [attr.int('dtype', DataType.BOOL)] });
    expect(b[0]).toEqual(T(DataType.BOOL, [2, 'S']));
  });
  it('Multinomial: [batch, classes] -> [batch, sample_size], INT32 by default', () => {
    const [y] = infer('Multinomial', { opset: 7, inputs: [{ type: T(F, ['B', 10]) }], attributes: [attr.int('sample_size', 3)] });
    expect(y).toEqual(T(DataType.INT32, ['B', 3]));
    expect(() => infer('Multinomial', { opset: 22, inputs: [{ type: T(F, [10]) }] })).toThrow(/2-D/);
  });
});
