import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { DataType, i64, infer, inferConst, T } from './test-helpers.js';

const F = DataType.FLOAT;

describe('numpy-broadcasting binary ops', () => {
  it('aligns trailing dims and keeps symbols', () => {
    const [y] = infer('Add', { opset: 14, inputs: [{ type: T(F, ['N', 3, 1]) }, { type: T(F, [4]) }] });
    expect(y).toEqual(T(F, ['N', 3, 4]));
  });

  it('a known dim beats a symbol it broadcasts against; two different symbols give unknown', () => {
    const [y] = infer('Mul', { opset: 14, inputs: [{ type: T(F, ['N', 'a']) }, { type: T(F, [5, 'b']) }] });
    expect(y).toEqual(T(F, [5, null]));
  });

  it('fails on dims that do not broadcast', () => {
    expect(() => infer('Sub', { opset: 14, inputs: [{ type: T(F, [2, 3]) }, { type: T(F, [4]) }] })).toThrow(/3 vs 4/);
  });

  it('fails when A and B have different element types', () => {
    expect(() => infer('Add', { opset: 14, inputs: [{ type: T(F, [2]) }, { type: T(DataType.INT64, [2]) }] })).toThrow(/same element type/);
  });

  it('comparisons and logic ops give BOOL', () => {
    expect(infer('Equal', { opset: 19, inputs: [{ type: T(F, [2, 1]) }, { type: T(F, [3]) }] })[0]).toEqual(T(DataType.BOOL, [2, 3]));
    expect(infer('Xor', { opset: 7, inputs: [{ type: T(DataType.BOOL, [4]) }, { type: T(DataType.BOOL, []) }] })[0]).toEqual(
      T(DataType.BOOL, [4]),
    );
  });

  it('Pow from opset 12 takes its type from the base only', () => {
    const [z] = infer('Pow', { opset: 15, inputs: [{ type: T(F, [3]) }, { type: T(DataType.INT64, []) }] });
    expect(z).toEqual(T(F, [3]));
  });

  it('Mod on floats requires fmod=1', () => {
    expect(() => infer('Mod', { opset: 13, inputs: [{ type: T(F, [3]) }, { type: T(F, [3]) }] })).toThrow(/fmod must be 1/);
    const ok = infer('Mod', { opset: 13, inputs: [{ type: T(F, [3]) }, { type: T(F, [3]) }], attributes: [attr.int('fmod', 1)] });
    expect(ok[0]).toEqual(T(F, [3]));
  });

  it('BitShift requires a direction', () => {
    const u8 = T(DataType.UINT8, [3]);
    expect(() => infer('BitShift', { opset: 11, inputs: [{ type: u8 }, { type: u8 }], attributes: [attr.string('direction', 'UP')] })).toThrow(
      /direction/,
    );
  });
});

describe('legacy broadcasting (opset < 7)', () => {
  const a = { type: T(F, [2, 3, 4, 5]) };
  it('matches B at axis and keeps A shape', () => {
    const [y] = infer('Add', { opset: 6, inputs: [a, { type: T(F, [3, 4]) }], attributes: [attr.int('broadcast', 1), attr.int('axis', 1)] });
    expect(y).toEqual(T(F, [2, 3, 4, 5]));
  });
  it('matches a suffix by default and accepts a single element', () => {
    expect(infer('Mul', { opset: 6, inputs: [a, { type: T(F, [4, 5]) }], attributes: [attr.int('broadcast', 1)] })[0]).toEqual(T(F, [2, 3, 4, 5]));
    expect(infer('Mul', { opset: 6, inputs: [a, { type: T(F, [1, 1]) }], attributes: [attr.int('broadcast', 1)] })[0]).toEqual(T(F, [2, 3, 4, 5]));
  });
  it('fails when B does not match at axis', () => {
    expect(() => infer('Div', { opset: 6, inputs: [a, { type: T(F, [3, 5]) }], attributes: [attr.int('broadcast', 1), attr.int('axis', 1)] })).toThrow(
      /legacy broadcast/,
    );
  });
  it('requires equal shapes without broadcast=1', () => {
    expect(() => infer('Add', { opset: 6, inputs: [a, { type: T(F, [5]) }] })).toThrow(/same shape/);
    expect(infer('Sub', { opset: 1, inputs: [{ type: T(F, ['N', 3]) }, { type: T(F, [2, 3]) }] })[0]).toEqual(T(F, [2, 3]));
  });
  it('old comparisons give BOOL with A shape', () => {
    const [y] = infer('Greater', { opset: 1, inputs: [a, { type: T(F, [5]) }], attributes: [attr.int('broadcast', 1)] });
    expect(y).toEqual(T(DataType.BOOL, [2, 3, 4, 5]));
  });
});

