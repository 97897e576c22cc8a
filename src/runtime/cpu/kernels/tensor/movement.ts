/**
 * Ops that rearrange elements: Transpose, Concat, Split, Slice, Gather, Expand, Tile, Pad. All but Pad's
 * non-constant modes copy storage words through strided plans (strided.ts, Note [copying words]).
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { sizeOf, type Tensor } from '../../../tensor.js';
import { broadcastShape, stridesOf } from '../../broadcast.js';
import { floatToHalf } from '../../float16.js';
import { intsOf, numbersOf, tensorFromNumbers } from '../../numeric.js';
import { memoDims } from '../../shape-memo.js';
import { normAxis } from './shape-ops.js';
import { copyRun, runStrided, stridedPlan, wordsOf } from './strided.js';

type Elems = unknown[];
const el = (t: Tensor): Elems => t.data as unknown as Elems;

function product(dims: readonly number[], from: number, to: number): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= dims[i]!;
  return n;
}

function transpose(ctx: KernelContext): void {
  const x = ctx.input(0);
  const r = x.dims.length;
  const perm = ctx.memo(`perm:${r}`, () => ctx.attrs.intsOpt('perm') ?? Array.from({ length: r }, (_, i) => r - 1 - i));
  if (perm.length !== r) throw ctx.error(`perm has ${perm.length} entries for an input of rank ${r}`);
  const dims = perm.map((p) => x.dims[p]!);
  const out = ctx.output(0, dims, x.type);
  const src = wordsOf(x);
  const plan = memoDims(ctx, `t${src.unit}`, [x.dims], () => {
    const s = stridesOf(x.dims);
    return stridedPlan(dims, perm.map((p) => s[p]!), 0, src.unit);
  });
  runStrided(plan, src.words, wordsOf(out).words);
}

function concat(ctx: KernelContext): void {
  const n = ctx.inputCount;
  const first = ctx.input(0);
  const r = first.dims.length;
  const axis = normAxis(ctx, ctx.attrs.int('axis'), r);
  const dims = first.dims.slice();
  let total = 0;
  for (let i = 0; i < n; i++) total += ctx.input(i).dims[axis]!;
  dims[axis] = total;
  const out = ctx.output(0, dims, first.type);
  const outer = product(dims, 0, axis);
  const inner = product(dims, axis + 1, r);
  const dst = wordsOf(out);
  const u = dst.unit;
  const row = total * inner * u;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const t = ctx.input(i);
    const w = t.dims[axis]! * inner * u;
    const src = wordsOf(t).words;
    for (let o = 0; o < outer; o++) copyRun(src, o * w, dst.words, o * row + at, w);
    at += w;
  }
}

function split(ctx: KernelContext): void {
  const x = ctx.input(0);
  const axis = normAxis(ctx, ctx.attrs.int('axis', 0), x.dims.length);
  const len = x.dims[axis]!;
  const n = ctx.outputCount;
  let sizes = ctx.optionalInput(1) ? intsOf(ctx.input(1)) : ctx.attrs.intsOpt('split');
  if (!sizes) {
    const parts = ctx.attrs.has('num_outputs') ? ctx.attrs.int('num_outputs') : n;
    const chunk = Math.ceil(len / parts);
    sizes = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(chunk, len - i * chunk)));
  }
  const outer = product(x.dims, 0, axis);
  const src = wordsOf(x);
  const inner = product(x.dims, axis + 1, x.dims.length) * src.unit;
  let at = 0;
  sizes.forEach((sz, j) => {
    const dims = x.dims.slice();
    dims[axis] = sz;
    const dst = wordsOf(ctx.output(j, dims, x.type)).words;
    const w = sz * inner;
    for (let o = 0; o < outer; o++) copyRun(src.words, (o * len + at) * inner, dst, o * w, w);
    at += sz;
  });
}

function slice(ctx: KernelContext): void {
  const x = ctx.input(0);
  const r = x.dims.length;
  let starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined;
  if (ctx.opset < 10) {
    starts = ctx.attrs.ints('starts');
    ends = ctx.attrs.ints('ends');
    axes = ctx.attrs.intsOpt('axes');
  } else {
    starts = intsOf(ctx.input(1));
    ends = intsOf(ctx.input(2));
    const a = ctx.optionalInput(3);
    const s = ctx.optionalInput(4);
    axes = a ? intsOf(a) : undefined;
    steps = s ? intsOf(s) : undefined;
  }
  const begin = new Array<number>(r).fill(0);
  const step = new Array<number>(r).fill(1);
  const dims = x.dims.slice();
  starts.forEach((st, j) => {
    const ax = normAxis(ctx, axes?.[j] ?? j, r);
    const d = x.dims[ax]!;
    const sp = steps?.[j] ?? 1;
    if (sp === 0) throw ctx.error('slice step cannot be 0');
    let b = st < 0 ? st + d : st;
    let e = ends[j]! < 0 ? ends[j]! + d : ends[j]!;
    if (sp > 0) {
      b = Math.min(Math.max(b, 0), d);
      e = Math.min(Math.max(e, 0), d);
      dims[ax] = Math.max(0, Math.ceil((e - b) / sp));
    } else {
      b = Math.min(Math.max(b, -1), d - 1);
      e = Math.min(Math.max(e, -1), d - 1);
      dims[ax] = Math.max(0, Math.ceil((b - e) / -sp));
    }
    begin[ax] = b;
    step[ax] = sp;
  });
  const out = ctx.output(0, dims, x.type);
  if (out.size === 0) return;
  const src = wordsOf(x);
  const plan = memoDims(ctx, `s${src.unit}`, [x.dims, begin, step, dims], () => {
    const s = stridesOf(x.dims);
    const base = begin.reduce((acc, b, i) => acc + b * s[i]!, 0);
    return stridedPlan(dims, step.map((sp, i) => sp * s[i]!), base, src.unit);
  });
  runStrided(plan, src.words, wordsOf(out).words);
}

function gather(ctx: KernelContext): void {
  const x = ctx.input(0);
  const idxT = ctx.input(1);
  const axis = normAxis(ctx, ctx.attrs.int('axis', 0), x.dims.length);
  const idx = intsOf(idxT);
  const d = x.dims[axis]!;
  const dims = [...x.dims.slice(0, axis), ...idxT.dims, ...x.dims.slice(axis + 1)];
  const out = ctx.output(0, dims, x.type);
  const outer = product(x.dims, 0, axis);
  const src = wordsOf(x);
  const inner = product(x.dims, axis + 1, x.dims.length) * src.unit;
  const dst = wordsOf(out).words;
  for (let k = 0; k < idx.length; k++) {
    const raw = idx[k]!;
    const j = raw < 0 ? raw + d : raw;
    if (j < 0 || j >= d) throw ctx.error(`index ${raw} is out of range for dim ${d}`);
    idx[k] = j;
  }
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (let k = 0; k < idx.length; k++, o += inner) copyRun(src.words, (a * d + idx[k]!) * inner, dst, o, inner);
  }
}

function expand(ctx: KernelContext): void {
  const x = ctx.input(0);
  const dims = broadcastShape(x.dims, intsOf(ctx.input(1)));
  if (!dims) throw ctx.error('shapes do not broadcast');
  const out = ctx.output(0, dims, x.type);
  const src = wordsOf(x);
  const plan = memoDims(ctx, `e${src.unit}`, [x.dims, dims], () => {
    const s = stridesOf(x.dims);
    const lead = dims.length - x.dims.length;
    return stridedPlan(dims, dims.map((_, i) => (i < lead || x.dims[i - lead] === 1 ? 0 : s[i - lead]!)), 0, src.unit);
  });
  runStrided(plan, src.words, wordsOf(out).words);
}

/** Tile as a strided copy: output dim d of size reps * n is the pair (rep, i) with steps (0, stride). */
function tile(ctx: KernelContext): void {
  const x = ctx.input(0);
  const reps = intsOf(ctx.input(1));
  if (reps.length !== x.dims.length) throw ctx.error(`repeats has ${reps.length} entries for an input of rank ${x.dims.length}`);
  const dims = x.dims.map((d, i) => d * reps[i]!);
  const out = ctx.output(0, dims, x.type);
  const src = wordsOf(x);
  const plan = memoDims(ctx, `tile${src.unit}`, [x.dims, reps], () => {
    const s = stridesOf(x.dims);
    return stridedPlan(x.dims.flatMap((d, i) => [reps[i]!, d]), x.dims.flatMap((_, i) => [0, s[i]!]), 0, src.unit);
  });
  runStrided(plan, src.words, wordsOf(out).words);
}

