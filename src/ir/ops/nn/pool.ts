/**
 * Pooling over [N, C, D1..Dn]: windowed (AveragePool, MaxPool, LpPool), global, and MaxUnpool.
 * N and C pass through; the spatial dims follow the window geometry in util.ts.
 */
import { DataType } from '../../dtype.js';
import type { Dim } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { constantInts, mergeDim } from '../shape-utils.js';
import { checkDimsMatch, readWindowParams, windowOutDims } from './util.js';

function requireSpatialRank(ctx: InferContext, rank: number, min: number): void {
  if (rank < min) ctx.fail(`input must have rank at least ${min} ([N, C, spatial...]), got rank ${rank}`);
}

/** AveragePool, MaxPool (with its optional INT64 Indices output of Y's shape) and LpPool. */
const windowPool: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  if (t === undefined) return;
  let shape: Dim[] | undefined;
  if (t.shape !== undefined) {
    requireSpatialRank(ctx, t.shape.length, 3);
    const p = readWindowParams(ctx, t.shape.length - 2);
    shape = [t.shape[0] ?? null, t.shape[1] ?? null, ...windowOutDims(ctx, t.shape.slice(2), p)];
  }
  ctx.setOutputTensor(0, t.dtype, shape);
  if (ctx.outputCount > 1 && ctx.hasOutput(1)) ctx.setOutputTensor(1, DataType.INT64, shape);
};

/** Global pools reduce every spatial dim to 1. */
const globalPool: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  if (t === undefined) return;
  if (t.shape === undefined) return ctx.setOutputTensor(0, t.dtype, undefined);
  requireSpatialRank(ctx, t.shape.length, 2);
  ctx.setOutputTensor(0, t.dtype, t.shape.map((d, i) => (i < 2 ? d : 1)));
};

/**
 * MaxUnpool inverts a MaxPool: output_shape (input 2) gives the shape when present, else each spatial dim
 * is (in - 1) * stride + kernel - pads.
 */
const maxUnpool: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  if (t === undefined) return;
  const x = t.shape;
  const indices = ctx.inputTensor(1)?.shape;
  if (x !== undefined && indices !== undefined) {
    if (indices.length !== x.length) ctx.fail(`indices rank ${indices.length} must equal input rank ${x.length}`);
    x.forEach((d, i) => checkDimsMatch(ctx, d, indices[i] ?? null, `input dim ${i} vs indices dim ${i}`));
  }
  const rank = x?.length ?? indices?.length;
  if (rank !== undefined) requireSpatialRank(ctx, rank, 3);
  if (ctx.hasInput(2)) {
    const given = constantInts(ctx.inputConstant(2));
    if (given !== undefined) {
      if (rank !== undefined && given.length !== rank) {
        ctx.fail(`output_shape has ${given.length} values but the input has rank ${rank}`);
      }
      return ctx.setOutputTensor(0, t.dtype, given);
    }
    const len = ctx.inputTensor(2)?.shape?.[0];
    const outRank = rank ?? (typeof len === 'number' ? len : undefined);
    if (outRank === undefined) return ctx.setOutputTensor(0, t.dtype, undefined);
    return ctx.setOutputTensor(0, t.dtype, [x?.[0] ?? null, x?.[1] ?? null, ...new Array<Dim>(outRank - 2).fill(null)]);
  }
  if (x === undefined) return ctx.setOutputTensor(0, t.dtype, undefined);
  const p = readWindowParams(ctx, x.length - 2);
  const n = p.kernel.length;
  const spatial = x.slice(2).map((d, i): Dim => {
    const k = p.kernel[i];
    const s = p.strides[i] ?? 1;
    const pads = (p.pads[i] ?? 0) + (p.pads[i + n] ?? 0);
    if (k === null || k === undefined) return null;
    if (typeof d !== 'number') return s === 1 && k - 1 === pads ? d : null;
    return (d - 1) * s + k - pads;
  });
  ctx.setOutputTensor(0, t.dtype, [mergeDim(x[0] ?? null, indices?.[0] ?? null), mergeDim(x[1] ?? null, indices?.[1] ?? null), ...spatial]);
};

registerShapeRules({
  AveragePool: windowPool,
  MaxPool: windowPool,
  LpPool: windowPool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
  MaxUnpool: maxUnpool,
});
