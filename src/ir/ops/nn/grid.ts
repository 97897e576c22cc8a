/**
 * Sampling grids: AffineGrid makes one ([N, H, W, 2] or [N, D, H, W, 3]) and GridSample reads X
 * [N, C, D1..Dr] at the grid's points, giving [N, C, grid's spatial dims].
 */
import type { Dim } from '../../shape.js';
import { formatShape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { constantInts, mergeDim } from '../shape-utils.js';
import { checkDimsMatch } from './util.js';

/** Before opset 20 only 4-D (2 spatial dims) inputs were allowed. */
const gridSample: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  if (t === undefined) return;
  const x = t.shape;
  const grid = ctx.inputTensor(1)?.shape;
  if (x !== undefined && grid !== undefined && x.length !== grid.length) {
    ctx.fail(`grid rank ${grid.length} must equal input rank ${x.length}`);
  }
  const rank = x?.length ?? grid?.length;
  if (rank === undefined) return ctx.setOutputTensor(0, t.dtype, undefined);
  if (ctx.schema.sinceVersion < 20 && rank !== 4) ctx.fail(`input must be 4-D before opset 20, got rank ${rank}`);
  if (rank < 3) ctx.fail(`input must have rank at least 3 ([N, C, spatial...]), got rank ${rank}`);
  checkDimsMatch(ctx, grid?.[rank - 1] ?? null, rank - 2, `grid's last dim must be the number of spatial dims ${rank - 2}`);
  checkDimsMatch(ctx, x?.[0] ?? null, grid?.[0] ?? null, 'input vs grid batch size');
  const spatial = grid?.slice(1, rank - 1) ?? new Array<Dim>(rank - 2).fill(null);
  ctx.setOutputTensor(0, t.dtype, [mergeDim(x?.[0] ?? null, grid?.[0] ?? null), x?.[1] ?? null, ...spatial]);
};

/** theta [N, 2, 3] is 2-D, [N, 3, 4] 3-D; size is [N, C, H, W] or [N, C, D, H, W]. */
const affineGrid: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  if (t === undefined) return;
  const theta = t.shape;
  if (theta !== undefined) {
    const ok = theta.length === 3 && (theta[1] === null || typeof theta[1] === 'string' || theta[1] === 2 || theta[1] === 3);
    if (!ok) ctx.fail(`theta must be [N, 2, 3] or [N, 3, 4], got ${formatShape(theta)}`);
    if (typeof theta[1] === 'number') checkDimsMatch(ctx, theta[2] ?? null, theta[1] + 1, 'theta dim 2 must be dim 1 + 1');
  }
  const sizeLen = ctx.inputTensor(1)?.shape?.[0];
  const fromTheta = typeof theta?.[1] === 'number' ? theta[1] + 2 : null;
  const values = constantInts(ctx.inputConstant(1));
  const len = values?.length ?? (typeof sizeLen === 'number' ? sizeLen : fromTheta);
  if (len === null) return ctx.setOutputTensor(0, t.dtype, undefined);
  if (len !== 4 && len !== 5) ctx.fail(`size must have 4 ([N, C, H, W]) or 5 ([N, C, D, H, W]) values, got ${len}`);
  checkDimsMatch(ctx, fromTheta, len, 'size length vs theta (2-D needs 4 values, 3-D needs 5)');
  const spatial: Dim[] = values?.slice(2) ?? new Array<Dim>(len - 2).fill(null);
  const n = mergeDim(theta?.[0] ?? null, values?.[0] ?? null);
  checkDimsMatch(ctx, theta?.[0] ?? null, values?.[0] ?? null, 'theta batch vs size[0]');
  ctx.setOutputTensor(0, t.dtype, [n, ...spatial, len - 2]);
};

registerShapeRules({
  GridSample: gridSample,
  AffineGrid: affineGrid,
});
