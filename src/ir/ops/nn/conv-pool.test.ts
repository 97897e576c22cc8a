import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { DataType, i64, infer, t, T } from './test-helpers.js';

const F = DataType.FLOAT;

describe('Conv', () => {
  it('keeps symbolic spatial dims under SAME padding with stride 1', () => {
    const out = infer('Conv', { opset: 11, inputs: [t(F, ['N', 3, 'H', 'W']), t(F, [8, 3, 3, 3])], attributes: [attr.string('auto_pad', 'SAME_UPPER')] });
    expect(out[0]).toEqual(T(F, ['N', 8, 'H', 'W']));
  });
  it('applies explicit pads and strides: floor((7 + 2 - 3) / 2) + 1 = 4, floor((5 + 2 - 3) / 2) + 1 = 3', () => {
    const out = infer('Conv', {
      opset: 11,
      inputs: [t(F, [1, 1, 7, 5]), t(F, [1, 1, 3, 3])],
      attributes: [attr.ints('pads', [1, 1, 1, 1]), attr.ints('strides', [2, 2])],
    });
    expect(out[0]).toEqual(T(F, [1, 1, 4, 3]));
  });
  it('SAME with stride 2 gives ceil(in / 2) and an unknown dim for a symbol', () => {
    const out = infer('Conv', {
      opset: 22,
      inputs: [t(F, [1, 1, 7, 'W']), t(F, [1, 1, 3, 3])],
      attributes: [attr.string('auto_pad', 'SAME_LOWER'), attr.ints('strides', [2, 2])],
    });
    expect(out[0]).toEqual(T(F, [1, 1, 4, null]));
  });
  it('uses the dilated kernel: 10 - (2 * (3 - 1) + 1) + 1 = 6', () => {
    const out = infer('Conv', { opset: 11, inputs: [t(F, [1, 1, 10, 10]), t(F, [2, 1, 3, 3]), t(F, [2])], attributes: [attr.ints('dilations', [2, 2])] });
    expect(out[0]).toEqual(T(F, [1, 2, 6, 6]));
  });
  it('checks channels against weight dim 1 times group', () => {
    const x = t(F, [1, 4, 5, 5]);
    expect(infer('Conv', { opset: 11, inputs: [x, t(F, [6, 2, 3, 3])], attributes: [attr.int('group', 2)] })[0]).toEqual(T(F, [1, 6, 3, 3]));
    expect(() => infer('Conv', { opset: 11, inputs: [x, t(F, [6, 3, 3, 3])], attributes: [attr.int('group', 2)] })).toThrow(/4 channels but weight expects 3 x group 2 = 6/);
  });
  it('fails on a weight of another rank, a bias of the wrong length, or a kernel larger than the input', () => {
    expect(() => infer('Conv', { opset: 11, inputs: [t(F, [1, 3, 5, 5]), t(F, [8, 3, 3])] })).toThrow(/weight rank 3 must equal input rank 4/);
    expect(() => infer('Conv', { opset: 11, inputs: [t(F, [1, 3, 5, 5]), t(F, [8, 3, 3, 3]), t(F, [4])] })).toThrow(/bias length/);
    expect(() => infer('Conv', { opset: 11, inputs: [t(F, [1, 3, 2, 5]), t(F, [8, 3, 3, 3])] })).toThrow(/larger than the padded input 2/);
  });
  it('takes the kernel from kernel_shape when the weight shape is unknown', () => {
    const out = infer('Conv', { opset: 11, inputs: [t(F, [1, 3, 5, 5]), t(F)], attributes: [attr.ints('kernel_shape', [3, 1])] });
    expect(out[0]).toEqual(T(F, [1, null, 3, 5]));
  });
  it('ConvInteger gives int32 and QLinearConv the type of y_zero_point', () => {
    const u8 = DataType.UINT8;
    expect(infer('ConvInteger', { opset: 10, inputs: [t(u8, [1, 1, 5, 5]), t(u8, [1, 1, 3, 3])] })[0]).toEqual(T(DataType.INT32, [1, 1, 3, 3]));
    const q = infer('QLinearConv', {
      opset: 10,
      inputs: [t(u8, [1, 1, 5, 5]), t(F, []), t(u8, []), t(u8, [2, 1, 3, 3]), t(F, []), t(u8, []), t(F, []), t(DataType.INT8, [])],
    });
    expect(q[0]).toEqual(T(DataType.INT8, [1, 2, 3, 3]));
  });
});

