/** Ops that rearrange elements: Transpose, Concat, Split, Slice, Gather, Expand, Tile, Pad. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { sizeOf, type Tensor } from '../../../tensor.js';
import { broadcastIndex, broadcastShape, stridesOf } from '../../broadcast.js';
import { floatToHalf } from '../../float16.js';
import { intsOf, numbersOf } from '../../numeric.js';
import { normAxis } from './shape-ops.js';

type Elems = unknown[];
const el = (t: Tensor): Elems => t.data as unknown as Elems;

/** Calls `visit(outIndex, inIndex)` for an output of `outDims` reading input offsets `base + sum(i_d * step_d)`. */
function gatherStrided(outDims: readonly number[], base: number, steps: readonly number[], visit: (o: number, i: number) => void): void {
  const n = sizeOf(outDims);
  const r = outDims.length;
  const c = new Array<number>(r).fill(0);
  let off = base;
  for (let k = 0; k < n; k++) {
    visit(k, off);
    for (let d = r - 1; d >= 0; d--) {
      c[d]!++;
      off += steps[d]!;
      if (c[d]! < outDims[d]!) break;
      off -= steps[d]! * c[d]!;
      c[d] = 0;
    }
  }
}

function transpose(ctx: KernelContext): void {
  const x = ctx.input(0);
  const r = x.dims.length;
  const perm = ctx.attrs.intsOpt('perm') ?? Array.from({ length: r }, (_, i) => r - 1 - i);
  const dims = perm.map((p) => x.dims[p]!);
  const s = stridesOf(x.dims);
  const out = ctx.output(0, dims, x.type);
  const xi = el(x);
  const oi = el(out);
  gatherStrided(dims, 0, perm.map((p) => s[p]!), (o, i) => (oi[o] = xi[i]));
}

function concat(ctx: KernelContext): void {
  const ins = Array.from({ length: ctx.inputCount }, (_, i) => ctx.input(i));
  const first = ins[0]!;
  const axis = normAxis(ctx, ctx.attrs.int('axis'), first.dims.length);
  const dims = [...first.dims];
  dims[axis] = ins.reduce((n, t) => n + t.dims[axis]!, 0);
  const out = ctx.output(0, dims, first.type);
  const outer = sizeOf(dims.slice(0, axis));
  const inner = sizeOf(dims.slice(axis + 1));
  const oi = el(out);
  let at = 0;
  for (const t of ins) {
    const w = t.dims[axis]! * inner;
    const ti = el(t);
    for (let o = 0; o < outer; o++) for (let k = 0; k < w; k++) oi[o * dims[axis]! * inner + at + k] = ti[o * w + k];
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
  const outer = sizeOf(x.dims.slice(0, axis));
  const inner = sizeOf(x.dims.slice(axis + 1));
  const xi = el(x);
  let at = 0;
  sizes.forEach((sz, j) => {
    const dims = [...x.dims];
    dims[axis] = sz;
    const out = ctx.output(j, dims, x.type);
    const oi = el(out);
    for (let o = 0; o < outer; o++) for (let k = 0; k < sz * inner; k++) oi[o * sz * inner + k] = xi[(o * len + at) * inner + k];
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
  const dims = [...x.dims];
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
  const s = stridesOf(x.dims);
  const out = ctx.output(0, dims, x.type);
  const xi = el(x);
  const oi = el(out);
  if (out.size === 0) return;
  const base = begin.reduce((acc, b, i) => acc + b * s[i]!, 0);
  gatherStrided(dims, base, step.map((sp, i) => sp * s[i]!), (o, i) => (oi[o] = xi[i]));
}

function gather(ctx: KernelContext): void {
  const x = ctx.input(0);
  const idxT = ctx.input(1);
  const axis = normAxis(ctx, ctx.attrs.int('axis', 0), x.dims.length);
  const idx = intsOf(idxT);
  const d = x.dims[axis]!;
  const dims = [...x.dims.slice(0, axis), ...idxT.dims, ...x.dims.slice(axis + 1)];
  const out = ctx.output(0, dims, x.type);
  const outer = sizeOf(x.dims.slice(0, axis));
  const inner = sizeOf(x.dims.slice(axis + 1));
  const xi = el(x);
  const oi = el(out);
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (const raw of idx) {
      const j = raw < 0 ? raw + d : raw;
      if (j < 0 || j >= d) throw ctx.error(`index ${raw} is out of range for dim ${d}`);
      const from = (a * d + j) * inner;
      for (let k = 0; k < inner; k++) oi[o++] = xi[from + k];
    }
  }
}

function expand(ctx: KernelContext): void {
  const x = ctx.input(0);
  const dims = broadcastShape(x.dims, intsOf(ctx.input(1)));
  if (!dims) throw ctx.error('shapes do not broadcast');
  const out = ctx.output(0, dims, x.type);
  const map = broadcastIndex(dims, x.dims);
  const xi = el(x);
  const oi = el(out);
  for (let i = 0; i < out.size; i++) oi[i] = xi[map ? map[i]! : i];
}

function tile(ctx: KernelContext): void {
  const x = ctx.input(0);
  const reps = intsOf(ctx.input(1));
  const dims = x.dims.map((d, i) => d * reps[i]!);
  const out = ctx.output(0, dims, x.type);
  const s = stridesOf(x.dims);
  const xi = el(x);
  const oi = el(out);
  const r = dims.length;
  const c = new Array<number>(r).fill(0);
  for (let k = 0; k < out.size; k++) {
    let off = 0;
    for (let d = 0; d < r; d++) off += (c[d]! % x.dims[d]!) * s[d]!;
    oi[k] = xi[off];
    for (let d = r - 1; d >= 0; d--) {
      if (++c[d]! < dims[d]!) break;
      c[d] = 0;
    }
  }
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
