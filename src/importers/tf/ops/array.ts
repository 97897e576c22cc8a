import { DataType, rawByteLength } from '../../../ir/dtype.js';
import { ArrayTensor, viewAs } from '../../../ir/tensor.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import type { LoweringRule } from '../../common/lowering-table.js';
import { tfTable } from '../table.js';
import { asInt64, constInts, int64Input, int64s, INT64_MIN, iota, normAxis } from './int-values.js';

/*
 * Joining, splitting, filling, gathering and reordering. TF puts list inputs first (N of them) and the
 * axis where the op says: ConcatV2's is its last input, Concat's and Split's their first.
 */

function inputs(ctx: LowerContext, from: number, to: number): Value[] {
  return iota(to - from).map((i) => ctx.tensor(from + i));
}

/** Concat of `values` along `axis` (negative axes mean the same in TF and ONNX); one value is itself. */
function concat(ctx: LowerContext, values: Value[], axis: number): void {
  ctx.output(0, values.length === 1 ? values[0]! : ctx.op('Concat', values, { axis }));
}

/** Pack stacks along a new axis: Unsqueeze each input there (axis counted in the output rank), Concat. */
const pack: LoweringRule = (ctx) => {
  const axis = ctx.attrInt('axis', 0);
  const axes = int64s(ctx, [axis]);
  concat(ctx, inputs(ctx, 0, ctx.argCount).map((v) => ctx.op('Unsqueeze', [v, axes])), axis);
};

/** Unpack: `num` slices of 1 along `axis` (Split with explicit sizes, valid at every opset), squeezed. */
const unpack: LoweringRule = (ctx) => {
  const x = ctx.tensor(0);
  const num = ctx.attrInt('num');
  const axis = ctx.attrInt('axis', 0);
  const axes = int64s(ctx, [axis]);
  const parts = num === 1 ? [x] : ctx.ops('Split', [x, int64s(ctx, new Array<number>(num).fill(1))], { axis }, num);
  parts.forEach((p, i) => ctx.output(i, ctx.op('Squeeze', [p, axes])));
};

/** The common dtypes, whose 1 is written straight into the value (half types would need their bits). */
const PLAIN_ONE = new Set([DataType.FLOAT, DataType.INT32, DataType.INT64, DataType.BOOL]);

/**
 * ZerosLike/OnesLike: ConstantOfShape with a one-element value of the input's dtype. Zero bytes are 0
 * in every dtype; a 1 other dtypes cannot hold plainly is made as FLOAT 1 and cast, which is exact.
 */
function filledLike(one: boolean): LoweringRule {
  return (ctx) => {
    const x = ctx.tensor(0);
    const dtype = ctx.dtype(x);
    if (dtype === DataType.STRING) ctx.unsupported('ZerosLike/OnesLike of strings');
    const shape = ctx.op('Shape', [x]);
    if (one && !PLAIN_ONE.has(dtype)) {
      const ones = ctx.op('ConstantOfShape', [shape], { value: new ArrayTensor(DataType.FLOAT, [1], Float32Array.of(1)) });
      return ctx.output(0, ctx.op('Cast', [ones], { to: dtype }));
    }
    const data = viewAs(dtype, new Uint8Array(rawByteLength(dtype, 1)), 1);
    if (one) data[0] = (data instanceof BigInt64Array ? 1n : 1) as never;
    ctx.output(0, ctx.op('ConstantOfShape', [shape], { value: new ArrayTensor(dtype, [1], data) }));
  };
}

/**
 * GatherV2 with batch_dims b > 0 gathers per batch: GatherND with batch_dims b and indices of depth 1
 * does that along axis b, so params' axis is moved to b first and the gathered dims moved back after
 * the dims params had between b and axis (TF's output is params[:axis] + indices[b:] + params[axis+1:]).
 */