describe('ConvTranspose', () => {
  const x = t(F, [1, 1, 3, 3]);
  const w = t(F, [1, 2, 3, 3]);
  it('out = stride * (in - 1) + output_padding + kernel - pads', () => {
    expect(infer('ConvTranspose', { opset: 11, inputs: [x, w] })[0]).toEqual(T(F, [1, 2, 5, 5]));
    const out = infer('ConvTranspose', { opset: 11, inputs: [x, w], attributes: [attr.ints('strides', [3, 2]), attr.ints('output_padding', [1, 1])] });
    expect(out[0]).toEqual(T(F, [1, 2, 10, 8]));
  });
  it('output_shape wins, and SAME gives in * stride', () => {
    expect(infer('ConvTranspose', { opset: 11, inputs: [x, w], attributes: [attr.ints('output_shape', [10, 8]), attr.ints('strides', [3, 2])] })[0]).toEqual(T(F, [1, 2, 10, 8]));
    expect(infer('ConvTranspose', { opset: 11, inputs: [x, w], attributes: [attr.string('auto_pad', 'SAME_UPPER'), attr.ints('strides', [2, 2])] })[0]).toEqual(T(F, [1, 2, 6, 6]));
  });
  it('output channels are weight dim 1 times group', () => {
    const out = infer('ConvTranspose', { opset: 22, inputs: [t(F, ['N', 4, 'H', 3]), t(F, [4, 3, 1, 3])], attributes: [attr.int('group', 2)] });
    expect(out[0]).toEqual(T(F, ['N', 6, 'H', 5]));
    expect(() => infer('ConvTranspose', { opset: 11, inputs: [t(F, [1, 2, 3, 3]), w] })).toThrow(/input channels vs weight dim 0: 2 vs 1/);
  });
});

describe('DeformConv and CausalConvWithState', () => {
  it('DeformConv takes output dims from the offset when the input leaves them unknown', () => {
    const out = infer('DeformConv', { opset: 19, inputs: [t(F, ['N', 2, 'H', 'W']), t(F, [4, 2, 2, 2]), t(F, ['N', 8, 3, 3])] });
    expect(out[0]).toEqual(T(F, ['N', 4, 3, 3]));
  });
  it('CausalConvWithState keeps the input shape; the state holds k - 1 steps', () => {
    const out = infer('CausalConvWithState', { opset: 27, inputs: [t(F, ['B', 'C', 'L']), t(F, [16, 1, 4])], outputCount: 2 });
    expect(out).toEqual([T(F, ['B', 16, 'L']), T(F, ['B', 16, 3])]);
    expect(() => infer('CausalConvWithState', { opset: 27, inputs: [t(F, [1, 16, 5]), t(F, [16, 1, 4]), null, t(F, [1, 16, 2])], outputCount: 2 })).toThrow(
      /past_state length vs kernel size - 1: 2 vs 3/,
    );
  });
});