function pad(ctx: KernelContext): void {
  const x = ctx.input(0);
  const r = x.dims.length;
  const mode = ctx.attrs.string('mode', 'constant');
  let pads: number[];
  let value = 0;
  let axes: number[] = Array.from({ length: r }, (_, i) => i);
  if (ctx.opset < 11) {
    pads = ctx.attrs.ints('pads');
    value = ctx.attrs.float('value', 0);
  } else {
    pads = intsOf(ctx.input(1));
    const cv = ctx.optionalInput(2);
    if (cv && cv.size > 0) value = numbersOf(cv)[0]!;
    const ax = ctx.optionalInput(3);
    if (ax) axes = intsOf(ax).map((a) => normAxis(ctx, a, r));
  }
  const before = new Array<number>(r).fill(0);
  const after = new Array<number>(r).fill(0);
  axes.forEach((a, j) => {
    before[a] = pads[j]!;
    after[a] = pads[j + axes.length]!;
  });
  const dims = x.dims.map((d, i) => d + before[i]! + after[i]!);
  const out = ctx.output(0, dims, x.type);
  if (mode === 'constant' && x.type !== 'string') return padConstant(x, out, before, value);
  const xi = el(x);
  const oi = el(out);
  const s = stridesOf(x.dims);
  const big = x.type === 'int64' || x.type === 'uint64';
  const fill: unknown = big ? BigInt(Math.trunc(value)) : value;
  const c = new Array<number>(r).fill(0);
  for (let k = 0; k < out.size; k++) {
    let off = 0;
    let inside = true;
    for (let d = 0; d < r; d++) {
      let i = c[d]! - before[d]!;
      const n = x.dims[d]!;
      if (i < 0 || i >= n) {
        if (mode === 'constant' || n === 0) inside = false;
        else if (mode === 'edge') i = i < 0 ? 0 : n - 1;
        else if (mode === 'reflect') {
          const period = 2 * (n - 1) || 1;
          i = ((i % period) + period) % period;
          if (i >= n) i = period - i;
        } else if (mode === 'wrap') i = ((i % n) + n) % n;
      }
      off += i * s[d]!;
    }
    oi[k] = inside ? xi[off] : x.type === 'float16' ? floatToHalf(value) : fill;
    for (let d = r - 1; d >= 0; d--) {
      if (++c[d]! < dims[d]!) break;
      c[d] = 0;
    }
  }
}