const gatherV2: LoweringRule = (ctx) => {
  const [params, indices] = [ctx.tensor(0), ctx.tensor(1)];
  const axis = ctx.int(2);
  let b = ctx.attrInt('batch_dims', 0);
  if (b === 0) return ctx.output(0, ctx.op('Gather', [params, indices], { axis }));
  const rp = ctx.rank(params);
  const ri = ctx.rank(indices);
  if (b < 0) b += ri;
  const a = normAxis(ctx, axis, rp);
  if (b < 0 || b > ri || a < b) ctx.unsupported(`GatherV2 with batch_dims ${b} and axis ${axis}`);
  const idx = ctx.op('Unsqueeze', [asInt64(ctx, indices), int64s(ctx, [-1])]);
  if (a === b) return ctx.output(0, ctx.op('GatherND', [params, idx], { batch_dims: b }));
  const moved = ctx.op('Transpose', [params], { perm: [...iota(b), a, ...iota(a - b).map((k) => b + k), ...iota(rp - a - 1).map((k) => a + 1 + k)] });
  const g = ctx.op('GatherND', [moved, idx], { batch_dims: b });
  const k = ri - b; // gathered dims, now at [b, ri)
  const between = a - b; // params[b:a], now at [ri, ri + between)
  const rest = rp - a - 1;
  const perm = [...iota(b), ...iota(between).map((j) => ri + j), ...iota(k).map((j) => b + j), ...iota(rest).map((j) => ri + between + j)];
  ctx.output(0, ctx.op('Transpose', [g], { perm }));
};

/** TF paddings [rank, 2] (before, after per dim) as ONNX pads [all befores, all afters]. */
function onnxPads(ctx: LowerContext, v: Value): Value {
  const c = constInts(ctx, v);
  if (c !== undefined) return int64s(ctx, [...c.filter((_, i) => i % 2 === 0), ...c.filter((_, i) => i % 2 === 1)]);
  return ctx.op('Reshape', [ctx.op('Transpose', [asInt64(ctx, v)], { perm: [1, 0] }), int64s(ctx, [-1])]);
}

const pad: LoweringRule = (ctx) => {
  const value = ctx.has(2) ? ctx.tensor(2) : null; // PadV2's constant_values
  ctx.output(0, ctx.op('Pad', [ctx.tensor(0), onnxPads(ctx, ctx.tensor(1)), value]));
};

/**
 * MirrorPad: REFLECT (the edge is not repeated) is ONNX's 'reflect'. SYMMETRIC repeats the edge, which
 * ONNX Pad has no mode for: per padded dim, the first `before` elements reversed, the input, and the
 * last `after` elements reversed are concatenated (negative-step Slices).
 */
const mirrorPad: LoweringRule = (ctx) => {
  const x = ctx.tensor(0);
  const mode = ctx.attrString('mode');
  if (mode === 'REFLECT') return ctx.output(0, ctx.op('Pad', [x, onnxPads(ctx, ctx.tensor(1))], { mode: 'reflect' }));
  if (mode !== 'SYMMETRIC') ctx.unsupported(`MirrorPad mode ${mode}`);
  const p = ctx.ints(1);
  let y = x;
  for (let a = 0; 2 * a < p.length; a++) {
    const [before, after] = [p[2 * a] ?? 0, p[2 * a + 1] ?? 0];
    if (before === 0 && after === 0) continue;
    const [axes, back] = [int64s(ctx, [a]), int64s(ctx, [-1])];
    const parts = [y];
    if (before > 0) parts.unshift(ctx.op('Slice', [y, int64s(ctx, [before - 1]), int64s(ctx, [INT64_MIN]), axes, back]));
    if (after > 0) parts.push(ctx.op('Slice', [y, back, int64s(ctx, [-1 - after]), axes, back]));
    y = ctx.op('Concat', parts, { axis: a });
  }
  ctx.output(0, y);
};

/** Split(split_dim, value): equal parts (num_outputs from opset 18; before it, the output count says). */
const split: LoweringRule = (ctx) => {
  const axis = ctx.int(0);
  const x = ctx.tensor(1);
  const num = ctx.attrInt('num_split');
  if (num === 1) return ctx.output(0, x);
  const parts = ctx.ops('Split', [x], ctx.opset >= 18 ? { axis, num_outputs: num } : { axis }, num);
  parts.forEach((v, i) => ctx.output(i, v));
};

