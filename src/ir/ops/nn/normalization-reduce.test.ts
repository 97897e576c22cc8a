import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { DataType, i64, infer, run, t, T } from './test-helpers.js';

const F = DataType.FLOAT;
const H = DataType.FLOAT16;

describe('normalizations', () => {
  it('LayerNormalization: Mean/InvStdDev keep dims before axis, in the stash type', () => {
    const out = infer('LayerNormalization', { opset: 17, inputs: [t(H, ['N', 'S', 64]), t(H, [64])], attributes: [attr.int('axis', -2)], outputCount: 3 });
    expect(out).toEqual([T(H, ['N', 'S', 64]), T(F, ['N', 1, 1]), T(F, ['N', 1, 1])]);
    expect(() => infer('LayerNormalization', { opset: 17, inputs: [t(F, [2, 3]), t(F, [3])], attributes: [attr.int('axis', 2)] })).toThrow(/axis 2 is out of range for rank 2/);
  });
  it('BatchNormalization opset 15 in training mode types running stats like input_mean', () => {
    const ins = [t(H, ['N', 3, 'H', 'W']), t(F, [3]), t(F, [3]), t(DataType.DOUBLE, [3]), t(DataType.DOUBLE, [3])];
    const out = infer('BatchNormalization', { opset: 15, inputs: ins, attributes: [attr.int('training_mode', 1)], outputCount: 3 });
    expect(out).toEqual([T(H, ['N', 3, 'H', 'W']), T(DataType.DOUBLE, [3]), T(DataType.DOUBLE, [3])]);
    expect(() => infer('BatchNormalization', { opset: 15, inputs: ins, outputCount: 3 })).toThrow(/only produced when training_mode=1/);
  });
  it('BatchNormalization before opset 14 gives four statistics outputs; spatial=0 keeps scale shape', () => {
    const ins = [t(F, [2, 3, 4]), t(F, [3]), t(F, [3]), t(F, [3]), t(F, [3])];
    const out = infer('BatchNormalization', { opset: 9, inputs: ins, outputCount: 5 });
    expect(out).toEqual([T(F, [2, 3, 4]), T(F, [3]), T(F, [3]), T(F, [3]), T(F, [3])]);
    const perAct = [t(F, [2, 3, 4]), t(F, [3, 4]), t(F, [3, 4]), t(F, [3, 4]), t(F, [3, 4])];
    expect(infer('BatchNormalization', { opset: 7, inputs: perAct, attributes: [attr.int('spatial', 0)], outputCount: 2 })[1]).toEqual(T(F, [3, 4]));
    expect(() => infer('BatchNormalization', { opset: 9, inputs: perAct })).toThrow(/scale must be a vector of length C/);
  });
  it('InstanceNormalization and GroupNormalization check channels', () => {
    expect(() => infer('InstanceNormalization', { opset: 6, inputs: [t(F, [1, 3, 5]), t(F, [4]), t(F, [3])] })).toThrow(/scale length vs channels C: 4 vs 3/);
    expect(infer('GroupNormalization', { opset: 21, inputs: [t(F, ['N', 6, 5]), t(F, [6]), t(F, [6])], attributes: [attr.int('num_groups', 3)] })[0]).toEqual(
      T(F, ['N', 6, 5]),
    );
    expect(() => infer('GroupNormalization', { opset: 21, inputs: [t(F, [1, 6, 5]), t(F, [6]), t(F, [6])], attributes: [attr.int('num_groups', 4)] })).toThrow(
      /C = 6 are not divisible by num_groups 4/,
    );
  });
  it("RMSNormalization output takes the scale's type", () => {
    expect(infer('RMSNormalization', { opset: 23, inputs: [t(H, ['B', 8]), t(F, [8])] })[0]).toEqual(T(F, ['B', 8]));
  });
  it('MeanVarianceNormalization checks its default axes [0, 2, 3] against the rank', () => {
    expect(infer('MeanVarianceNormalization', { opset: 13, inputs: [t(F, [1, 3, 2, 2])] })[0]).toEqual(T(F, [1, 3, 2, 2]));
    expect(() => infer('MeanVarianceNormalization', { opset: 13, inputs: [t(F, [1, 3, 2])] })).toThrow(/axes value 3 is out of range for rank 3/);
  });
});

