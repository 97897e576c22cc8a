/** Selecting and ranking elements: OneHot, TopK, CumSum, Trilu, NonZero, Compress. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { sizeOf, type Tensor } from '../../../tensor.js';
import { intsOf, numbersOf } from '../../numeric.js';
import { normAxis } from '../tensor/shape-ops.js';
import { access, el, type Val } from './common.js';

/** The first value of a scalar-like input as a number. */
const scalarOf = (t: Tensor): number => Number((t.data as ArrayLike<number | bigint>)[0]!);

function oneHot(ctx: KernelContext): void {
  const idx = numbersOf(ctx.input(0));
  const idxDims = ctx.input(0).dims;
  const depth = Math.trunc(Number(numbersOf(ctx.input(1))[0]!));
  const values = ctx.input(2);
  const axis = normAxis(ctx, ctx.attrs.int('axis', -1), idxDims.length + 1);
  const dims = [...idxDims.slice(0, axis), depth, ...idxDims.slice(axis)];
  const out = ctx.output(0, dims, values.type);
  const vi = el(values);
  const oi = el(out);
  const outer = sizeOf(idxDims.slice(0, axis));
  const inner = sizeOf(idxDims.slice(axis));
  oi.fill(vi[0], 0, oi.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let j = Math.trunc(idx[o * inner + i]!);
      if (j < 0) j += depth;
      if (j >= 0 && j < depth) oi[(o * depth + j) * inner + i] = vi[1];
    }
  }
}

function topK(ctx: KernelContext): void {
  const x = ctx.input(0);
  const axis = normAxis(ctx, ctx.attrs.int('axis', -1), x.dims.length);
  const k = ctx.opset < 10 ? ctx.attrs.int('k') : scalarOf(ctx.input(1));
  const largest = ctx.attrs.int('largest', 1) === 1;
  const n = x.dims[axis]!;
  if (k < 0 || k > n) throw ctx.error(`k ${k} is out of range for dim ${n}`);
  const dims = [...x.dims];
  dims[axis] = k;
  const vals = ctx.output(0, dims, x.type);
  const inds = ctx.output(1, dims, 'int64');
  const keys: ArrayLike<Val> = x.type === 'float16' ? numbersOf(x) : (x.data as unknown as Val[]);
  const xi = el(x);
  const vi = el(vals);
  const ii = inds.data as BigInt64Array;
  const outer = sizeOf(x.dims.slice(0, axis));
  const inner = sizeOf(x.dims.slice(axis + 1));
  // Ties keep the lower index first, as onnxruntime does; NaN ranks above everything when largest.
  const isNaNv = (v: Val): boolean => typeof v === 'number' && Number.isNaN(v);
  const before = (a: Val, b: Val): boolean => {
    if (isNaNv(a) || isNaNv(b)) return largest ? isNaNv(a) && !isNaNv(b) : isNaNv(b) && !isNaNv(a);
    return largest ? a > b : a < b;
  };
  const order = new Array<number>(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let j = 0; j < n; j++) order[j] = j;
      order.sort((a, b) => {
        const ka = keys[base + a * inner]!;
        const kb = keys[base + b * inner]!;
        return before(ka, kb) ? -1 : before(kb, ka) ? 1 : a - b;
      });
      for (let j = 0; j < k; j++) {
        const at = (o * k + j) * inner + i;
        vi[at] = xi[base + order[j]! * inner];
        ii[at] = BigInt(order[j]!);
      }
    }
  }
}

