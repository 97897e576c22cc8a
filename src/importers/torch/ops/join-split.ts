import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import { keepForConsumers } from '../../common/lowering-table.js';
import { atenTable } from '../table.js';
import { promote } from './promote.js';
import { dimOf, int64Const, int64Scalar, int64Vector, intListArg, normDim, passThrough, type IntItem } from './util.js';

/**
 * Note [list outputs of split and chunk]: a .pt2 program gives aten::split / chunk / split_with_sizes
 * one output per piece, while TorchScript gives them one list output that a prim::ListUnpack (or a
 * list consumer such as aten::cat) reads. A rule sets each piece as its own output in the first case;
 * in the second it emits a prim::ListConstruct of the pieces as the single output, so ListUnpack and
 * list consumers read the pieces through the producer like any other list. A single output counts as a
 * list unless its type is a tensor or it is one piece read by no prim node.
 */
function emitPieces(ctx: LowerContext, pieces: readonly Value[]): void {
  const outs = ctx.node.outputs;
  if (isListOutput(ctx, pieces.length)) return ctx.output(0, ctx.ops('ListConstruct', pieces, {}, 1, 'prim')[0]!);
  if (pieces.length !== outs.length) ctx.unsupported(`${pieces.length} pieces for ${outs.length} outputs`);
  pieces.forEach((p, i) => ctx.output(i, p));
}

function isListOutput(ctx: LowerContext, pieces: number): boolean {
  const outs = ctx.node.outputs;
  if (outs.length !== 1 || outs[0]!.type?.kind === 'tensor') return false;
  return pieces !== 1 || outs[0]!.uses.some((u) => u.node.domain === 'prim');
}

/** How many pieces the graph expects when the split dim has no static size: outputs or ListUnpack's. */
function expectedPieces(ctx: LowerContext): number | undefined {
  const outs = ctx.node.outputs;
  if (outs.length > 1) return outs.length;
  const unpack = outs[0]?.uses.find((u) => u.node.domain === 'prim' && u.node.opType === 'ListUnpack');
  return unpack?.node.outputs.length;
}

/** Pieces of `sizes` along `axis` (static sizes: one Split). */
function splitBySizes(ctx: LowerContext, x: Value, axis: number, sizes: readonly IntItem[]): Value[] {
  if (sizes.length === 1) return [ctx.op('Identity', [x])];
  return ctx.ops('Split', [x, int64Vector(ctx, sizes)], { axis }, sizes.length);
}

/**
 * Pieces of `size` elements (the last one shorter) for a dim of unknown size, cut with Slice: the
 * number of pieces is fixed by the graph, the size may be computed.
 */
function sliceEvery(ctx: LowerContext, x: Value, axis: number, size: IntItem, count: number): Value[] {
  const s = int64Vector(ctx, [size]);
  return Array.from({ length: count }, (_, i) => {
    const start = i === 0 ? int64Const(ctx, [0]) : ctx.op('Mul', [s, int64Const(ctx, [i])]);
    const end = i === count - 1 ? int64Const(ctx, [2 ** 63]) : ctx.op('Mul', [s, int64Const(ctx, [i + 1])]);
    return ctx.op('Slice', [x, start, end, int64Const(ctx, [axis])]);
  });
}

/** Sizes of `size`-element pieces covering `dim` elements, as torch.split makes them. */
function evenSizes(dim: number, size: number): number[] {
  if (dim === 0) return [0];
  const n = Math.ceil(dim / size);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? dim - size * (n - 1) : size));
}

/**
 * aten::split.Tensor(self, split_size, dim=0); TorchScript also writes split(x, [sizes], dim), the
 * split.sizes overload, which is split_with_sizes.
 */
function split(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const axis = normDim(ctx, ctx.int([2, 'dim'], 0), ctx.rank(x));
  const sizeArg = ctx.arg([1, 'split_size']) ?? ctx.arg('split_sizes');
  if (sizeArg !== null && (sizeArg.producer?.opType === 'ListConstruct' || ctx.shape(sizeArg)?.length === 1)) {
    return emitPieces(ctx, splitBySizes(ctx, x, axis, sizeList(ctx, ctx.has(1) ? 1 : 'split_sizes')));
  }
  const size = ctx.int([1, 'split_size']);
  if (size <= 0) ctx.unsupported(`split_size must be positive, got ${size}`);
  const dim = ctx.shape(x)?.[axis];
  if (typeof dim === 'number') return emitPieces(ctx, splitBySizes(ctx, x, axis, evenSizes(dim, size)));
  const count = expectedPieces(ctx);
  if (count === undefined) ctx.unsupported('split of a dim of unknown size into an unknown number of pieces');
  emitPieces(ctx, sliceEvery(ctx, x, axis, size, count));
}

function sizeList(ctx: LowerContext, ref: number | string): IntItem[] {
  const items = intListArg(ctx, ref);
  if (items === undefined) ctx.unsupported('split sizes must be a list');
  return items;
}