/** SplitV(value, size_splits, split_dim): one size may be -1, meaning what the others leave. */
const splitV: LoweringRule = (ctx) => {
  const x = ctx.tensor(0);
  const axis = ctx.int(2);
  const num = ctx.attrInt('num_split');
  if (num === 1) return ctx.output(0, x);
  const sizes = constInts(ctx, ctx.tensor(1));
  const dims = ctx.shape(x);
  const dim = dims?.[axis < 0 ? axis + dims.length : axis];
  let splits: Value;
  if (sizes !== undefined && !sizes.includes(-1)) splits = int64s(ctx, sizes);
  else if (sizes !== undefined && typeof dim === 'number') {
    const rest = dim - sizes.filter((s) => s >= 0).reduce((s, v) => s + v, 0);
    splits = int64s(ctx, sizes.map((s) => (s < 0 ? rest : s)));
  } else {
    const s = int64Input(ctx, ctx.tensor(1));
    const negative = ctx.op('Less', [s, int64s(ctx, [0])]);
    const known = ctx.op('ReduceSum', [ctx.op('Where', [negative, int64s(ctx, [0]), s]), int64s(ctx, [0])], { keepdims: 1 });
    const total = ctx.op('Gather', [ctx.op('Shape', [x]), int64s(ctx, [axis])]);
    splits = ctx.op('Where', [negative, ctx.op('Sub', [total, known]), s]);
  }
  ctx.ops('Split', [x, splits], { axis }, num).forEach((v, i) => ctx.output(i, v));
};

/** ReverseV2 over `axis` (a list, possibly empty): a negative-step Slice over those axes. */
const reverse: LoweringRule = (ctx) => {
  const x = ctx.tensor(0);
  const axes = ctx.ints(1);
  if (axes.length === 0) return ctx.output(0, x);
  const back = int64s(ctx, axes.map(() => -1));
  ctx.output(0, ctx.op('Slice', [x, back, int64s(ctx, axes.map(() => INT64_MIN)), int64s(ctx, axes), back]));
};

/** Where(condition): the coordinates of the true (non-zero) elements, [count, rank] in row-major order. */
const where: LoweringRule = (ctx) => {
  ctx.output(0, ctx.op('Transpose', [ctx.op('NonZero', [ctx.tensor(0)])], { perm: [1, 0] }));
};

tfTable.register({
  'tf::ConcatV2': (ctx) => concat(ctx, inputs(ctx, 0, ctx.argCount - 1), ctx.int(ctx.argCount - 1)),
  'tf::Concat': (ctx) => concat(ctx, inputs(ctx, 1, ctx.argCount), ctx.int(0)),
  'tf::Pack': pack,
  'tf::Unpack': unpack,
  // Fill(dims, value): the scalar broadcast to dims.
  'tf::Fill': (ctx) => ctx.output(0, ctx.op('Expand', [ctx.tensor(1), int64Input(ctx, ctx.tensor(0))])),
  'tf::ZerosLike': filledLike(false),
  'tf::OnesLike': filledLike(true),
  'tf::GatherV2': gatherV2,
  // ONNX GatherND takes int64 indices only; TF's has no batch_dims (tf.gather_nd lowers those itself).
  'tf::GatherNd': (ctx) => ctx.output(0, ctx.op('GatherND', [ctx.tensor(0), asInt64(ctx, ctx.tensor(1))])),
  'tf::Pad': pad,
  'tf::PadV2': pad,
  'tf::MirrorPad': mirrorPad,
  'tf::Split': split,
  'tf::SplitV': splitV,
  'tf::ReverseV2': reverse,
  'tf::Tile': (ctx) => ctx.output(0, ctx.op('Tile', [ctx.tensor(0), int64Input(ctx, ctx.tensor(1))])),
  // Range(start, limit, delta): ONNX's has TF's length, ceil((limit - start) / delta), and values.
  'tf::Range': (ctx) => ctx.output(0, ctx.op('Range', [ctx.tensor(0), ctx.tensor(1), ctx.tensor(2)])),
  'tf::Where': where,
});
