import { DataType, dataTypeInfo } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import type { LoweringRule } from '../../common/lowering-table.js';
import { tfTable } from '../table.js';

type ReduceOp = 'ReduceSum' | 'ReduceMean' | 'ReduceMax' | 'ReduceMin' | 'ReduceProd';

/**
 * The axes of a TF reduction (input 1: a scalar or vector of int32/int64, negative counting from the
 * end, as in ONNX): a constant list, or a dynamic 1-D INT64 value.
 */
function reductionAxes(ctx: LowerContext): number[] | Value {
  const a = ctx.tensor(1);
  const c = ctx.constantOf(a);
  if (c === undefined) return ctx.op('Reshape', [ctx.op('Cast', [a], { to: DataType.INT64 }), ctx.int64s([-1])]);
  return Array.from(c.values as ArrayLike<number | bigint>, Number);
}

/**
 * An ONNX reduction. TF reduces nothing over an empty axis list, where ONNX (noop_with_empty_axes=0)
 * reduces everything: constant empty axes return x; dynamic axes set noop_with_empty_axes. ReduceSum
 * takes axes as an input since opset 13, the others since opset 18 (an attribute before).
 */
function reduce(ctx: LowerContext, op: ReduceOp, x: Value, axes: number[] | Value, keep: boolean): Value {
  const keepdims = keep ? 1 : 0;
  if (Array.isArray(axes)) {
    if (axes.length === 0) return x;
    if (op === 'ReduceSum' || ctx.opset >= 18) return ctx.op(op, [x, ctx.int64s(axes)], { keepdims });
    return ctx.op(op, [x], { keepdims, axes });
  }
  if (op !== 'ReduceSum' && ctx.opset < 18) ctx.unsupported(`${op} over axes computed in the graph needs opset 18`);
  return ctx.op(op, [x, axes], { keepdims, noop_with_empty_axes: 1 });
}

function reduction(op: ReduceOp): LoweringRule {
  return (ctx) => {
    const x = ctx.tensor(0);
    ctx.output(0, reduce(ctx, op, x, reductionAxes(ctx), ctx.attrInt('keep_dims', 0) !== 0));
  };
}

/**
 * Mean of integers divides the integer sum by the count with C++'s truncating division (Eigen's
 * MeanReducer); ONNX leaves integer ReduceMean's rounding open, so spell it out. The count is
 * size(x) / size(sum), folded to a constant when the shapes are static.
 */
const mean: LoweringRule = (ctx) => {
  const x = ctx.tensor(0);
  const dt = ctx.dtype(x);
  if (dataTypeInfo(dt).isFloat) return reduction('ReduceMean')(ctx);
  const axes = reductionAxes(ctx);
  const sum = reduce(ctx, 'ReduceSum', x, axes, ctx.attrInt('keep_dims', 0) !== 0);
  const count = ctx.op('Div', [ctx.op('Size', [x]), ctx.op('Size', [sum])]);
  ctx.output(0, ctx.op('Div', [sum, ctx.op('Cast', [count], { to: dt })]));
};

/**
 * Any: ONNX has no boolean reductions, so count the true elements (a sum over no elements is 0, so
 * an empty Any is false, as in TF). All(x) = not Any(not x), which makes an empty All true.
 */
function any(ctx: LowerContext, x: Value): Value {
  const count = reduce(ctx, 'ReduceSum', ctx.op('Cast', [x], { to: DataType.INT32 }), reductionAxes(ctx), ctx.attrInt('keep_dims', 0) !== 0);
  return ctx.op('Cast', [count], { to: DataType.BOOL });
}

/**
 * ArgMax/ArgMin(input, dimension): the first index on ties (select_last_index=0), as TF's kernels;
 * ONNX yields INT64, cast when `output_type` asks for INT32.
 */
function argExtreme(op: 'ArgMax' | 'ArgMin'): LoweringRule {
  return (ctx) => {
    const axis = ctx.int(1);
    const idx = ctx.op(op, [ctx.tensor(0)], { axis, keepdims: 0, select_last_index: 0 });
    const outType = ctx.attrInt('output_type', DataType.INT64);
    ctx.output(0, outType === DataType.INT64 ? idx : ctx.op('Cast', [idx], { to: outType }));
  };
}

/** Cumsum(x, axis) has ONNX CumSum's inputs (a 0-D int32/int64 axis) and its two flags. */
const cumsum: LoweringRule = (ctx) => {
  const attrs = { exclusive: ctx.attrInt('exclusive', 0), reverse: ctx.attrInt('reverse', 0) };
  ctx.output(0, ctx.op('CumSum', [ctx.tensor(0), ctx.tensor(1)], attrs));
};

tfTable.register({
  'tf::Sum': reduction('ReduceSum'),
  'tf::Mean': mean,
  'tf::Max': reduction('ReduceMax'),
  'tf::Min': reduction('ReduceMin'),
  'tf::Prod': reduction('ReduceProd'),
  'tf::Any': (ctx) => ctx.output(0, any(ctx, ctx.tensor(0))),
  'tf::All': (ctx) => ctx.output(0, ctx.op('Not', [any(ctx, ctx.op('Not', [ctx.tensor(0)]))])),
  'tf::ArgMax': argExtreme('ArgMax'),
  'tf::ArgMin': argExtreme('ArgMin'),
  'tf::Cumsum': cumsum,
});
