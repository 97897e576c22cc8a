/**
 * The attn2 family against onnxruntime-node: each case is a one-node model run by both engines on the same
 * inputs; expected values come from onnxruntime, never from our code. onnxruntime-node 1.30 refuses opset 27
 * (LinearAttention, CausalConvWithState), so those, like ai.onnx.preview FlexAttention, are checked by the
 * ONNX node conformance suite only.
 */

import { describe, it } from 'vitest';
import { expectMatchesOrt, f32, rand, type KernelCase } from '../../../../../test/support/kernel-cases.js';
import { Tensor } from '../../../tensor.js';
import { attr } from '../../../test-models.js';

const CASES: KernelCase[] = [
  { name: 'deformconv group 2 offset_group 2 mask bias', op: 'DeformConv', opset: 22,
    inputs: [f32([1, 4, 5, 5], 1), f32([2, 2, 3, 3], 2), new Tensor('float32', Float32Array.from(rand(2 * 18 * 3 * 3, 3).map((v) => v * 1.5)), [1, 36, 3, 3]), f32([2], 4), f32([1, 18, 3, 3], 5)],
    attrs: [attr.int('group', 2), attr.int('offset_group', 2), attr.ints('pads', [1, 1, 1, 1]), attr.ints('strides', [2, 2]), attr.ints('kernel_shape', [3, 3])] },
  { name: 'deformconv dilation no bias', op: 'DeformConv', opset: 19,
    inputs: [f32([2, 2, 6, 5], 6), f32([3, 2, 2, 2], 7), f32([2, 8, 4, 3], 8)],
    attrs: [attr.ints('dilations', [2, 2])] },
];

describe('attn2 kernels match onnxruntime-node', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => expectMatchesOrt(c));
});
