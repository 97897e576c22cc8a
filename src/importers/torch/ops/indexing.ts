import { DataType } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import { atenTable } from '../table.js';
import {
  asInt64,
  concatInts,
  dimOf,
  dimsOf,
  int64Const,
  int64Scalar,
  int64Vector,
  intArg,
  normDim,
  passThrough,
} from './util.js';

const END = 2 ** 63; // torch's "to the end" (INT64_MAX), as ctx.int reads it

/**
 * aten::slice.Tensor(self, dim=0, start=None, end=None, step=1). ONNX Slice clamps out-of-range
 * bounds and wraps negative ones exactly like Python slicing for positive steps (the only ones torch
 * allows); start and end may be dynamic sizes. A slice over the whole dim (TorchScript writes one per
 * `:` in `x[:, 1:]`) passes the tensor through.
 */
function slice(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const d = normDim(ctx, ctx.int([1, 'dim'], 0), ctx.rank(x));
  const start = intArg(ctx, [2, 'start'], 0);
  const end = intArg(ctx, [3, 'end'], END);
  const step = ctx.int([4, 'step'], 1);
  if (step <= 0) ctx.unsupported(`slice step must be positive, got ${step}`);
  const dim = ctx.shape(x)?.[d];
  if (start === 0 && step === 1 && typeof end === 'number' && (end >= END || (typeof dim === 'number' && end >= dim))) {
    return passThrough(ctx, 0, x);
  }
  const inputs = [x, int64Vector(ctx, [start]), int64Vector(ctx, [end]), int64Const(ctx, [d])];
  if (step !== 1) inputs.push(int64Const(ctx, [step]));
  ctx.output(0, ctx.op('Slice', inputs));
}

/** aten::select.int(self, dim, index): Gather with a scalar index drops the dim; negative counts from the end. */
function select(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const d = normDim(ctx, ctx.int([1, 'dim']), ctx.rank(x));
  ctx.output(0, ctx.op('Gather', [x, int64Scalar(ctx, intArg(ctx, [2, 'index']))], { axis: d }));
}

/** aten::gather(self, dim, index, sparse_grad=False) is ONNX GatherElements. */
function gather(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const d = normDim(ctx, ctx.int([1, 'dim']), ctx.rank(x));
  ctx.output(0, ctx.op('GatherElements', [x, ctx.tensor([2, 'index'])], { axis: d }));
}

/** aten::flip(self, dims): a Slice with step -1 from the last element through the first on each dim. */
function flip(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const rank = ctx.rank(x);
  const dims = [...new Set(ctx.ints([1, 'dims']).map((d) => normDim(ctx, d, rank)))];
  if (dims.length === 0 || rank === 0) return passThrough(ctx, 0, x);
  const n = dims.length;
  const inputs = [x, int64Const(ctx, Array(n).fill(-1)), int64Const(ctx, Array(n).fill(-END)), int64Const(ctx, dims), int64Const(ctx, Array(n).fill(-1))];
  ctx.output(0, ctx.op('Slice', inputs));
}

/**
 * aten::diagonal(self, offset=0, dim1=0, dim2=1): the two dims go last (Transpose), are merged into one
 * of A*B elements, and the diagonal is every (B+1)-th element from the offset's start. The result's
 * diagonal dim comes last, as in torch. Needs A and B static.
 */
function diagonal(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const rank = ctx.rank(x);
  if (rank < 2) ctx.unsupported('diagonal needs at least 2 dims');
  const offset = ctx.int([1, 'offset'], 0);
  const d1 = normDim(ctx, ctx.int([2, 'dim1'], 0), rank);
  const d2 = normDim(ctx, ctx.int([3, 'dim2'], 1), rank);
  if (d1 === d2) ctx.unsupported('diagonal dimensions cannot be identical');
  const a = ctx.shape(x)?.[d1];
  const b = ctx.shape(x)?.[d2];
  if (typeof a !== 'number' || typeof b !== 'number') ctx.unsupported('diagonal over dims of unknown size');
  const perm = [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== d1 && i !== d2), d1, d2];
  const t = perm.every((p, i) => p === i) ? x : ctx.op('Transpose', [x], { perm });
  const flat = ctx.op('Reshape', [t, concatInts(ctx, [dimsOf(ctx, t, 0, rank - 2), int64Const(ctx, [a * b])])]);
  const len = Math.max(0, offset >= 0 ? Math.min(a, b - offset) : Math.min(a + offset, b));
  const start = offset >= 0 ? offset : -offset * b;
  const end = len === 0 ? start : start + (len - 1) * (b + 1) + 1;
  ctx.output(0, ctx.op('Slice', [flat, int64Const(ctx, [start]), int64Const(ctx, [end]), int64Const(ctx, [rank - 2]), int64Const(ctx, [b + 1])]));
}

