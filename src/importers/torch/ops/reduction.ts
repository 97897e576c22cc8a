import { DataType } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { ArgRef, LowerContext } from '../../common/lower-context.js';
import { atenTable } from '../table.js';
import { argKind, dtypeArg, isIntegralOrBool, toScalar } from './arg-values.js';
import { castTo, isPythonScalar, promote } from './promote.js';
import { passThrough } from './util.js';

type ReduceOp = 'ReduceMax' | 'ReduceMean' | 'ReduceSum';

/**
 * An ONNX reduction over `axes` (undefined or empty: every axis, as torch's `dim=None`/`dim=[]`).
 * ReduceSum takes its axes as an input since opset 13, the others only since opset 18 (an attribute
 * before). torch lets a 0-dim tensor reduce over dim 0 or -1; ONNX has no such axis, so those reduce
 * over everything, which is the same.
 */
export function reduce(ctx: LowerContext, op: ReduceOp, x: Value, axes: readonly number[] | undefined, keepdim: boolean): Value {
  const all = axes === undefined || axes.length === 0 || ctx.shape(x)?.length === 0;
  const keepdims = keepdim ? 1 : 0;
  if (op === 'ReduceSum' || ctx.opset >= 18) return ctx.op(op, all ? [x] : [x, ctx.int64s(axes)], { keepdims });
  return ctx.op(op, [x], all ? { keepdims } : { keepdims, axes: [...axes] });
}

/** The dims of a reduction: an int list (or one int), None or absent meaning all. */
function dims(ctx: LowerContext, ref: ArgRef): number[] | undefined {
  return ctx.has(ref) ? ctx.ints(ref) : undefined;
}

/** torch sums (sum, cumsum) integers and bools as INT64 unless a dtype is given. */
function sumType(ctx: LowerContext, x: Value, ref: ArgRef): DataType {
  const dt = ctx.dtype(x);
  return dtypeArg(ctx, ref) ?? (isIntegralOrBool(dt) ? DataType.INT64 : dt);
}

/**
 * Whether a sum/mean call is the whole-tensor overload `op.default(self, *, dtype=None)` rather than
 * `op.dim(self, dim, keepdim=False, *, dtype=None)`; TorchScript calls both by the bare name, and only
 * the whole-tensor one can come with self alone. (dim=None in the dim overload reduces everything too,
 * but keepdim still applies.)
 */
function wholeTensor(ctx: LowerContext): boolean {
  const ov = ctx.node.overload;
  return ov === 'default' || (!ov && ctx.argCount === 1 && !ctx.has('dim'));
}

/** aten::sum: sum.dim_IntList and sum.default (see wholeTensor); integers and bools sum as INT64. */
function sum(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const whole = wholeTensor(ctx);
  const dt = sumType(ctx, x, whole ? [1, 'dtype'] : [3, 'dtype']);
  const axes = whole ? undefined : dims(ctx, [1, 'dim']);
  ctx.output(0, reduce(ctx, 'ReduceSum', castTo(ctx, x, dt), axes, !whole && ctx.bool([2, 'keepdim'], false)));
}

/** aten::mean: mean.dim and mean.default (see wholeTensor). */
function mean(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const whole = wholeTensor(ctx);
  const dt = dtypeArg(ctx, whole ? [1, 'dtype'] : [3, 'dtype']) ?? ctx.dtype(x);
  const axes = whole ? undefined : dims(ctx, [1, 'dim']);
  ctx.output(0, reduce(ctx, 'ReduceMean', castTo(ctx, x, dt), axes, !whole && ctx.bool([2, 'keepdim'], false)));
}

/** aten::amax(self, dim=[], keepdim=False). */
function amax(ctx: LowerContext): void {
  ctx.output(0, reduce(ctx, 'ReduceMax', ctx.tensor(0), dims(ctx, [1, 'dim']), ctx.bool([2, 'keepdim'], false)));
}

/**
 * Indices of the maxima along `dim` (the first one on ties, as torch on CPU), or over the flattened
 * tensor when `dim` is undefined; keepdim then keeps every axis as 1, as torch does.
 */