describe('pooling', () => {
  it('ceil_mode rounds up but drops a last window that starts in the end padding', () => {
    const ceil = [attr.int('ceil_mode', 1)];
    const a = infer('MaxPool', { opset: 12, inputs: [t(F, [1, 1, 4, 4])], attributes: [attr.ints('kernel_shape', [3, 3]), attr.ints('strides', [2, 2]), ...ceil] });
    expect(a[0]).toEqual(T(F, [1, 1, 2, 2]));
    // 2x2 input, 1x1 kernel, stride 2: ceil((2 - 1) / 2) + 1 = 2 windows, but the second starts at 2 >= 2.
    const b = infer('MaxPool', { opset: 12, inputs: [t(F, [1, 1, 2, 2])], attributes: [attr.ints('kernel_shape', [1, 1]), attr.ints('strides', [2, 2]), ...ceil] });
    expect(b[0]).toEqual(T(F, [1, 1, 1, 1]));
  });
  it('MaxPool Indices are int64 of Y shape', () => {
    const out = infer('MaxPool', { opset: 12, inputs: [t(F, ['N', 'C', 5, 5])], attributes: [attr.ints('kernel_shape', [2, 2])], outputCount: 2 });
    expect(out).toEqual([T(F, ['N', 'C', 4, 4]), T(DataType.INT64, ['N', 'C', 4, 4])]);
  });
  it('AveragePool with pads and dilations; a 1x1 window keeps symbols', () => {
    const out = infer('AveragePool', {
      opset: 19,
      inputs: [t(F, [1, 3, 8, 'W'])],
      attributes: [attr.ints('kernel_shape', [3, 1]), attr.ints('dilations', [2, 1]), attr.ints('pads', [1, 0, 1, 0])],
    });
    expect(out[0]).toEqual(T(F, [1, 3, 6, 'W']));
  });
  it('fails when kernel_shape does not match the spatial rank', () => {
    expect(() => infer('LpPool', { opset: 18, inputs: [t(F, [1, 3, 8, 8])], attributes: [attr.ints('kernel_shape', [3])] })).toThrow(/kernel_shape has 1 values/);
  });
  it('global pools set every spatial dim to 1', () => {
    expect(infer('GlobalAveragePool', { opset: 1, inputs: [t(F, ['N', 'C', 'H', 'W'])] })[0]).toEqual(T(F, ['N', 'C', 1, 1]));
    expect(infer('GlobalLpPool', { opset: 2, inputs: [t(F, [2, 3, 4])] })[0]).toEqual(T(F, [2, 3, 1]));
  });
  it('MaxUnpool inverts the pool, or takes a constant output_shape', () => {
    const x = t(F, [1, 1, 2, 2]);
    const i = t(DataType.INT64, [1, 1, 2, 2]);
    const ks = [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])];
    expect(infer('MaxUnpool', { opset: 11, inputs: [x, i], attributes: ks })[0]).toEqual(T(F, [1, 1, 4, 4]));
    expect(infer('MaxUnpool', { opset: 11, inputs: [x, i, i64([1, 1, 5, 5])], attributes: ks })[0]).toEqual(T(F, [1, 1, 5, 5]));
    expect(infer('MaxUnpool', { opset: 11, inputs: [x, i, t(DataType.INT64, [4])], attributes: ks })[0]).toEqual(T(F, [1, 1, null, null]));
  });
});

describe('region ops', () => {
  it('RoiAlign and MaxRoiPool give [num_rois, C, h, w]', () => {
    const x = t(F, ['N', 256, 'H', 'W']);
    const ra = infer('RoiAlign', { opset: 16, inputs: [x, t(F, ['R', 4]), t(DataType.INT64, ['R'])], attributes: [attr.int('output_height', 7), attr.int('output_width', 5)] });
    expect(ra[0]).toEqual(T(F, ['R', 256, 7, 5]));
    const mp = infer('MaxRoiPool', { opset: 1, inputs: [x, t(F, [10, 5])], attributes: [attr.ints('pooled_shape', [6, 6])] });
    expect(mp[0]).toEqual(T(F, [10, 256, 6, 6]));
    expect(() => infer('RoiAlign', { opset: 16, inputs: [x, t(F, [3, 5]), t(DataType.INT64, [3])] })).toThrow(/rois dim 1 must be 4/);
  });
  it('NonMaxSuppression selects an unknown number of [batch, class, box] triples', () => {
    const out = infer('NonMaxSuppression', { opset: 11, inputs: [t(F, [1, 6, 4]), t(F, [1, 2, 6])] });
    expect(out[0]).toEqual(T(DataType.INT64, [null, 3]));
    expect(() => infer('NonMaxSuppression', { opset: 11, inputs: [t(F, [1, 6, 4]), t(F, [1, 2, 5])] })).toThrow(/6 vs 5/);
  });
});