/**
 * aten::index.Tensor(self, indices: Tensor?[]) — advanced indexing; None entries are full slices.
 * - one bool (or uint8) mask: a 1-D mask on any dim is Compress; a mask over several leading dims is
 *   NonZero + GatherND.
 * - one integer index tensor on dim k: Gather on axis k (result dims replace dim k).
 * - several integer index tensors: broadcast together and gathered with GatherND after moving the
 *   indexed dims first. torch puts the broadcast dims first when the indexed dims are apart, and where
 *   the first indexed dim was when they are adjacent (then we transpose them back into place).
 * Masks mixed with other index tensors are refused.
 */
function index(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const rank = ctx.rank(x);
  const list = ctx.tensorList([1, 'indices']);
  const used = list.flatMap((v, k) => (v === null ? [] : [{ v, k }]));
  if (used.length === 0) return passThrough(ctx, 0, x);
  const isMask = (v: Value): boolean => ctx.dtype(v) === DataType.BOOL || ctx.dtype(v) === DataType.UINT8;
  if (used.some((u) => isMask(u.v))) {
    if (used.length !== 1) ctx.unsupported('a boolean mask mixed with other index tensors');
    const { v, k } = used[0]!;
    const mask = ctx.dtype(v) === DataType.BOOL ? v : ctx.op('Cast', [v], { to: DataType.BOOL });
    const m = ctx.rank(mask);
    if (m === 0) ctx.unsupported('a 0-d boolean index');
    if (k + m > rank) ctx.unsupported(`a mask of rank ${m} at dim ${k} of a rank-${rank} tensor`);
    if (m === 1) return ctx.output(0, ctx.op('Compress', [x, mask], { axis: k }));
    if (k !== 0) ctx.unsupported('a multi-dim mask after leading None indices');
    const idx = ctx.op('Transpose', [ctx.op('NonZero', [mask])], { perm: [1, 0] });
    return ctx.output(0, ctx.op('GatherND', [x, idx]));
  }
  if (list.length > rank) ctx.unsupported(`too many indices (${list.length}) for a rank-${rank} tensor`);
  if (used.length === 1) {
    const { v, k } = used[0]!;
    return ctx.output(0, ctx.op('Gather', [x, v], { axis: k }));
  }
  gatherSeveral(ctx, x, rank, used);
}

function gatherSeveral(ctx: LowerContext, x: Value, rank: number, used: { v: Value; k: number }[]): void {
  const dims = used.map((u) => u.k);
  // Negative indices wrap (GatherND's support for them varies by runtime).
  const wrapped = used.map(({ v, k }) => {
    const i = asInt64(ctx, v);
    const size = int64Scalar(ctx, dimOf(ctx, x, k));
    return ctx.op('Where', [ctx.op('Less', [i, int64Scalar(ctx, 0)]), ctx.op('Add', [i, size]), i]);
  });
  // Broadcast the index tensors to one shape: the shape of their sum.
  const bshape = ctx.op('Shape', [wrapped.reduce((acc, w) => ctx.op('Add', [acc, w]))]);
  const nb = Math.max(...wrapped.map((w) => ctx.rank(w)));
  const stacked = ctx.op('Concat', wrapped.map((w) => ctx.op('Unsqueeze', [ctx.op('Expand', [w, bshape]), int64Const(ctx, [-1])])), { axis: -1 });
  const rest = Array.from({ length: rank }, (_, i) => i).filter((i) => !dims.includes(i));
  const perm = [...dims, ...rest];
  const xt = perm.every((p, i) => p === i) ? x : ctx.op('Transpose', [x], { perm });
  let out = ctx.op('GatherND', [xt, stacked]);
  const first = Math.min(...dims);
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1]! + 1);
  if (adjacent && first > 0) {
    // [B..., rest...] -> [rest[:first]..., B..., rest[first:]...]
    const outRank = nb + rest.length;
    const back = [...range(nb, nb + first), ...range(0, nb), ...range(nb + first, outRank)];
    out = ctx.op('Transpose', [out], { perm: back });
  }
  ctx.output(0, out);
}

function range(a: number, b: number): number[] {
  return Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
}

atenTable.register({
  'aten::slice': slice,
  'aten::select': select,
  'aten::gather': gather,
  'aten::flip': flip,
  'aten::diagonal': diagonal,
  'aten::index': index,
});
