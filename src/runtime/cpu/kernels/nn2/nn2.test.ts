/**
 * The nn2 family against onnxruntime-node: each case is a one-node model run by both engines on the same
 * inputs; expected values come from onnxruntime, never from our code.
 */

import { describe, it } from 'vitest';
import { expectMatchesOrt, f32, i64, rand, type KernelCase } from '../../../../../test/support/kernel-cases.js';
import { Tensor } from '../../../tensor.js';
import { attr } from '../../../test-models.js';

const CASES: KernelCase[] = [
  { name: 'groupnorm', op: 'GroupNormalization', inputs: [f32([2, 6, 3, 2], 1), f32([6], 2), f32([6], 3)], attrs: [attr.int('num_groups', 3)] },
  { name: 'rmsnorm axis 1', op: 'RMSNormalization', inputs: [f32([2, 3, 4], 4), f32([3, 4], 5)], attrs: [attr.int('axis', 1)], opset: 23 },
  { name: 'lpnorm p=1 axis 1', op: 'LpNormalization', inputs: [f32([2, 3, 4], 6)], attrs: [attr.int('axis', 1), attr.int('p', 1)] },
  { name: 'mvn axes 0,2', op: 'MeanVarianceNormalization', inputs: [f32([3, 2, 5], 7)], attrs: [attr.ints('axes', [0, 2])] },
  { name: 'lrn size 3', op: 'LRN', inputs: [f32([2, 5, 3, 2], 8)], attrs: [attr.int('size', 3), attr.float('alpha', 0.01), attr.float('bias', 2)] },
  { name: 'det batch', op: 'Det', inputs: [f32([2, 4, 4], 9)] },
  { name: 'eyelike k=-1', op: 'EyeLike', inputs: [f32([3, 5], 10)], attrs: [attr.int('k', -1)] },
  { name: 'attention 3d gqa causal scale softcap', op: 'Attention', opset: 23,
    inputs: [f32([2, 3, 8], 11), f32([2, 5, 4], 12), f32([2, 5, 6], 13)],
    attrs: [attr.int('q_num_heads', 4), attr.int('kv_num_heads', 2), attr.int('is_causal', 1), attr.float('scale', 0.3), attr.float('softcap', 2)] },
  { name: 'attention 4d float mask past present', op: 'Attention', opset: 23,
    inputs: [f32([1, 2, 3, 4], 14), f32([1, 2, 2, 4], 15), f32([1, 2, 2, 3], 16), f32([3, 5], 17), f32([1, 2, 3, 4], 18), f32([1, 2, 3, 3], 19)],
    outputs: [{ name: 'y', type: 'float32' }, { name: 'pk', type: 'float32' }, { name: 'pv', type: 'float32' }] },
  { name: 'attention 4d gqa bool mask softmax qk output', op: 'Attention', opset: 23,
    inputs: [f32([2, 4, 3, 4], 26), f32([2, 2, 5, 4], 27), f32([2, 2, 5, 4], 28),
      new Tensor('bool', Uint8Array.from([1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1]), [3, 5])],
    attrs: [attr.int('qk_matmul_output_mode', 3)],
    outputs: [{ name: 'y', type: 'float32' }, { name: 'pk', type: 'float32' }, { name: 'pv', type: 'float32' }, { name: 'qk', type: 'float32' }] },
  { name: 'rotary 3d interleaved position ids', op: 'RotaryEmbedding', opset: 23,
    inputs: [f32([2, 3, 8], 20), f32([6, 2], 21), f32([6, 2], 22), i64([2, 3], [0, 2, 5, 1, 3, 4])],
    attrs: [attr.int('num_heads', 2), attr.int('interleaved', 1)] },
  { name: 'nll weight ignore_index mean', op: 'NegativeLogLikelihoodLoss', inputs: [f32([3, 4, 2], 23), i64([3, 2], [0, 3, 1, 2, 2, 1]), f32([4], 24)],
    attrs: [attr.int('ignore_index', 2)] },
  { name: 'sce none log_prob', op: 'SoftmaxCrossEntropyLoss', inputs: [f32([3, 5], 25), i64([3], [4, 0, 2])], attrs: [attr.string('reduction', 'none')],
    outputs: [{ name: 'y', type: 'float32' }, { name: 'logp', type: 'float32' }] },
  { name: 'gridsample cubic reflection', op: 'GridSample', opset: 20, inputs: [f32([1, 2, 4, 5], 29), new Tensor('float32', Float32Array.from(rand(3 * 6 * 2, 30).map((v) => v * 1.6)), [1, 3, 6, 2])],
    attrs: [attr.string('mode', 'cubic'), attr.string('padding_mode', 'reflection')] },
  { name: 'gridsample nearest border align_corners', op: 'GridSample', opset: 20, inputs: [f32([2, 1, 3, 4], 31), new Tensor('float32', Float32Array.from(rand(2 * 2 * 5 * 2, 32).map((v) => v * 1.4)), [2, 2, 5, 2])],
    attrs: [attr.string('mode', 'nearest'), attr.string('padding_mode', 'border'), attr.int('align_corners', 1)] },
  { name: 'dropout training ratio 0 with mask', op: 'Dropout', opset: 13,
    inputs: [f32([3, 4], 34), new Tensor('float32', Float32Array.from([0]), []), new Tensor('bool', Uint8Array.from([1]), [])],
    outputs: [{ name: 'y', type: 'float32' }, { name: 'mask', type: 'bool' }] },
  { name: 'affinegrid 2d', op: 'AffineGrid', opset: 20, inputs: [f32([2, 2, 3], 33), i64([4], [2, 3, 4, 5])] },
];

describe('nn2 kernels match onnxruntime-node', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => expectMatchesOrt(c));
});
