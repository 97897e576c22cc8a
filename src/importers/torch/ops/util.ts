import { DataType } from '../../../ir/dtype.js';
import type { Shape } from '../../../ir/shape.js';
import { ArrayTensor } from '../../../ir/tensor.js';
import type { Value } from '../../../ir/value.js';
import { RuleRefusal, type ArgRef, type LowerContext } from '../../common/lower-context.js';

/**
 * Shared helpers for ATen lowering rules: int arguments that may be dynamic, shape tensors, dims.
 *
 * Note [dynamic int arguments]: a SymInt argument (a size from aten::size / aten::sym_size, or
 * arithmetic on one) is an INT64 scalar value computed in the graph; an int list argument is either a
 * constant 1-D INT64 tensor or a prim::ListConstruct whose items are such scalars and constants
 * (`view(x, [b, -1, 8])`). Rules read them as `IntItem`s (a number when constant, else the value) and
 * build ONNX shape tensors with Unsqueeze + Concat, folded to one Constant when every item is known.
 */
export type IntItem = number | Value;

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const TWO_63 = 2 ** 63;

/** Runs `f`, turning a rule refusal into undefined (for "is this argument constant?" probes). */
function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof RuleRefusal) return undefined;
    throw e;
  }
}

/**
 * A number as an exact int64. `ctx.int` reads INT64_MAX (torch's "to the end" slice bound) as the
 * double 2^63, which BigInt64Array would wrap to INT64_MIN; clamp instead.
 */
export function toInt64(n: number): bigint {
  if (n >= TWO_63) return INT64_MAX;
  if (n <= -TWO_63) return INT64_MIN;
  return BigInt(Math.trunc(n));
}

/** A constant 1-D INT64 tensor (exact for INT64_MAX / INT64_MIN bounds). */
export function int64Const(ctx: LowerContext, values: readonly number[]): Value {
  return ctx.op('Constant', [], { value: new ArrayTensor(DataType.INT64, [values.length], BigInt64Array.from(values, toInt64)) });
}

/** The constant number behind a value when it comes straight from an ONNX Constant node. */
export function constantNumber(v: Value): number | undefined {
  const p = v.producer;
  if (p?.opType !== 'Constant' || p.domain !== '') return undefined;
  const t = p.attrTensor('value');
  if (!(t instanceof ArrayTensor) || t.size !== 1) return undefined;
  const x = t.toArray()[0];
  return x === undefined ? undefined : Number(x);
}

/** An int argument that may be dynamic (Note [dynamic int arguments]); `dflt` when absent/None. */
export function intArg(ctx: LowerContext, ref: ArgRef, dflt?: number): IntItem {
  const v = ctx.arg(ref);
  if (v === null) {
    if (dflt === undefined) ctx.unsupported(`argument ${String(ref)} is missing`);
    return dflt;
  }
  return attempt(() => ctx.int(ref)) ?? asInt64(ctx, v);
}

/** The items of an int list argument; undefined when it is a dynamic 1-D tensor with no item structure. */
export function intListArg(ctx: LowerContext, ref: ArgRef): IntItem[] | undefined {
  const v = ctx.arg(ref);
  if (v === null) ctx.unsupported(`argument ${String(ref)} is missing`);
  const p = v.producer;
  if (p?.domain === 'prim' && p.opType === 'ListConstruct') {
    return p.inputs.map((item) => {
      if (item === null) ctx.unsupported('None inside an int list');
      return constantNumber(item) ?? asInt64(ctx, item);
    });
  }
  return attempt(() => ctx.ints(ref));
}

/** A 1-D INT64 value from an int list argument (Note [dynamic int arguments]). */
export function shapeArg(ctx: LowerContext, ref: ArgRef): Value {
  const items = intListArg(ctx, ref);
  if (items !== undefined) return int64Vector(ctx, items);
  const v = asInt64(ctx, ctx.tensor(ref));
  if (ctx.rank(v) !== 1) ctx.unsupported(`argument ${String(ref)} must be an int list`);
  return v;
}

/** `v` as INT64 (sizes are INT64 in ONNX; a SymInt may have come through another integer type). */
export function asInt64(ctx: LowerContext, v: Value): Value {
  return ctx.dtype(v) === DataType.INT64 ? v : ctx.op('Cast', [v], { to: DataType.INT64 });
}

/** A 1-D INT64 value of the items: one Constant when all are known, else Concat of the pieces. */
export function int64Vector(ctx: LowerContext, items: readonly IntItem[]): Value {
  if (items.every((x): x is number => typeof x === 'number')) return int64Const(ctx, items);
  const pieces: Value[] = [];
  let run: number[] = [];
  const flush = (): void => {
    if (run.length > 0) pieces.push(int64Const(ctx, run));
    run = [];
  };
  for (const item of items) {
    if (typeof item === 'number') {
      run.push(item);
      continue;
    }
    flush();
    pieces.push(asVector1(ctx, item));
  }
  flush();
  return concatInts(ctx, pieces);
}