describe('variadic, Where, PRelu', () => {
  it('Max before opset 8 needs equal shapes; from 8 it broadcasts', () => {
    const ins = [{ type: T(F, [2, 3]) }, { type: T(F, [3]) }];
    expect(() => infer('Max', { opset: 6, inputs: ins })).toThrow(/same shape/);
    expect(infer('Max', { opset: 13, inputs: [...ins, { type: T(F, ['B', 1, 1]) }] })[0]).toEqual(T(F, ['B', 2, 3]));
  });
  it('Sum with one input is that input', () => {
    expect(infer('Sum', { opset: 13, inputs: [{ type: T(F, ['N']) }] })[0]).toEqual(T(F, ['N']));
  });
  it('Where broadcasts all three inputs and takes X type', () => {
    const inputs = [{ type: T(DataType.BOOL, ['N', 1]) }, { type: T(DataType.INT32, [1, 4]) }, { type: T(DataType.INT32, []) }];
    const [y] = infer('Where', { opset: 16, inputs });
    expect(y).toEqual(T(DataType.INT32, ['N', 4]));
  });
  it('Where needs a BOOL condition', () => {
    expect(() => infer('Where', { opset: 16, inputs: [{ type: T(F, [1]) }, { type: T(F, [1]) }, { type: T(F, [1]) }] })).toThrow(/BOOL/);
  });
  it('PRelu slope broadcasts one way only', () => {
    const x = { type: T(F, ['N', 3, 'H', 'W']) };
    expect(infer('PRelu', { opset: 16, inputs: [x, { type: T(F, [3, 1, 1]) }] })[0]).toEqual(T(F, ['N', 3, 'H', 'W']));
    expect(() => infer('PRelu', { opset: 16, inputs: [x, { type: T(F, [4, 1, 1]) }] })).toThrow(/slope/);
    expect(() => infer('PRelu', { opset: 16, inputs: [{ type: T(F, [3]) }, { type: T(F, [2, 3]) }] })).toThrow(/higher rank/);
  });
});

describe('integer data propagation', () => {
  it('Mul broadcasts a scalar over a shape vector', () => {
    const c = inferConst('Mul', { opset: 14, inputs: [i64([2, 3, 4]), i64([2], [])] });
    expect(c).toEqual({ dtype: DataType.INT64, dims: [3], values: [4n, 6n, 8n] });
  });
  it('Div truncates toward zero; division by zero is not evaluated', () => {
    expect(inferConst('Div', { opset: 14, inputs: [i64([-7, 7]), i64([2])] })?.values).toEqual([-3n, 3n]);
    expect(inferConst('Div', { opset: 14, inputs: [i64([1]), i64([0])] })).toBeUndefined();
  });
  it('Mod follows the divisor sign unless fmod=1', () => {
    expect(inferConst('Mod', { opset: 13, inputs: [i64([-7, 7]), i64([3, -3])] })?.values).toEqual([2n, -2n]);
    const fmod = inferConst('Mod', { opset: 13, inputs: [i64([-7, 7]), i64([3, -3])], attributes: [attr.int('fmod', 1)] });
    expect(fmod?.values).toEqual([-1n, 1n]);
  });
  it('overflow is not evaluated', () => {
    expect(inferConst('Add', { opset: 14, inputs: [i64([2n ** 63n - 1n]), i64([1])] })).toBeUndefined();
  });
  it('legacy broadcast with axis is not evaluated numpy-style', () => {
    const attributes = [attr.int('broadcast', 1), attr.int('axis', 0)];
    expect(inferConst('Add', { opset: 6, inputs: [i64([1, 2, 3, 4], [2, 2]), i64([10, 20])], attributes })).toBeUndefined();
    const suffix = inferConst('Add', { opset: 6, inputs: [i64([1, 2, 3, 4], [2, 2]), i64([10, 20])], attributes: [attr.int('broadcast', 1)] });
    expect(suffix?.values).toEqual([11n, 22n, 13n, 24n]);
  });
  it('needs every input constant', () => {
    expect(inferConst('Sub', { opset: 14, inputs: [i64([5]), { type: T(DataType.INT64, [1]) }] })).toBeUndefined();
  });
  it('Equal then Where: replace -1 entries of a shape', () => {
    const eq = inferConst('Equal', { opset: 13, inputs: [i64([2, -1, 4]), i64([-1], [])] });
    expect(eq).toEqual({ dtype: DataType.BOOL, dims: [3], values: [0, 1, 0] });
    const cond = { type: T(DataType.BOOL, [3]), constant: eq! };
    const w = inferConst('Where', { opset: 16, inputs: [cond, i64([1, 1, 1]), i64([2, -1, 4])] });
    expect(w).toEqual({ dtype: DataType.INT64, dims: [3], values: [2n, 1n, 4n] });
  });
  it('Max and Min over several constants', () => {
    expect(inferConst('Max', { opset: 13, inputs: [i64([1, 5]), i64([3], []), i64([2, 2])] })?.values).toEqual([3n, 5n]);
    expect(inferConst('Min', { opset: 13, inputs: [i64([1, 5]), i64([3], [])] })?.values).toEqual([1n, 3n]);
  });
});