/** aten::split_with_sizes(self, split_sizes, dim=0). */
function splitWithSizes(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const axis = normDim(ctx, ctx.int([2, 'dim'], 0), ctx.rank(x));
  emitPieces(ctx, splitBySizes(ctx, x, axis, sizeList(ctx, ctx.has(1) ? 1 : 'split_sizes')));
}

/**
 * aten::chunk(self, chunks, dim=0): pieces of ceil(D / chunks) elements, so there may be fewer than
 * `chunks` of them (chunk(6 elements, 4) gives 3 pieces of 2).
 */
function chunk(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const axis = normDim(ctx, ctx.int([2, 'dim'], 0), ctx.rank(x));
  const chunks = ctx.int([1, 'chunks']);
  if (chunks <= 0) ctx.unsupported(`chunk expects a positive number of chunks, got ${chunks}`);
  const dim = ctx.shape(x)?.[axis];
  if (typeof dim === 'number') {
    // torch splits an empty dim into `chunks` empty pieces.
    const sizes = dim === 0 ? Array<number>(chunks).fill(0) : evenSizes(dim, Math.ceil(dim / chunks));
    return emitPieces(ctx, splitBySizes(ctx, x, axis, sizes));
  }
  const count = expectedPieces(ctx);
  if (count === undefined) ctx.unsupported('chunk of a dim of unknown size into an unknown number of pieces');
  // ceil(D / chunks) in integers: (D + chunks - 1) / chunks.
  const d = int64Scalar(ctx, dimOf(ctx, x, axis));
  const size = ctx.op('Div', [ctx.op('Add', [d, int64Scalar(ctx, chunks - 1)]), int64Scalar(ctx, chunks)]);
  emitPieces(ctx, sliceEvery(ctx, x, axis, size, count));
}

function tensors(ctx: LowerContext, ref: readonly [number, string]): Value[] {
  return ctx.tensorList(ref).map((v) => v ?? ctx.unsupported('None in a tensor list'));
}

/**
 * aten::cat(tensors, dim=0): operands promote to a common dtype as in torch. 1-D empty tensors are
 * skipped whatever the others' rank (torch's legacy rule for `torch.cat([torch.empty(0), x])`).
 */
function cat(ctx: LowerContext): void {
  const all = tensors(ctx, [0, 'tensors']);
  const kept = all.filter((t) => !(ctx.shape(t)?.length === 1 && ctx.shape(t)?.[0] === 0));
  const { values } = promote(ctx, kept.length > 0 ? kept : all);
  const axis = normDim(ctx, ctx.int([1, 'dim'], 0), ctx.rank(values[0]!));
  if (values.length === 1) return passThrough(ctx, 0, values[0]!);
  ctx.output(0, ctx.op('Concat', values, { axis }));
}

/** aten::stack(tensors, dim=0): each operand gains the new dim, then they are concatenated on it. */
function stack(ctx: LowerContext): void {
  const { values } = promote(ctx, tensors(ctx, [0, 'tensors']));
  const axis = normDim(ctx, ctx.int([1, 'dim'], 0), ctx.rank(values[0]!) + 1);
  const parts = values.map((v) => ctx.op('Unsqueeze', [v, int64Const(ctx, [axis])]));
  ctx.output(0, parts.length === 1 ? parts[0]! : ctx.op('Concat', parts, { axis }));
}

/**
 * prim::ListUnpack / prim::TupleUnpack: the items of a list built in the graph (by ListConstruct, or
 * by a split rule, Note [list outputs of split and chunk]); an int list held as a 1-D tensor (e.g.
 * aten::size(x) without a dim) gives its elements as int64 scalars.
 */
function unpack(ctx: LowerContext): void {
  const list = ctx.tensor(0);
  const p = list.producer;
  const n = ctx.node.outputs.length;
  if (p?.domain === 'prim' && (p.opType === 'ListConstruct' || p.opType === 'TupleConstruct')) {
    if (p.inputs.length !== n) ctx.unsupported(`unpacking ${p.inputs.length} items into ${n} values`);
    p.inputs.forEach((v, i) => (v === null ? ctx.unsupported('unpacking None') : passThrough(ctx, i, v)));
    return;
  }
  const s = ctx.shape(list);
  if (s?.length !== 1 || (typeof s[0] === 'number' && s[0] !== n)) ctx.unsupported('unpacking a value that is not a list built in the graph');
  for (let i = 0; i < n; i++) ctx.output(i, ctx.op('Gather', [list, int64Scalar(ctx, i)], { axis: 0 }));
}

atenTable.register({
  'aten::cat': cat,
  'aten::stack': stack,
  'aten::split': split,
  'aten::split_with_sizes': splitWithSizes,
  'aten::chunk': chunk,
  'prim::ListUnpack': unpack,
  'prim::TupleUnpack': unpack,
  // Tuples are read by TupleUnpack through the producer, like lists.
  'prim::TupleConstruct': keepForConsumers,
});
