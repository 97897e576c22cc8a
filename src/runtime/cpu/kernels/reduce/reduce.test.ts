/**
 * Reductions against onnxruntime-node: trailing axes (contiguous runs), leading and middle axes (gathered),
 * all axes, keepdims 0, negative axes and int64. Expected values come from onnxruntime.
 */
import { describe, it } from 'vitest';
import { expectMatchesOrt, f32, i64, type KernelCase } from '../../../../../test/support/kernel-cases.js';
import { attr } from '../../../test-models.js';

const I64 = [{ name: 'y', type: 'int64' as const }];

const CASES: KernelCase[] = [
  { name: 'reducemean last axis', op: 'ReduceMean', opset: 18, inputs: [f32([2, 8, 32], 1), i64([1], [-1])] },
  { name: 'reducesum last two axes keepdims 0', op: 'ReduceSum', opset: 13, inputs: [f32([3, 4, 5], 2), i64([2], [1, 2])], attrs: [attr.int('keepdims', 0)] },
  { name: 'reducemax middle axis', op: 'ReduceMax', opset: 18, inputs: [f32([3, 4, 5], 3), i64([1], [1])] },
  { name: 'reducemin leading axis', op: 'ReduceMin', opset: 18, inputs: [f32([3, 4, 5], 4), i64([1], [0])] },
  { name: 'reducel2 axes 0 and 2', op: 'ReduceL2', opset: 18, inputs: [f32([3, 4, 5], 5), i64([2], [0, 2])] },
  { name: 'reducesumsquare all axes', op: 'ReduceSumSquare', opset: 18, inputs: [f32([3, 4, 5], 6)] },
  { name: 'reducelogsumexp trailing with size-1 kept dim', op: 'ReduceLogSumExp', opset: 18, inputs: [f32([3, 1, 4], 7), i64([1], [2])] },
  { name: 'reduceprod size-1 reduced axis', op: 'ReduceProd', opset: 18, inputs: [f32([3, 1, 4], 8), i64([1], [1])] },
  { name: 'reducemean opset 13 attribute axes', op: 'ReduceMean', opset: 13, inputs: [f32([2, 3, 4], 9)], attrs: [attr.ints('axes', [-1, 0])] },
  { name: 'reducesum int64 trailing', op: 'ReduceSum', opset: 13, inputs: [i64([2, 3], [1, 2, 3, 4, 5, -9]), i64([1], [1])], outputs: I64 },
  { name: 'reducemax int64 leading', op: 'ReduceMax', opset: 18, inputs: [i64([2, 3], [1, 7, 3, 4, 5, -9]), i64([1], [0])], outputs: I64 },
];

describe('reduce kernels match onnxruntime-node', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => expectMatchesOrt(c));
});
