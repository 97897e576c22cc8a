/**
 * Concat and Split (SplitToSequence shares `splitSizes`).
 */
import type { Dim, Shape } from '../../shape.js';
import { formatShape } from '../../shape.js';
import type { ConstantData, InferContext, TensorInfo } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { normalizeAxis } from '../shape-utils.js';
import { MAX_PROPAGATED, inputInts, setConstant, staticDims, unifyDim } from './util.js';

/** A sum of dims: known when all are known; a lone symbol survives when the others are all 0. */
function sumDims(dims: readonly Dim[]): Dim {
  let total = 0;
  const syms: Dim[] = [];
  for (const d of dims) {
    if (typeof d === 'number') total += d;
    else syms.push(d);
  }
  if (syms.length === 0) return total;
  return syms.length === 1 && total === 0 ? (syms[0] ?? null) : null;
}

function concat(ctx: InferContext): void {
  const ins: (TensorInfo | undefined)[] = [];
  for (let i = 0; i < ctx.inputCount; i++) ins.push(ctx.inputTensor(i));
  const known = ins.filter((t): t is TensorInfo => t !== undefined);
  const first = known[0];
  if (first === undefined) return;
  for (const t of known) {
    if (t.dtype !== first.dtype) ctx.fail(`inputs have different element types (${first.dtype} vs ${t.dtype})`);
  }
  const axis = ctx.attrInt('axis', ctx.schema.sinceVersion < 4 ? 1 : Number.NaN);
  if (Number.isNaN(axis)) ctx.fail('attribute axis is required');
  const shapes = ins.map((t) => t?.shape);
  const ranked = shapes.filter((s): s is Shape => s !== undefined);
  const rank = ranked[0]?.length;
  if (rank === undefined) return ctx.setOutputTensor(0, first.dtype, undefined);
  for (const s of ranked) {
    if (s.length !== rank) ctx.fail(`inputs have different ranks: ${ranked.map(formatShape).join(', ')}`);
  }
  if (rank === 0) ctx.fail('cannot concatenate scalars');
  const a = normalizeAxis(ctx, axis, rank);
  const out: Dim[] = [];
  for (let k = 0; k < rank; k++) {
    if (k === a) {
      out.push(shapes.some((s) => s === undefined) ? null : sumDims(ranked.map((s) => s[k] ?? null)));
      continue;
    }
    let d: Dim = null;
    for (const s of ranked) d = unifyDim(ctx, d, s[k] ?? null, `inputs ${ranked.map(formatShape).join(', ')} differ in dim ${k}`);
    out.push(d);
  }
  ctx.setOutputTensor(0, first.dtype, out);
  propagateConcat(ctx, a, out);
}

function propagateConcat(ctx: InferContext, axis: number, out: Shape): void {
  const outDims = staticDims(out);
  if (outDims === undefined || outDims.reduce((x, y) => x * y, 1) > MAX_PROPAGATED) return;
  const parts: ConstantData[] = [];
  for (let i = 0; i < ctx.inputCount; i++) {
    const c = ctx.inputConstant(i);
    if (c === undefined) return;
    parts.push(c);
  }
  const outer = outDims.slice(0, axis).reduce((x, y) => x * y, 1);
  const inner = outDims.slice(axis + 1).reduce((x, y) => x * y, 1);
  const values: (number | bigint)[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const block = (p.dims[axis] ?? 1) * inner;
      const src = p.values as readonly (number | bigint)[];
      for (let j = 0; j < block; j++) {
        const v = src[o * block + j];
        if (v === undefined) return;
        values.push(v);
      }
    }
  }
  const dtype = parts[0]?.dtype;
  if (dtype === undefined) return;
  setConstant(ctx, 0, { dtype, dims: outDims, values: values as number[] | bigint[] });
}

/**
 * The sizes of `count` pieces of a dim of size `dim`: from `split` when given, else equal pieces (the
 * last one smaller when `unevenOk`, as Split-18 with num_outputs allows). Fails on impossible splits.
 */
export function splitSizes(ctx: InferContext, dim: Dim, count: number, split: readonly number[] | undefined, unevenOk: boolean): Dim[] {
  if (split !== undefined) {
    if (split.length !== count) ctx.fail(`split [${split.join(',')}] has ${split.length} entries for ${count} outputs`);
    if (split.some((v) => v < 0)) ctx.fail(`split [${split.join(',')}] has a negative size`);
    const total = split.reduce((a, b) => a + b, 0);
    if (typeof dim === 'number' && total !== dim) ctx.fail(`split [${split.join(',')}] sums to ${total}, not the split dim ${dim}`);
    return [...split];
  }
  if (count <= 0) ctx.fail('split needs at least one output');
  if (typeof dim !== 'number') return new Array<Dim>(count).fill(count === 1 ? dim : null);
  if (dim % count === 0) return new Array<Dim>(count).fill(dim / count);
  if (!unevenOk) ctx.fail(`dim ${dim} cannot be split into ${count} equal parts`);
  const chunk = Math.ceil(dim / count);
  const last = dim - chunk * (count - 1);
  if (last < 0) ctx.fail(`dim ${dim} cannot be split into ${count} parts of at most ${chunk}`);
  return [...new Array<Dim>(count - 1).fill(chunk), last];
}

function split(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const v = ctx.schema.sinceVersion;
  const n = ctx.outputCount;
  const splitInput = v === 1 || v >= 13;
  let sizes: readonly number[] | undefined;
  let unknownSplit = false;
  if (splitInput && ctx.hasInput(1)) {
    sizes = inputInts(ctx, 1);
    unknownSplit = sizes === undefined;
  }
  if (v < 13 && !ctx.hasInput(1)) sizes = ctx.attrInts('split');
  const numOutputs = v >= 18 ? ctx.attrInt('num_outputs') : undefined;
  if (numOutputs !== undefined) {
    if (ctx.hasInput(1)) ctx.fail('num_outputs and the split input cannot both be given');
    if (numOutputs !== n) ctx.fail(`num_outputs is ${numOutputs} but the node has ${n} outputs`);
  }
  const s = x.shape;
  if (s === undefined) {
    for (let i = 0; i < n; i++) ctx.setOutputTensor(i, x.dtype, undefined);
    return;
  }
  const a = normalizeAxis(ctx, ctx.attrInt('axis', 0), s.length);
  const dims = unknownSplit ? new Array<Dim>(n).fill(null) : splitSizes(ctx, s[a] ?? null, n, sizes, numOutputs !== undefined);
  for (let i = 0; i < n; i++) {
    const out = [...s];
    out[a] = dims[i] ?? null;
    ctx.setOutputTensor(i, x.dtype, out);
  }
}

registerShapeRules({ Concat: concat, Split: split });
