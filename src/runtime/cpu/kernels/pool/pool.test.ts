/**
 * MaxPool, AveragePool and LpPool against onnxruntime-node: the direct 1-D/2-D window walk (per-row and
 * per-column in-bounds ranges) and the tap-table path (3-D, LpPool, Indices), with pads, strides,
 * dilations, ceil_mode, auto_pad and count_include_pad. Expected values come from onnxruntime.
 */
import { describe, it } from 'vitest';
import { expectMatchesOrt, f32, type KernelCase } from '../../../../../test/support/kernel-cases.js';
import { attr } from '../../../test-models.js';

const k = (...v: number[]) => attr.ints('kernel_shape', v);
const st = (...v: number[]) => attr.ints('strides', v);
const pads = (...v: number[]) => attr.ints('pads', v);
const withIndices = [{ name: 'y', type: 'float32' as const }, { name: 'i', type: 'int64' as const }];

const CASES: KernelCase[] = [
  { name: 'maxpool 2x2 s2', op: 'MaxPool', inputs: [f32([2, 3, 8, 8], 1)], attrs: [k(2, 2), st(2, 2)] },
  { name: 'maxpool 3x3 s1 p1', op: 'MaxPool', inputs: [f32([1, 2, 7, 6], 2)], attrs: [k(3, 3), pads(1, 1, 1, 1)] },
  { name: 'maxpool 3x3 s2 asymmetric pads', op: 'MaxPool', inputs: [f32([1, 2, 7, 8], 3)], attrs: [k(3, 3), st(2, 2), pads(0, 1, 2, 1)] },
  { name: 'maxpool dilated', op: 'MaxPool', inputs: [f32([1, 1, 9, 9], 4)], attrs: [k(2, 3), attr.ints('dilations', [2, 2]), pads(1, 1, 1, 1)] },
  { name: 'maxpool ceil_mode', op: 'MaxPool', inputs: [f32([1, 2, 7, 7], 5)], attrs: [k(2, 2), st(2, 2), attr.int('ceil_mode', 1)] },
  { name: 'maxpool same_upper', op: 'MaxPool', inputs: [f32([1, 2, 5, 6], 6)], attrs: [k(3, 2), st(2, 2), attr.string('auto_pad', 'SAME_UPPER')] },
  { name: 'maxpool 1-D', op: 'MaxPool', inputs: [f32([2, 3, 11], 7)], attrs: [k(3), st(2), pads(1, 1)] },
  { name: 'maxpool 3-D', op: 'MaxPool', inputs: [f32([1, 2, 4, 4, 4], 8)], attrs: [k(2, 2, 2), st(2, 2, 2)] },
  { name: 'maxpool with indices', op: 'MaxPool', inputs: [f32([1, 2, 5, 5], 9)], attrs: [k(3, 3), st(2, 2), pads(1, 1, 1, 1)], outputs: withIndices },
  { name: 'averagepool 2x2 s2 count_include_pad', op: 'AveragePool', inputs: [f32([2, 4, 6, 6], 1)], attrs: [k(2, 2), st(2, 2), attr.int('count_include_pad', 1)] },
  { name: 'averagepool 3x3 p1 excluding pads', op: 'AveragePool', inputs: [f32([1, 2, 5, 7], 2)], attrs: [k(3, 3), pads(1, 1, 1, 1)] },
  { name: 'averagepool 3x3 p1 including pads', op: 'AveragePool', inputs: [f32([1, 2, 5, 7], 3)], attrs: [k(3, 3), pads(1, 2, 1, 0), attr.int('count_include_pad', 1)] },
  { name: 'averagepool ceil_mode', op: 'AveragePool', inputs: [f32([1, 1, 7, 5], 4)], attrs: [k(3, 3), st(2, 2), attr.int('ceil_mode', 1)] },
  { name: 'averagepool 1-D', op: 'AveragePool', inputs: [f32([1, 2, 9], 5)], attrs: [k(4), st(3), pads(2, 1)] },
  { name: 'averagepool 3-D', op: 'AveragePool', inputs: [f32([1, 1, 4, 5, 3], 6)], attrs: [k(2, 3, 2), pads(1, 1, 0, 0, 1, 1)] },
  { name: 'lppool p2', op: 'LpPool', inputs: [f32([1, 2, 5, 5], 7)], attrs: [k(2, 2), st(1, 1)] },
];

describe('pool kernels match onnxruntime-node', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => expectMatchesOrt(c));
});