function argmaxOf(ctx: LowerContext, x: Value, dim: number | undefined, keepdim: boolean): Value {
  const rank = ctx.shape(x)?.length;
  if (dim !== undefined && rank !== 0) return ctx.op('ArgMax', [x], { axis: dim, keepdims: keepdim ? 1 : 0 });
  const flat = ctx.op('ArgMax', [ctx.op('Reshape', [x, ctx.int64s([-1])])], { axis: 0, keepdims: 0 });
  if (!keepdim || rank === 0) return flat;
  if (rank === undefined) ctx.unsupported('argmax(keepdim=True) over every axis of a tensor of unknown rank');
  return ctx.op('Reshape', [flat, ctx.int64s(new Array<number>(rank).fill(1))]);
}

/** aten::argmax(self, dim=None, keepdim=False). */
function argmax(ctx: LowerContext): void {
  const dim = ctx.has([1, 'dim']) ? ctx.int([1, 'dim']) : undefined;
  ctx.output(0, argmaxOf(ctx, ctx.tensor(0), dim, ctx.bool([2, 'keepdim'], false)));
}

/**
 * aten::max has three overloads TorchScript calls alike: max(self) over everything, max.dim(self,
 * dim, keepdim=False) giving values and indices, and max.other(self, other) elementwise; a tensor
 * second argument tells .other apart.
 */
function max(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const ov = ctx.node.overload;
  if (ov === 'other' || (!ov && ctx.argCount === 2 && argKind(ctx, 1) === 'tensor')) {
    const { values } = promote(ctx, [x, ctx.tensor([1, 'other'])]);
    ctx.output(0, ctx.op('Max', values));
    return;
  }
  if (ov === 'default' || ctx.argCount === 1) {
    ctx.output(0, reduce(ctx, 'ReduceMax', x, undefined, false));
    return;
  }
  const dim = ctx.int([1, 'dim']);
  const keepdim = ctx.bool([2, 'keepdim'], false);
  ctx.output(0, reduce(ctx, 'ReduceMax', x, [dim], keepdim));
  ctx.output(1, argmaxOf(ctx, x, dim, keepdim));
}

/**
 * aten::cumsum(self, dim, *, dtype=None). onnxruntime's CumSum has no 16-bit float kernel: those sum
 * as FLOAT and round each output back, which is also how torch accumulates half precision.
 */
function cumsum(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const dt = sumType(ctx, x, [2, 'dtype']);
  const dim = ctx.int([1, 'dim']);
  if (ctx.shape(x)?.length === 0) {
    passThrough(ctx, 0, castTo(ctx, x, dt));
    return;
  }
  const narrow = dt === DataType.FLOAT16 || dt === DataType.BFLOAT16;
  const y = ctx.op('CumSum', [castTo(ctx, x, narrow ? DataType.FLOAT : dt), ctx.scalar(DataType.INT64, dim)]);
  ctx.output(0, castTo(ctx, y, dt));
}

/**
 * aten::topk(self, k, dim=-1, largest=True, sorted=True): values and int64 indices. k may be a SymInt
 * computed in the graph. With sorted=False torch promises no order, so the sorted order is as good.
 */
function topk(ctx: LowerContext): void {
  const k = ctx.tensor([1, 'k']);
  const kValue = isPythonScalar(k) ? ctx.int64s([ctx.int([1, 'k'])]) : ctx.op('Reshape', [castTo(ctx, toScalar(ctx, k), DataType.INT64), ctx.int64s([1])]);
  const outs = ctx.ops('TopK', [ctx.tensor(0), kValue], { axis: ctx.int([2, 'dim'], -1), largest: ctx.bool([3, 'largest'], true) ? 1 : 0, sorted: 1 }, 2);
  ctx.output(0, outs[0]!);
  ctx.output(1, outs[1]!);
}

atenTable.register({
  'aten::sum': sum,
  'aten::mean': mean,
  'aten::amax': amax,
  'aten::argmax': argmax,
  'aten::max': max,
  'aten::cumsum': cumsum,
  'aten::topk': topk,
});
