/**
 * The misc2 family against onnxruntime-node: each case is a one-node model run by both engines on the same
 * inputs; expected values come from onnxruntime, never from our code. Ops onnxruntime-node cannot run
 * (CumProd, BitCast, TensorScatter at their new opsets) are covered by the ONNX node tests only.
 */

import { describe, it } from 'vitest';
import { expectMatchesOrt, f32, fv, i64, type KernelCase } from '../../../../../test/support/kernel-cases.js';
import { attr } from '../../../test-models.js';

const CASES: KernelCase[] = [
  { name: 'nms two batches two classes center boxes', op: 'NonMaxSuppression',
    inputs: [fv([2, 3, 4], [0.5, 0.5, 1, 1, 0.6, 0.55, 1, 1, 3, 3, 1, 1, 0.5, 0.5, 1, 1, 0.5, 0.6, 1, 1, 2, 2, 1.2, 1]),
      fv([2, 2, 3], [0.9, 0.8, 0.7, 0.1, 0.95, 0.6, 0.3, 0.9, 0.8, 0.5, 0.5, 0.5]), i64([1], [2]), fv([1], [0.3]), fv([1], [0.2])],
    attrs: [attr.int('center_point_box', 1)], outputs: [{ name: 'y', type: 'int64' }] },
  { name: 'unique sorted axis 1', op: 'Unique', inputs: [fv([2, 4], [1, 3, 1, 0, 2, 1, 2, 5])], attrs: [attr.int('axis', 1)],
    outputs: [{ name: 'y', type: 'float32' }, { name: 'idx', type: 'int64' }, { name: 'inv', type: 'int64' }, { name: 'cnt', type: 'int64' }] },
  { name: 'unique unsorted flat', op: 'Unique', inputs: [fv([7], [4, 1, 4, 2, 1, 9, 2])], attrs: [attr.int('sorted', 0)],
    outputs: [{ name: 'y', type: 'float32' }, { name: 'idx', type: 'int64' }, { name: 'inv', type: 'int64' }, { name: 'cnt', type: 'int64' }] },
  { name: 'reversesequence batch axis 0', op: 'ReverseSequence', inputs: [f32([3, 4, 2], 1), i64([3], [1, 4, 3])],
    attrs: [attr.int('batch_axis', 0), attr.int('time_axis', 1)] },
  { name: 'col2im strides pads dilations', op: 'Col2Im', inputs: [f32([1, 8, 9], 2), i64([2], [5, 4]), i64([2], [2, 2])],
    attrs: [attr.ints('strides', [2, 1]), attr.ints('pads', [1, 0, 0, 1]), attr.ints('dilations', [1, 2])] },
  // With an output_shape larger than the inferred one, onnxruntime indexes the larger tensor while the ONNX
  // reference (and test_maxunpool_export_with_output_shape) places the inferred block at the origin; we follow
  // the node test, so only the inferred shape is compared here.
  { name: 'maxunpool pads inferred shape', op: 'MaxUnpool', inputs: [f32([2, 1, 2, 3], 3), i64([2, 1, 2, 3], [0, 3, 4, 9, 12, 14, 15, 17, 19, 22, 26, 29])],
    attrs: [attr.ints('kernel_shape', [3, 3]), attr.ints('strides', [2, 2]), attr.ints('pads', [1, 0, 0, 1])] },
  { name: 'roialign max output_half_pixel', op: 'RoiAlign', opset: 16,
    inputs: [f32([2, 2, 6, 5], 4), fv([2, 4], [0.5, 1, 4, 5.5, 1, 0, 3, 2]), i64([2], [1, 0])],
    attrs: [attr.string('mode', 'max'), attr.int('output_height', 3), attr.int('output_width', 2), attr.float('spatial_scale', 0.8),
      attr.string('coordinate_transformation_mode', 'output_half_pixel')] },
  { name: 'roialign avg half_pixel sampling 2', op: 'RoiAlign', opset: 16,
    inputs: [f32([1, 3, 5, 5], 5), fv([1, 4], [0, 0.5, 3.5, 4]), i64([1], [0])],
    attrs: [attr.int('output_height', 2), attr.int('output_width', 2), attr.int('sampling_ratio', 2)] },
  { name: 'dft complex inverse length 5 axis 1', op: 'DFT', opset: 20, inputs: [f32([2, 4, 3, 2], 6), i64([], [5]), i64([], [1])],
    attrs: [attr.int('inverse', 1)] },
  { name: 'dft real onesided odd length', op: 'DFT', opset: 20, inputs: [f32([1, 7, 1], 7)], attrs: [attr.int('onesided', 1)] },
  { name: 'stft real with window', op: 'STFT', opset: 17, inputs: [f32([2, 20, 1], 8), i64([], [3]), f32([6], 9)] },
];

describe('misc2 kernels match onnxruntime-node', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => expectMatchesOrt(c));
});