describe('reductions', () => {
  const x = t(F, ['N', 3, 4]);
  it('axes as an attribute before opset 18 (13 for ReduceSum), negative axes count from the back', () => {
    expect(infer('ReduceMean', { opset: 13, inputs: [x], attributes: [attr.ints('axes', [-1]), attr.int('keepdims', 0)] })[0]).toEqual(T(F, ['N', 3]));
    expect(infer('ReduceSum', { opset: 11, inputs: [x], attributes: [attr.ints('axes', [1])] })[0]).toEqual(T(F, ['N', 1, 4]));
  });
  it('axes as a constant input from opset 18 (13 for ReduceSum)', () => {
    expect(infer('ReduceMax', { opset: 18, inputs: [x, i64([0, 2])] })[0]).toEqual(T(F, [1, 3, 1]));
    expect(infer('ReduceSum', { opset: 13, inputs: [x, i64([1])], attributes: [attr.int('keepdims', 0)] })[0]).toEqual(T(F, ['N', 4]));
  });
  it('missing axes reduce everything, or nothing with noop_with_empty_axes', () => {
    expect(infer('ReduceL2', { opset: 18, inputs: [x] })[0]).toEqual(T(F, [1, 1, 1]));
    expect(infer('ReduceL2', { opset: 18, inputs: [x, i64([])], attributes: [attr.int('keepdims', 0)] })[0]).toEqual(T(F, []));
    expect(infer('ReduceSum', { opset: 13, inputs: [x, i64([])], attributes: [attr.int('noop_with_empty_axes', 1)] })[0]).toEqual(T(F, ['N', 3, 4]));
  });
  it('unknown axes: keepdims keeps the rank with unknown dims, else k axes drop k dims', () => {
    const axes = t(DataType.INT64, [1]);
    expect(infer('ReduceMin', { opset: 18, inputs: [t(F, ['N', 1, 4]), axes] })[0]).toEqual(T(F, [null, 1, null]));
    expect(infer('ReduceMin', { opset: 18, inputs: [x, axes], attributes: [attr.int('keepdims', 0)] })[0]).toEqual(T(F, [null, null]));
    expect(infer('ReduceMin', { opset: 18, inputs: [x, t(DataType.INT64, ['K'])], attributes: [attr.int('keepdims', 0)] })[0]).toEqual(T(F));
  });
  it('fails on an axis out of range', () => {
    expect(() => infer('ReduceProd', { opset: 18, inputs: [x, i64([3])] })).toThrow(/axes value 3 is out of range for rank 3/);
  });
  it('ReduceProd of a known int64 vector propagates its value (element count of a shape)', () => {
    const r = run('ReduceProd', { opset: 18, inputs: [i64([2, 3, 4])], attributes: [attr.int('keepdims', 0)] });
    expect(r.outputs[0]).toEqual(T(DataType.INT64, []));
    expect(r.constants[0]).toEqual({ dtype: DataType.INT64, dims: [], values: [24n] });
  });
  it('ArgMax/ArgMin give int64', () => {
    expect(infer('ArgMax', { opset: 13, inputs: [x], attributes: [attr.int('axis', -1)] })[0]).toEqual(T(DataType.INT64, ['N', 3, 1]));
    expect(infer('ArgMin', { opset: 11, inputs: [x], attributes: [attr.int('keepdims', 0)] })[0]).toEqual(T(DataType.INT64, [3, 4]));
    expect(() => infer('ArgMin', { opset: 11, inputs: [x], attributes: [attr.int('axis', -4)] })).toThrow(/axis -4 is out of range for rank 3/);
  });
});
