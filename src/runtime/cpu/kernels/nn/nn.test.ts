/**
 * BatchNormalization (inference and training_mode), LayerNormalization, Softmax/LogSoftmax/Hardmax, Clip
 * and the global pools against onnxruntime-node, on the fast paths (per-channel scale/shift, last-axis
 * rows) and their awkward cases (rank 2 and rank 5 inputs, a middle softmax axis, opset 11 coercion to
 * 2-D, broadcast LayerNorm scale, min > max). Expected values come from onnxruntime, never from our code.
 */
import { describe, it } from 'vitest';
import { expectMatchesOrt, f32, fv, type KernelCase } from '../../../../../test/support/kernel-cases.js';
import { attr } from '../../../test-models.js';

const positive = (dims: number[], seed: number) => fv(dims, Array.from(f32(dims, seed).data as Float32Array, (v) => Math.abs(v) + 0.1));
const bnInputs = (dims: number[]) => {
  const c = dims[1] ?? 1;
  return [f32(dims, 1), f32([c], 2), f32([c], 3), f32([c], 4), positive([c], 5)];
};
const stats = [{ name: 'y', type: 'float32' as const }, { name: 'running_mean', type: 'float32' as const }, { name: 'running_var', type: 'float32' as const }];

const CASES: KernelCase[] = [
  { name: 'batchnorm NCHW', op: 'BatchNormalization', opset: 15, inputs: bnInputs([2, 3, 4, 5]) },
  { name: 'batchnorm NC (rank 2)', op: 'BatchNormalization', opset: 15, inputs: bnInputs([4, 6]) },
  { name: 'batchnorm NCDHW', op: 'BatchNormalization', opset: 15, inputs: bnInputs([1, 2, 3, 2, 4]), attrs: [attr.float('epsilon', 1e-2)] },
  { name: 'batchnorm opset 9', op: 'BatchNormalization', opset: 9, inputs: bnInputs([2, 3, 2, 2]) },
  { name: 'batchnorm training NCHW', op: 'BatchNormalization', opset: 15, inputs: bnInputs([2, 3, 4, 5]), attrs: [attr.int('training_mode', 1)], outputs: stats },
  { name: 'batchnorm training momentum rank 3', op: 'BatchNormalization', opset: 15, inputs: bnInputs([3, 4, 7]),
    attrs: [attr.int('training_mode', 1), attr.float('momentum', 0.7), attr.float('epsilon', 1e-3)], outputs: stats },
  { name: 'batchnorm training rank 2', op: 'BatchNormalization', opset: 14, inputs: bnInputs([5, 3]), attrs: [attr.int('training_mode', 1)], outputs: stats },
  { name: 'batchnorm opset 9 training outputs', op: 'BatchNormalization', opset: 9, inputs: bnInputs([2, 3, 2, 2]),
    outputs: [...stats, { name: 'saved_mean', type: 'float32' }, { name: 'saved_var', type: 'float32' }] },
  { name: 'layernorm last axis', op: 'LayerNormalization', opset: 17, inputs: [f32([2, 8, 32], 1), f32([32], 2), f32([32], 3)] },
  { name: 'layernorm no bias', op: 'LayerNormalization', opset: 17, inputs: [f32([3, 16], 1), f32([16], 2)] },
  { name: 'layernorm axis 1 over two dims', op: 'LayerNormalization', opset: 17, inputs: [f32([2, 3, 5], 1), f32([3, 5], 2), f32([3, 5], 3)], attrs: [attr.int('axis', 1)] },
  { name: 'layernorm broadcast scale', op: 'LayerNormalization', opset: 17, inputs: [f32([2, 3, 5], 1), f32([1, 5], 2), f32([5], 3)], attrs: [attr.int('axis', -2)] },
  { name: 'layernorm mean and inv std outputs', op: 'LayerNormalization', opset: 17, inputs: [f32([4, 6], 1), f32([6], 2), f32([6], 3)],
    outputs: [{ name: 'y', type: 'float32' }, { name: 'mean', type: 'float32' }, { name: 'inv_std', type: 'float32' }] },
  { name: 'softmax last axis', op: 'Softmax', opset: 13, inputs: [fv([2, 4, 8], Array.from(f32([2, 4, 8], 1).data as Float32Array, (v) => v * 20))] },
  { name: 'softmax middle axis', op: 'Softmax', opset: 13, inputs: [f32([2, 5, 3], 2)], attrs: [attr.int('axis', 1)] },
  { name: 'softmax opset 11 coerced 2-D', op: 'Softmax', opset: 11, inputs: [f32([2, 3, 4], 3)], attrs: [attr.int('axis', 1)] },
  { name: 'softmax long rows', op: 'Softmax', opset: 13, inputs: [f32([2, 5000], 4)] },
  { name: 'logsoftmax last axis', op: 'LogSoftmax', opset: 13, inputs: [f32([3, 7], 5)] },
  { name: 'logsoftmax axis 0', op: 'LogSoftmax', opset: 13, inputs: [f32([3, 7], 6)], attrs: [attr.int('axis', 0)] },
  { name: 'hardmax ties take the first', op: 'Hardmax', opset: 13, inputs: [fv([2, 4], [1, 3, 3, 0, -1, -1, -2, -1])] },
  { name: 'clip 0..6', op: 'Clip', opset: 13, inputs: [fv([2, 5], [-8, -1, 0, 1, 5.5, 6, 6.5, 100, -0.5, 3]), fv([], [0]), fv([], [6])] },
  { name: 'clip min only', op: 'Clip', opset: 13, inputs: [f32([3, 4], 1), fv([], [-0.2])] },
  { name: 'clip min > max gives max', op: 'Clip', opset: 13, inputs: [f32([6], 2), fv([], [0.5]), fv([], [-0.5])] },
  { name: 'clip opset 6 attributes', op: 'Clip', opset: 6, inputs: [f32([6], 3)], attrs: [attr.float('min', -0.3), attr.float('max', 0.4)] },
  { name: 'global average pool', op: 'GlobalAveragePool', inputs: [f32([2, 3, 4, 5], 1)] },
  { name: 'global max pool 3-D', op: 'GlobalMaxPool', inputs: [f32([2, 3, 2, 3, 2], 2)] },
];

describe('nn kernels match onnxruntime-node', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => expectMatchesOrt(c));
});
