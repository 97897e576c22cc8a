/**
 * Reductions (Reduce*) and ArgMax/ArgMin. Reduced axes become 1 with keepdims, else disappear.
 * The axes moved from an attribute to an optional input (opset 13 for ReduceSum, 18 for the others);
 * the rule asks the schema in force whether it has that input instead of keeping a table of versions.
 */
import { DataType } from '../../dtype.js';
import type { Dim, Shape } from '../../shape.js';
import type { ConstantData, InferContext } from '../infer-context.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { constantInts, normalizeAxis } from '../shape-utils.js';

/** The axes to reduce: 'all', 'none' (noop_with_empty_axes), a list, or undefined when not constant. */
type Axes = 'all' | 'none' | readonly number[] | undefined;

function reduceAxes(ctx: InferContext): Axes {
  if (ctx.schema.inputs.length < 2) {
    const a = ctx.attrInts('axes', []);
    return a.length === 0 ? 'all' : a;
  }
  const empty = (): Axes => (ctx.attrInt('noop_with_empty_axes', 0) !== 0 ? 'none' : 'all');
  if (!ctx.hasInput(1)) return empty();
  const values = constantInts(ctx.inputConstant(1));
  if (values !== undefined) return values.length === 0 ? empty() : values;
  const s = ctx.inputTensor(1)?.shape;
  if (s !== undefined && s.length === 1 && s[0] === 0) return empty();
  return undefined;
}

/** The reduced shape; `axes` already normalized to [0, rank). */
function reducedShape(shape: Shape, axes: ReadonlySet<number>, keep: boolean): Dim[] {
  const out: Dim[] = [];
  shape.forEach((d, i) => {
    if (!axes.has(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return out;
}

/**
 * A reduction of a small known int64 vector over its only axis (ReduceProd of a Shape output is how
 * exporters compute an element count), recorded so that a later Reshape sees the value.
 */
const FOLD: Record<string, (a: bigint, b: bigint) => bigint> = {
  ReduceSum: (a, b) => a + b,
  ReduceProd: (a, b) => a * b,
  ReduceMax: (a, b) => (a > b ? a : b),
  ReduceMin: (a, b) => (a < b ? a : b),
};

function foldConstant(ctx: InferContext, keep: boolean): void {
  const data = ctx.inputConstant(0);
  const fold = FOLD[ctx.node.opType];
  if (data === undefined || fold === undefined || data.dtype !== DataType.INT64 || data.dims.length !== 1) return;
  const values = data.values as readonly bigint[];
  if (values.length === 0 && (ctx.node.opType === 'ReduceMax' || ctx.node.opType === 'ReduceMin')) return;
  const init = ctx.node.opType === 'ReduceProd' ? 1n : ctx.node.opType === 'ReduceSum' ? 0n : values[0];
  if (init === undefined) return;
  const out: ConstantData = { dtype: DataType.INT64, dims: keep ? [1] : [], values: [values.reduce(fold, init)] };
  ctx.setOutputConstant(0, out);
}

const reduce: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  if (t === undefined) return;
  const keep = ctx.attrInt('keepdims', 1) !== 0;
  const axes = reduceAxes(ctx);
  const shape = t.shape;
  if (axes === 'none') return ctx.setOutputTensor(0, t.dtype, shape);
  if (shape === undefined) return ctx.setOutputTensor(0, t.dtype, undefined);
  if (axes === undefined) {
    // Each dim either stays or becomes 1; which, depends on the unknown axes.
    if (keep) return ctx.setOutputTensor(0, t.dtype, shape.map((d) => (d === 1 ? 1 : null)));
    // k distinct axes (the reference, numpy, rejects repeated ones) remove k dims.
    const k = ctx.inputTensor(1)?.shape?.[0];
    if (typeof k !== 'number') return ctx.setOutputTensor(0, t.dtype, undefined);
    if (k > shape.length) ctx.fail(`${k} axes to reduce but the input has rank ${shape.length}`);
    return ctx.setOutputTensor(0, t.dtype, new Array<Dim>(shape.length - k).fill(null));
  }
  const set = new Set(axes === 'all' ? shape.map((_, i) => i) : axes.map((a) => normalizeAxis(ctx, a, shape.length, 'axes value')));
  ctx.setOutputTensor(0, t.dtype, reducedShape(shape, set, keep));
  if (set.size === shape.length && shape.length === 1) foldConstant(ctx, keep);
};

const argReduce: ShapeRule = (ctx) => {
  const shape = ctx.inputTensor(0)?.shape;
  if (shape === undefined) return ctx.setOutputTensor(0, DataType.INT64, undefined);
  const axis = normalizeAxis(ctx, ctx.attrInt('axis', 0), shape.length);
  ctx.setOutputTensor(0, DataType.INT64, reducedShape(shape, new Set([axis]), ctx.attrInt('keepdims', 1) !== 0));
};

registerShapeRules({
  ReduceL1: reduce,
  ReduceL2: reduce,
  ReduceLogSum: reduce,
  ReduceLogSumExp: reduce,
  ReduceMax: reduce,
  ReduceMean: reduce,
  ReduceMin: reduce,
  ReduceProd: reduce,
  ReduceSum: reduce,
  ReduceSumSquare: reduce,
  ArgMax: argReduce,
  ArgMin: argReduce,
});
