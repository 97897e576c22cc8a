import { DataType } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import { atenTable } from '../table.js';
import {
  concatInts,
  dimOf,
  dimsOf,
  int64Const,
  int64Scalar,
  int64Vector,
  intListArg,
  normDim,
  passThrough,
  scalarOf,
  shapeArg,
  staticDims,
  type IntItem,
} from './util.js';

/** aten::size(self) -> int[] and aten::size.int(self, dim) -> int; aten::sym_size.int is the .pt2 form. */
function size(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  if (!ctx.has([1, 'dim'])) {
    const dims = staticDims(ctx.shape(x));
    ctx.output(0, dims ? int64Const(ctx, dims) : ctx.op('Shape', [x]));
    return;
  }
  const rank = ctx.rank(x);
  if (rank === 0) ctx.unsupported('size(dim) of a 0-d tensor');
  // A static dim becomes a constant; a symbolic one stays computed (never baked in).
  ctx.output(0, int64Scalar(ctx, dimOf(ctx, x, normDim(ctx, ctx.int([1, 'dim']), rank))));
}

/**
 * aten::view / aten::reshape(self, size). torch's 0 means an empty dim, while ONNX Reshape reads 0 as
 * "copy the input dim" unless allowzero=1, so a literal 0 sets allowzero (a runtime 0 from a size is
 * the input's own dim in every program torch accepts, where both readings agree).
 */
function reshape(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const ref = ctx.has(1) ? 1 : ctx.has('size') ? 'size' : 'shape';
  const arg = ctx.tensor(ref);
  if (ctx.node.overload === 'dtype' || (arg.producer?.opType === 'Constant' && ctx.shape(arg)?.length === 0)) {
    ctx.unsupported('view(dtype) reinterprets bits, which ONNX cannot express');
  }
  const items = intListArg(ctx, ref);
  const shape = items ? int64Vector(ctx, items) : shapeArg(ctx, ref);
  ctx.output(0, ctx.op('Reshape', [x, shape], { allowzero: items?.includes(0) ? 1 : undefined }));
}

/** aten::flatten.using_ints(self, start_dim=0, end_dim=-1): dims start..end become one. */
function flatten(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const rank = ctx.rank(x);
  if (rank === 0) return ctx.output(0, ctx.op('Reshape', [x, int64Const(ctx, [1])]));
  const s = normDim(ctx, ctx.int([1, 'start_dim'], 0), rank);
  const e = normDim(ctx, ctx.int([2, 'end_dim'], -1), rank);
  if (s > e) ctx.unsupported('flatten() has to have start_dim <= end_dim');
  if (s === e) return passThrough(ctx, 0, x);
  // The product when the flattened dims are static (-1 cannot be inferred for empty tensors).
  const mid = staticDims(ctx.shape(x)?.slice(s, e + 1));
  const merged = int64Const(ctx, [mid ? mid.reduce((a, b) => a * b, 1) : -1]);
  const shape = concatInts(ctx, [dimsOf(ctx, x, 0, s), merged, dimsOf(ctx, x, e + 1, rank)]);
  ctx.output(0, ctx.op('Reshape', [x, shape]));
}

/** aten::unflatten.int(self, dim, sizes): dim `dim` becomes `sizes` (one entry may be -1). */
function unflatten(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const rank = ctx.rank(x);
  const d = normDim(ctx, ctx.int([1, 'dim']), rank);
  const shape = concatInts(ctx, [dimsOf(ctx, x, 0, d), shapeArg(ctx, [2, 'sizes']), dimsOf(ctx, x, d + 1, rank)]);
  ctx.output(0, ctx.op('Reshape', [x, shape]));
}

/** aten::permute(self, dims): ONNX Transpose with the dims made non-negative. */
function permute(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const rank = ctx.rank(x);
  const perm = ctx.ints([1, 'dims']).map((d) => normDim(ctx, d, rank));
  if (rank === 0) return passThrough(ctx, 0, x);
  if (perm.length !== rank || new Set(perm).size !== rank) ctx.unsupported(`permute dims [${perm}] do not match rank ${rank}`);
  ctx.output(0, ctx.op('Transpose', [x], { perm }));
}

/** aten::transpose.int(self, dim0, dim1). */
function transpose(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const rank = ctx.rank(x);
  const a = normDim(ctx, ctx.int([1, 'dim0']), rank);
  const b = normDim(ctx, ctx.int([2, 'dim1']), rank);
  if (a === b || rank < 2) return passThrough(ctx, 0, x);
  const perm = Array.from({ length: rank }, (_, i) => (i === a ? b : i === b ? a : i));
  ctx.output(0, ctx.op('Transpose', [x], { perm }));
}

/** aten::unsqueeze(self, dim): dim counts in the output's rank (rank + 1). */
function unsqueeze(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const d = normDim(ctx, ctx.int([1, 'dim']), ctx.rank(x) + 1);
  ctx.output(0, ctx.op('Unsqueeze', [x, int64Const(ctx, [d])]));
}

/**
 * aten::squeeze (no dim, .dim int, .dims int[]): drops the named dims (all dims when none are named)
 * whose size is 1 and leaves the others, where ONNX Squeeze fails on a dim that is not 1. With static
 * dims that is a Squeeze of the ones; with unknown dims the kept sizes are picked at run time
 * (Compress of the shape) and the tensor reshaped to them.
 */