function cumSum(ctx: KernelContext): void {
  const x = ctx.input(0);
  const axis = normAxis(ctx, scalarOf(ctx.input(1)), x.dims.length);
  const exclusive = ctx.attrs.int('exclusive', 0) === 1;
  const reverse = ctx.attrs.int('reverse', 0) === 1;
  const out = ctx.output(0, x.dims, x.type);
  const xa = access(x);
  const oa = access(out);
  const zero: Val = x.type === 'int64' || x.type === 'uint64' ? 0n : 0;
  const n = x.dims[axis]!;
  const outer = sizeOf(x.dims.slice(0, axis));
  const inner = sizeOf(x.dims.slice(axis + 1));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = zero;
      for (let s = 0; s < n; s++) {
        const j = reverse ? n - 1 - s : s;
        const at = (o * n + j) * inner + i;
        const v = xa.get(at);
        if (exclusive) {
          oa.set(at, acc);
          acc = (acc as number) + (v as number);
        } else {
          acc = (acc as number) + (v as number);
          oa.set(at, acc);
        }
      }
    }
  }
}

function trilu(ctx: KernelContext): void {
  const x = ctx.input(0);
  const kT = ctx.optionalInput(1);
  const k = kT ? scalarOf(kT) : 0;
  const upper = ctx.attrs.int('upper', 1) === 1;
  const r = x.dims.length;
  if (r < 2) throw ctx.error('Trilu needs a tensor of rank 2 or more');
  const rows = x.dims[r - 2]!;
  const cols = x.dims[r - 1]!;
  const out = ctx.output(0, x.dims, x.type);
  const xi = el(x);
  const oi = el(out);
  const zero: unknown = x.type === 'int64' || x.type === 'uint64' ? 0n : 0;
  for (let m = 0; m < x.size; m++) {
    const i = Math.floor(m / cols) % rows;
    const j = m % cols;
    const keep = upper ? j - i >= k : j - i <= k;
    oi[m] = keep ? xi[m] : zero;
  }
}

/** Whether element `i` of `t` is nonzero (negative zero is zero; NaN is nonzero). */
function nonzeroTest(t: Tensor): (i: number) => boolean {
  if (t.type === 'float16') {
    const h = t.data as Uint16Array;
    return (i) => (h[i]! & 0x7fff) !== 0;
  }
  if (t.type === 'string') {
    const s = t.data as string[];
    return (i) => s[i] !== '';
  }
  const d = t.data as unknown as Val[];
  return (i) => {
    const v = d[i]!;
    return typeof v === 'bigint' ? v !== 0n : v !== 0;
  };
}

function nonZero(ctx: KernelContext): void {
  const x = ctx.input(0);
  const test = nonzeroTest(x);
  const dims = x.dims.length === 0 ? [1] : x.dims;
  const hits: number[] = [];
  for (let i = 0; i < x.size; i++) if (test(i)) hits.push(i);
  const r = dims.length;
  const out = ctx.output(0, [r, hits.length], 'int64');
  const oi = out.data as BigInt64Array;
  hits.forEach((flat, h) => {
    let rest = flat;
    for (let a = r - 1; a >= 0; a--) {
      oi[a * hits.length + h] = BigInt(rest % dims[a]!);
      rest = Math.floor(rest / dims[a]!);
    }
  });
}

function compress(ctx: KernelContext): void {
  const x = ctx.input(0);
  const cond = ctx.input(1).data as Uint8Array;
  const hasAxis = ctx.attrs.has('axis');
  const dims = hasAxis ? [...x.dims] : [x.size];
  const axis = hasAxis ? normAxis(ctx, ctx.attrs.int('axis'), x.dims.length) : 0;
  const n = dims[axis]!;
  const keep: number[] = [];
  for (let j = 0; j < Math.min(n, cond.length); j++) if (cond[j]) keep.push(j);
  const outer = sizeOf(dims.slice(0, axis));
  const inner = sizeOf(dims.slice(axis + 1));
  dims[axis] = keep.length;
  const out = ctx.output(0, dims, x.type);
  const xi = el(x);
  const oi = el(out);
  let w = 0;
  for (let o = 0; o < outer; o++) for (const j of keep) for (let i = 0; i < inner; i++) oi[w++] = xi[(o * n + j) * inner + i];
}

export const selectKernels: KernelTable = {
  OneHot: oneHot,
  TopK: topK,
  CumSum: cumSum,
  Trilu: trilu,
  NonZero: nonZero,
  Compress: compress,
};
