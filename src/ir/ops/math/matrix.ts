/**
 * Ops on (batches of) matrices: Det drops the two inner dims, EyeLike and Trilu keep the shape.
 */
import { DataType } from '../../dtype.js';
import { formatShape } from '../../shape.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { propagateTensor } from '../shape-utils.js';
import { checkScalarInt, dtypeAttrOr } from './util.js';

/** Det: [*, M, M] -> [*]. */
const det: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  if (t === undefined) return;
  const s = t.shape;
  if (s === undefined) {
    ctx.setOutputTensor(0, t.dtype, undefined);
    return;
  }
  if (s.length < 2) ctx.fail(`input must have rank >= 2 ([*, M, M]), got ${formatShape(s)}`);
  const m = s[s.length - 2] ?? null;
  const n = s[s.length - 1] ?? null;
  if (typeof m === 'number' && typeof n === 'number' && m !== n) ctx.fail(`input matrices must be square, got ${formatShape(s)}`);
  ctx.setOutputTensor(0, t.dtype, s.slice(0, -2));
};

/** EyeLike: the input must be 2-D; the output has its shape and `dtype` (default: the input's type). */
const eyeLike: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  const s = t?.shape;
  if (s !== undefined && s.length !== 2) ctx.fail(`input must be 2-D, got ${formatShape(s)}`);
  const dtype = dtypeAttrOr(ctx, t?.dtype);
  if (dtype !== undefined || s !== undefined) ctx.setOutputTensor(0, dtype ?? DataType.UNDEFINED, s);
};

/** Trilu: [*, N, M] in and out; `k` is a single int64. */
const trilu: ShapeRule = (ctx) => {
  const s = ctx.inputTensor(0)?.shape;
  if (s !== undefined && s.length < 2) ctx.fail(`input must have rank >= 2 ([*, N, M]), got ${formatShape(s)}`);
  if (ctx.hasInput(1)) checkScalarInt(ctx, 1, 'k', [DataType.INT64]);
  propagateTensor(ctx);
};

registerShapeRules({ Det: det, EyeLike: eyeLike, Trilu: trilu });