/** An int64 scalar (or one-element) value as shape [1]. */
export function asVector1(ctx: LowerContext, v: Value): Value {
  const x = asInt64(ctx, v);
  const s = ctx.shape(x);
  if (s?.length === 1 && s[0] === 1) return x;
  if (s?.length === 0) return ctx.op('Unsqueeze', [x, int64Const(ctx, [0])]);
  return ctx.op('Reshape', [x, int64Const(ctx, [1])]);
}

/** An IntItem as an INT64 scalar value. */
export function int64Scalar(ctx: LowerContext, item: IntItem): Value {
  if (typeof item !== 'number') return asInt64(ctx, item);
  return ctx.op('Constant', [], { value: new ArrayTensor(DataType.INT64, [], BigInt64Array.of(toInt64(item))) });
}

/** Concatenates 1-D INT64 pieces, skipping ones known to be empty. */
export function concatInts(ctx: LowerContext, pieces: readonly Value[]): Value {
  const kept = pieces.filter((p) => ctx.shape(p)?.[0] !== 0);
  if (kept.length === 0) return int64Const(ctx, []);
  if (kept.length === 1) return kept[0]!;
  return ctx.op('Concat', kept, { axis: 0 });
}

/** The dims [start, end) of `x` as a 1-D INT64 value: a constant when static, else a Shape slice. */
export function dimsOf(ctx: LowerContext, x: Value, start: number, end: number): Value {
  const s = ctx.shape(x);
  const dims = s?.slice(start, end);
  if (end <= start) return int64Const(ctx, []);
  if (dims !== undefined && dims.every((d): d is number => typeof d === 'number')) return int64Const(ctx, dims);
  return ctx.op('Shape', [x], { start, end });
}

/** Dim `i` of `x` as a number when static, else an INT64 scalar value. */
export function dimOf(ctx: LowerContext, x: Value, i: number): IntItem {
  const d = ctx.shape(x)?.[i];
  if (typeof d === 'number') return d;
  return ctx.op('Squeeze', [ctx.op('Shape', [x], { start: i, end: i + 1 }), int64Const(ctx, [0])]);
}

/** A torch dim (negative counts from the end) as an index into `rank` dims; refuses when out of range. */
export function normDim(ctx: LowerContext, d: number, rank: number): number {
  const r = Math.max(rank, 1); // torch lets dim 0 / -1 name the only "dim" of a 0-d tensor
  if (d < -r || d >= r) ctx.unsupported(`dim ${d} is out of range for rank ${rank}`);
  return d < 0 ? d + r : d;
}

/** Static dims of a shape, or undefined when any is unknown. */
export function staticDims(s: Shape | undefined): number[] | undefined {
  return s !== undefined && s.every((d): d is number => typeof d === 'number') ? [...s] : undefined;
}

/**
 * Sets output `i` to `x` unchanged (view ops that are no-ops). A graph output gets an Identity so the
 * output keeps its own name instead of renaming `x`, which may be a graph input.
 */
export function passThrough(ctx: LowerContext, i: number, x: Value): void {
  ctx.output(i, ctx.node.outputs[i]?.isGraphOutput() ? ctx.op('Identity', [x]) : x);
}

/**
 * A scalar constant of any numeric dtype, converted the way torch casts a Python scalar into a
 * tensor's dtype (integers truncate, bools test non-zero); Cast from DOUBLE where no typed array fits.
 */
export function scalarOf(ctx: LowerContext, dtype: DataType, value: number): Value {
  switch (dtype) {
    case DataType.FLOAT:
    case DataType.DOUBLE:
      return ctx.scalar(dtype, value);
    case DataType.INT32:
    case DataType.INT16:
    case DataType.INT8:
    case DataType.UINT8:
    case DataType.INT64:
      return ctx.scalar(dtype, Math.trunc(value));
    case DataType.BOOL:
      return ctx.scalar(dtype, value !== 0 ? 1 : 0);
    default:
      return ctx.op('Cast', [ctx.scalar(DataType.DOUBLE, value)], { to: dtype });
  }
}

/** An int-list argument of a conv or pool, a single value repeated over `n` spatial dims (`stride=2`). */
export function spatialInts(ctx: LowerContext, ref: ArgRef, n: number, dflt: number): number[] {
  const v = ctx.has(ref) ? ctx.ints(ref) : [dflt];
  if (v.length === 1) return Array<number>(n).fill(v[0]!);
  if (v.length !== n) ctx.unsupported(`argument ${JSON.stringify(ref)} has ${v.length} values for ${n} spatial dims`);
  return v;
}

/**
 * Runs `body` on `x` with a batch dim of 1 added when `x` is unbatched (torch convolutions and pools
 * take [C, ...spatial] as well as [N, C, ...spatial]; ONNX wants the batch dim), removing it after.
 */
export function withBatch(ctx: LowerContext, x: Value, spatial: number, body: (x: Value) => Value): Value {
  const rank = ctx.rank(x);
  if (rank === spatial + 2) return body(x);
  if (rank !== spatial + 1) ctx.unsupported(`expected a ${spatial + 1}-d or ${spatial + 2}-d input, got rank ${rank}`);
  const axis0 = int64Const(ctx, [0]);
  return ctx.op('Squeeze', [body(ctx.op('Unsqueeze', [x, axis0])), axis0]);
}