function squeeze(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const shape = ctx.shape(x);
  if (shape === undefined) ctx.unsupported('squeeze of a tensor of unknown rank');
  const rank = shape.length;
  const named = ctx.has([1, 'dim']) ? ctx.ints([1, 'dim']) : undefined;
  const dims = named ? [...new Set(named.map((d) => normDim(ctx, d, rank)))] : shape.map((_, i) => i);
  if (rank === 0) return passThrough(ctx, 0, x);
  if (dims.every((d) => typeof shape[d] === 'number')) {
    const ones = dims.filter((d) => shape[d] === 1).sort((a, b) => a - b);
    return ones.length === 0 ? passThrough(ctx, 0, x) : ctx.output(0, ctx.op('Squeeze', [x, int64Const(ctx, ones)]));
  }
  const full = ctx.op('Shape', [x]);
  const notOne = ctx.op('Not', [ctx.op('Equal', [full, int64Const(ctx, [1])])]);
  const unnamed = ctx.constant(DataType.BOOL, [rank], shape.map((_, i) => (dims.includes(i) ? 0 : 1)));
  const kept = ctx.op('Compress', [full, ctx.op('Or', [notOne, unnamed])], { axis: 0 });
  // The kept sizes are exact (a runtime 0 is an empty dim), so Reshape must not read 0 as "copy".
  ctx.output(0, ctx.op('Reshape', [x, kept], { allowzero: 1 }));
}

/**
 * aten::expand(self, size, implicit=False). Note [expand through broadcasting]: ONNX Expand broadcasts
 * the input with the target shape both ways, so a -1 ("keep this dim") becomes 1: broadcasting 1 with
 * the input's dim yields that dim, static or not. Every other entry is a size torch would broadcast to
 * as well (an input dim is 1 or equal to it), so both ops agree on all programs torch accepts.
 */
function expand(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const items = intListArg(ctx, [1, 'size']);
  let shape: Value;
  if (items !== undefined) {
    shape = int64Vector(ctx, items.map((v): IntItem => (v === -1 ? 1 : v)));
  } else {
    const v = shapeArg(ctx, [1, 'size']);
    shape = ctx.op('Where', [ctx.op('Less', [v, int64Const(ctx, [0])]), int64Const(ctx, [1]), v]);
  }
  ctx.output(0, ctx.op('Expand', [x, shape]));
}

const PAD_MODES: Record<string, string> = { constant: 'constant', reflect: 'reflect', replicate: 'edge' };

/**
 * aten::pad(self, pad, mode="constant", value=None) and aten::constant_pad_nd(self, pad, value=0).
 * torch lists (before, after) pairs from the last dim backwards; ONNX wants every dim's begins, then
 * every dim's ends. Negative pads crop in both.
 */
function pad(ctx: LowerContext, mode: string, value: number): void {
  const x = ctx.tensor(0);
  const rank = ctx.rank(x);
  const p = ctx.ints([1, 'pad']);
  if (p.length % 2 !== 0 || p.length > 2 * rank) ctx.unsupported(`pad of length ${p.length} for rank ${rank}`);
  const begins = new Array<number>(rank).fill(0);
  const ends = new Array<number>(rank).fill(0);
  for (let j = 0; j < p.length / 2; j++) {
    begins[rank - 1 - j] = p[2 * j]!;
    ends[rank - 1 - j] = p[2 * j + 1]!;
  }
  if (mode === 'circular') return ctx.output(0, circularPad(ctx, x, begins, ends));
  const onnxMode = PAD_MODES[mode];
  if (onnxMode === undefined) ctx.unsupported(`pad mode ${JSON.stringify(mode)}`);
  const inputs = [x, int64Const(ctx, [...begins, ...ends])];
  if (onnxMode === 'constant') inputs.push(scalarOf(ctx, ctx.dtype(x), value));
  ctx.output(0, ctx.op('Pad', inputs, { mode: onnxMode }));
}

/**
 * Circular padding wraps the other end around: [x[-b:], x, x[:e]] on each padded dim. Negative pads
 * crop first, and the wrapped parts come from the cropped tensor, as in torch. Built from Slice + Concat because Pad's "wrap" mode only exists from opset 19.
 */
function circularPad(ctx: LowerContext, x: Value, begins: number[], ends: number[]): Value {
  const END = 2 ** 63;
  const slice = (v: Value, axis: number, from: number, to: number): Value =>
    ctx.op('Slice', [v, int64Const(ctx, [from]), int64Const(ctx, [to]), int64Const(ctx, [axis])]);
  let out = x;
  begins.forEach((b, axis) => {
    const e = ends[axis]!;
    if (b === 0 && e === 0) return;
    const core = b < 0 || e < 0 ? slice(out, axis, Math.max(0, -b), e < 0 ? e : END) : out;
    const parts = [...(b > 0 ? [slice(core, axis, -b, END)] : []), core, ...(e > 0 ? [slice(core, axis, 0, e)] : [])];
    out = parts.length === 1 ? core : ctx.op('Concat', parts, { axis });
  });
  return out;
}

atenTable.register({
  'aten::size': size,
  'aten::sym_size': size,
  'aten::view': reshape,
  'aten::reshape': reshape,
  'aten::flatten': flatten,
  'aten::unflatten': unflatten,
  'aten::permute': permute,
  'aten::transpose': transpose,
  'aten::unsqueeze': unsqueeze,
  'aten::squeeze': squeeze,
  'aten::expand': expand,
  'aten::pad': (ctx) => pad(ctx, ctx.string([2, 'mode'], 'constant'), ctx.has([3, 'value']) ? ctx.float([3, 'value']) : 0),
  'aten::constant_pad_nd': (ctx) => pad(ctx, 'constant', ctx.float([2, 'value'], 0)),
});
