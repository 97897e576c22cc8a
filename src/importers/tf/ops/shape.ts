import { DataType } from '../../../ir/dtype.js';
import type { LoweringRule } from '../../common/lowering-table.js';
import { tfTable } from '../table.js';
import { castTo, constInts, int64Input, int64s, INT64_MAX, iota } from './int-values.js';

/*
 * Shape queries and reshaping ops. TF's shape-valued outputs (Shape, Size, Rank) default to int32 where
 * ONNX's are int64, so they are cast back to the dtype the NodeDef asks for (`out_type`, int32 when a
 * SavedModel function leaves the default out).
 */

const reshape: LoweringRule = (ctx) => {
  const shape = ctx.tensor(1);
  const values = constInts(ctx, shape);
  // A 0 in a TF shape is an empty dim; ONNX copies the input's dim instead unless allowzero=1. A
  // constant shape without 0 means the same either way, so the attribute is only set when needed.
  const allowzero = values === undefined || values.includes(0) ? 1 : undefined;
  ctx.output(0, ctx.op('Reshape', [ctx.tensor(0), int64Input(ctx, shape)], { allowzero }));
};

/** Shape, Size: the ONNX op of the same meaning, cast from int64 to `out_type`. */
function shapeQuery(onnxOp: string): LoweringRule {
  return (ctx) => ctx.output(0, castTo(ctx, ctx.op(onnxOp, [ctx.tensor(0)]), ctx.attrInt('out_type', DataType.INT32)));
}

/** Rank is always int32; a static rank is a constant. */
const rank: LoweringRule = (ctx) => {
  const x = ctx.tensor(0);
  const s = ctx.shape(x);
  if (s !== undefined) return ctx.output(0, ctx.scalar(DataType.INT32, s.length));
  ctx.output(0, castTo(ctx, ctx.op('Size', [ctx.op('Shape', [x])]), DataType.INT32));
};

/**
 * Squeeze with no `squeeze_dims` drops every size-1 dim, as ONNX Squeeze without axes does at run time;
 * when every dim is known the axes are written out so later shape inference keeps the dims.
 */
const squeeze: LoweringRule = (ctx) => {
  const x = ctx.tensor(0);
  let axes = ctx.attrInts('squeeze_dims', []);
  if (axes.length === 0) {
    const s = ctx.shape(x);
    if (s !== undefined && s.every((d) => typeof d === 'number')) axes = iota(s.length).filter((i) => s[i] === 1);
    else return ctx.output(0, ctx.op('Squeeze', [x]));
    if (axes.length === 0) return ctx.output(0, x);
  }
  ctx.output(0, ctx.op('Squeeze', [x, int64s(ctx, axes)]));
};

/** ExpandDims' dim counts in the output's rank for negatives (-1 appends), exactly as Unsqueeze's axes. */
const expandDims: LoweringRule = (ctx) => {
  ctx.output(0, ctx.op('Unsqueeze', [ctx.tensor(0), int64s(ctx, [ctx.int(1)])]));
};

const transpose: LoweringRule = (ctx) => {
  const x = ctx.tensor(0);
  const perm = ctx.ints(1);
  const r = perm.length;
  ctx.output(0, ctx.op('Transpose', [x], { perm: perm.map((p) => (p < 0 ? p + r : p)) }));
};

/**
 * Slice(begin, size): size -1 means "to the end of the dim". TF requires 0 <= begin and
 * begin + size <= dim, so ONNX Slice's clamping never comes into play.
 */
const slice: LoweringRule = (ctx) => {
  const [x, beginV, sizeV] = [ctx.tensor(0), ctx.tensor(1), ctx.tensor(2)];
  const begin = constInts(ctx, beginV);
  const size = constInts(ctx, sizeV);
  if (begin !== undefined && size !== undefined) {
    const ends = size.map((n, i) => (n < 0 ? INT64_MAX : BigInt((begin[i] ?? 0) + n)));
    return ctx.output(0, ctx.op('Slice', [x, int64s(ctx, begin), int64s(ctx, ends), int64s(ctx, iota(begin.length))]));
  }
  const n = begin?.length ?? size?.length ?? ctx.shape(beginV)?.[0];
  if (typeof n !== 'number') return ctx.unsupported('Slice with a begin of unknown length');
  const starts = int64Input(ctx, beginV);
  const sizes = int64Input(ctx, sizeV);
  const ends = ctx.op('Where', [ctx.op('Less', [sizes, int64s(ctx, [0])]), int64s(ctx, [INT64_MAX]), ctx.op('Add', [starts, sizes])]);
  ctx.output(0, ctx.op('Slice', [x, starts, ends, int64s(ctx, iota(n))]));
};

tfTable.register({
  'tf::Reshape': reshape,
  'tf::Shape': shapeQuery('Shape'),
  'tf::Size': shapeQuery('Size'),
  'tf::Rank': rank,
  'tf::Squeeze': squeeze,
  'tf::ExpandDims': expandDims,
  'tf::Transpose': transpose,
  'tf::Slice': slice,
});
