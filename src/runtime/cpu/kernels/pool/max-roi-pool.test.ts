/**
 * MaxRoiPool against onnxruntime-node (which implements opsets 1-21; pool-variants.test.ts runs ours at
 * opset 22 and on float16/float64 against the same reference). The rois probe Note [RoI pooling rounding]:
 * corners that round half away from zero after spatial_scale, rois on and past the edges, rois wholly
 * outside (empty bins give 0), x2 < x1 and y2 < y1 (forced to 1 x 1), bins finer than the roi, and a
 * fractional batch index. Expected values come from onnxruntime.
 */
import { describe, it } from 'vitest';
import { expectMatchesOrt, f32, fv, type KernelCase } from '../../../../../test/support/kernel-cases.js';
import { attr } from '../../../test-models.js';

const pooled = (h: number, w: number) => attr.ints('pooled_shape', [h, w]);
const scale = (s: number) => attr.float('spatial_scale', s);
const rois = (...r: number[][]) => fv([r.length, 5], r.flat());

const CASES: KernelCase[] = [
  {
    name: 'whole image, edges, interior; non-square pooled',
    op: 'MaxRoiPool',
    inputs: [f32([2, 3, 8, 10], 1), rois([0, 0, 0, 9, 7], [1, 0, 0, 9, 7], [1, 3, 2, 9, 7], [0, 0, 4, 4, 7], [1, 2, 1, 6, 5])],
    attrs: [pooled(3, 2)],
  },
  {
    name: 'spatial_scale 0.5, corners in image coordinates',
    op: 'MaxRoiPool',
    inputs: [f32([1, 2, 9, 7], 2), rois([0, 0, 0, 13, 17], [0, 3, 5, 11, 15], [0, 1, 1, 2, 2])],
    attrs: [pooled(2, 3), scale(0.5)],
  },
  {
    // 2 * 0.25 = 0.5 -> 1, 6 * 0.25 = 1.5 -> 2, -2 * 0.25 = -0.5 -> -1, 10 * 0.25 = 2.5 -> 3 (half away from zero).
    name: 'spatial_scale 0.25, corners on .5 after scaling',
    op: 'MaxRoiPool',
    inputs: [f32([1, 2, 6, 6], 3), rois([0, 2, 6, 10, 18], [0, -2, -2, 6, 10], [0, -6, 2, 2, -2], [0, 14, 10, 22, 22])],
    attrs: [pooled(2, 2), scale(0.25)],
  },
  {
    name: 'corners at exact .5 (scale 1) and negative .5',
    op: 'MaxRoiPool',
    inputs: [fv([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]), rois([0, -0.5, 0.5, 1.5, 2.5], [0, -1.5, -0.5, 2.5, 1.5], [0, 0.49, 0.51, 1.49, 1.51])],
    attrs: [pooled(2, 2)],
  },
  {
    name: 'x2 < x1 and y2 < y1 (forced to 1 x 1)',
    op: 'MaxRoiPool',
    inputs: [f32([1, 3, 5, 6], 4), rois([0, 4, 3, 1, 0], [0, 2, 4, 0, 4], [0, 1, 4, 1, 1])],
    attrs: [pooled(2, 3)],
  },
  {
    name: 'rois past the edges and wholly outside (empty bins)',
    op: 'MaxRoiPool',
    inputs: [f32([1, 2, 5, 7], 5), rois([0, -3, -2, 2, 3], [0, 4, 2, 12, 9], [0, 8, 6, 11, 9], [0, -6, -5, -2, -1], [0, -2, 1, 9, 3])],
    attrs: [pooled(3, 3)],
  },
  {
    name: 'pooled finer than the roi (bins overlap)',
    op: 'MaxRoiPool',
    inputs: [f32([1, 2, 6, 6], 6), rois([0, 1, 1, 2, 3], [0, 4, 4, 4, 5])],
    attrs: [pooled(4, 5)],
  },
  {
    name: 'fractional batch index truncates; spatial_scale 1/16',
    op: 'MaxRoiPool',
    inputs: [f32([3, 2, 7, 7], 7), rois([1.7, 0, 0, 64, 64], [2, 16, 8, 96, 100], [0.2, 24, 24, 40, 40], [2.9, 8, 0, 31, 47])],
    attrs: [pooled(2, 2), scale(1 / 16)],
  },
  {
    name: 'all -Infinity region',
    op: 'MaxRoiPool',
    inputs: [fv([1, 1, 2, 3], [-Infinity, -Infinity, -Infinity, 1, -Infinity, -Infinity]), rois([0, 0, 0, 1, 1], [0, 0, 0, 2, 1])],
    attrs: [pooled(1, 2)],
  },
  {
    name: 'opset 1, default spatial_scale',
    op: 'MaxRoiPool',
    inputs: [f32([2, 2, 4, 5], 8), rois([1, 0, 0, 4, 3], [0, 1, 1, 3, 2])],
    attrs: [pooled(2, 2)],
    opset: 1,
  },
];

describe('MaxRoiPool matches onnxruntime-node', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => expectMatchesOrt(c));
});