/** Constant Pad: fill, then copy the rows of the part of `x` that lands inside the output (pads may be negative). */
function padConstant(x: Tensor, out: Tensor, before: number[], value: number): void {
  const r = x.dims.length;
  const fill = tensorFromNumbers(x.type, [1], [value]).data[0]!;
  (out.data as unknown as { fill(v: unknown): void }).fill(fill);
  // Per dim: the input range [lo, hi) that lands inside the output, at output position lo + before.
  const lo = x.dims.map((_, d) => Math.max(0, -before[d]!));
  const hi = x.dims.map((n, d) => Math.min(n, out.dims[d]! - before[d]!));
  if (out.size === 0 || lo.some((l, d) => l >= hi[d]!)) return;
  const src = wordsOf(x);
  const dst = wordsOf(out).words;
  const u = src.unit;
  if (r === 0) return copyRun(src.words, 0, dst, 0, u);
  const xs = stridesOf(x.dims);
  const os = stridesOf(out.dims);
  const last = r - 1;
  const run = (hi[last]! - lo[last]!) * u;
  const c = lo.slice();
  for (;;) {
    let from = 0;
    let to = 0;
    for (let d = 0; d < r; d++) {
      from += c[d]! * xs[d]!;
      to += (c[d]! + before[d]!) * os[d]!;
    }
    copyRun(src.words, from * u, dst, to * u, run);
    let d = last - 1;
    for (; d >= 0; d--) {
      if (++c[d]! < hi[d]!) break;
      c[d] = lo[d]!;
    }
    if (d < 0) return;
  }
}

export const movementKernels: KernelTable = {
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  Expand: expand,
  Tile: tile,
  Pad: pad,
};
