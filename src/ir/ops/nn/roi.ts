/**
 * Region ops: MaxRoiPool and RoiAlign (one pooled [C, h, w] map per region of interest) and
 * NonMaxSuppression (a data-dependent list of selected boxes).
 */
import { DataType } from '../../dtype.js';
import type { Dim } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { mergeDim } from '../shape-utils.js';
import { checkDimsMatch, checkRank } from './util.js';

/** Y = [num_rois, C, h, w] from X [N, C, H, W] and rois [num_rois, boxWidth]. */
function roiOutput(ctx: InferContext, boxWidth: number, numRois: Dim, h: number, w: number): void {
  const t = ctx.inputTensor(0);
  if (t === undefined) return;
  checkRank(ctx, t.shape, 4, 'X');
  const rois = ctx.inputTensor(1)?.shape;
  checkRank(ctx, rois, 2, 'rois');
  checkDimsMatch(ctx, rois?.[1] ?? null, boxWidth, `rois dim 1 must be ${boxWidth}`);
  checkDimsMatch(ctx, rois?.[0] ?? null, numRois, 'rois count vs batch_indices length');
  if (h < 1 || w < 1) ctx.fail(`pooled output size must be positive, got ${h} x ${w}`);
  ctx.setOutputTensor(0, t.dtype, [mergeDim(rois?.[0] ?? null, numRois), t.shape?.[1] ?? null, h, w]);
}

const maxRoiPool: ShapeRule = (ctx) => {
  const pooled = ctx.attrInts('pooled_shape');
  if (pooled === undefined || pooled.length !== 2) {
    return ctx.fail(`pooled_shape must have 2 values (height, width), got ${pooled === undefined ? 'none' : pooled.length}`);
  }
  roiOutput(ctx, 5, null, pooled[0] ?? 0, pooled[1] ?? 0);
};

const roiAlign: ShapeRule = (ctx) => {
  const indices = ctx.inputTensor(2)?.shape;
  checkRank(ctx, indices, 1, 'batch_indices');
  roiOutput(ctx, 4, indices?.[0] ?? null, ctx.attrInt('output_height', 1), ctx.attrInt('output_width', 1));
};

/** selected_indices is [num_selected, 3] (batch, class, box); num_selected depends on the data. */
const nonMaxSuppression: ShapeRule = (ctx) => {
  const boxes = ctx.inputTensor(0)?.shape;
  const scores = ctx.inputTensor(1)?.shape;
  checkRank(ctx, boxes, 3, 'boxes');
  checkRank(ctx, scores, 3, 'scores');
  checkDimsMatch(ctx, boxes?.[2] ?? null, 4, 'boxes dim 2 must be 4');
  checkDimsMatch(ctx, boxes?.[0] ?? null, scores?.[0] ?? null, 'boxes vs scores batch size');
  checkDimsMatch(ctx, boxes?.[1] ?? null, scores?.[2] ?? null, 'boxes count (boxes dim 1) vs scores dim 2');
  ctx.setOutputTensor(0, DataType.INT64, [null, 3]);
};

registerShapeRules({
  MaxRoiPool: maxRoiPool,
  RoiAlign: roiAlign,
  NonMaxSuppression: nonMaxSuppression,
});
