/** CumProd, BitCast, ReverseSequence, CenterCropPad, TensorScatter: element moves and running products. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { bytesPerElement, isBigType, sizeOf, tensorTypeOf, type NumericData, type Tensor } from '../../../tensor.js';
import { stridesOf } from '../../broadcast.js';
import { intsOf, numbersOf, scratchFor, storeNumbers } from '../../numeric.js';
import { normAxis } from '../tensor/shape-ops.js';

type Elems = unknown[];
const el = (t: Tensor): Elems => t.data as unknown as Elems;

function cumProd(ctx: KernelContext): void {
  const x = ctx.input(0);
  const axis = normAxis(ctx, intsOf(ctx.input(1))[0]!, x.dims.length);
  const exclusive = ctx.attrs.int('exclusive', 0) !== 0;
  const reverse = ctx.attrs.int('reverse', 0) !== 0;
  const len = x.dims[axis]!;
  const outer = sizeOf(x.dims.slice(0, axis));
  const inner = sizeOf(x.dims.slice(axis + 1));
  const out = ctx.output(0, x.dims, x.type);
  const big = isBigType(x.type);
  const src = big ? (x.data as BigInt64Array) : numbersOf(x);
  const dst = big ? (out.data as BigInt64Array) : scratchFor(x.type, x.size);
  const one = (big ? 1n : 1) as never;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      let acc = one as number | bigint;
      for (let j = 0; j < len; j++) {
        const t = reverse ? len - 1 - j : j;
        const at = (o * len + t) * inner + k;
        if (exclusive) {
          (dst as unknown as Elems)[at] = acc;
          acc = (acc as number) * (src[at] as number);
        } else {
          acc = (acc as number) * (src[at] as number);
          (dst as unknown as Elems)[at] = acc;
        }
      }
    }
  }
  if (!big) storeNumbers(dst as ArrayLike<number>, out);
}

function bitCast(ctx: KernelContext): void {
  const x = ctx.input(0);
  const to = tensorTypeOf(ctx.attrs.int('to'));
  if (to === undefined || to === 'string' || x.type === 'string') throw ctx.error('BitCast needs numeric types');
  if (bytesPerElement(to) !== bytesPerElement(x.type)) {
    throw ctx.error(`BitCast between types of different widths (${x.type} to ${to}) is not supported yet`);
  }
  const out = ctx.output(0, x.dims, to);
  const view = (d: NumericData): Uint8Array => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  view(out.numeric).set(view(x.numeric));
}

function reverseSequence(ctx: KernelContext): void {
  const x = ctx.input(0);
  const lens = intsOf(ctx.input(1));
  const batchAxis = ctx.attrs.int('batch_axis', 1);
  const timeAxis = ctx.attrs.int('time_axis', 0);
  const out = ctx.output(0, x.dims, x.type);
  const s = stridesOf(x.dims);
  const xi = el(x);
  const oi = el(out);
  const r = x.dims.length;
  const c = new Array<number>(r).fill(0);
  for (let i = 0; i < x.size; i++) {
    let rem = i;
    for (let d = 0; d < r; d++) {
      c[d] = Math.floor(rem / s[d]!);
      rem -= c[d]! * s[d]!;
    }
    const b = c[batchAxis]!;
    const t = c[timeAxis]!;
    const n = lens[b]!;
    const from = t < n ? i + (n - 1 - 2 * t) * s[timeAxis]! : i;
    oi[i] = xi[from];
  }
}

function centerCropPad(ctx: KernelContext): void {
  const x = ctx.input(0);
  const shape = intsOf(ctx.input(1));
  const r = x.dims.length;
  const axes = (ctx.attrs.intsOpt('axes') ?? Array.from({ length: r }, (_, i) => i)).map((a) => normAxis(ctx, a, r));
  const dims = [...x.dims];
  const off = new Array<number>(r).fill(0);
  axes.forEach((a, j) => {
    const want = shape[j]!;
    const have = x.dims[a]!;
    dims[a] = want;
    off[a] = want < have ? Math.floor((have - want) / 2) : -Math.floor((want - have) / 2);
  });
  const out = ctx.output(0, dims, x.type);
  const s = stridesOf(x.dims);
  const os = stridesOf(dims);
  const xi = el(x);
  const oi = el(out);
  for (let o = 0; o < out.size; o++) {
    let rem = o;
    let at = 0;
    let inside = true;
    for (let d = 0; d < r; d++) {
      const c = Math.floor(rem / os[d]!);
      rem -= c * os[d]!;
      const ic = c + off[d]!;
      if (ic < 0 || ic >= x.dims[d]!) {
        inside = false;
        break;
      }
      at += ic * s[d]!;
    }
    if (inside) oi[o] = xi[at];
  }
}

function tensorScatter(ctx: KernelContext): void {
  const past = ctx.input(0);
  const update = ctx.input(1);
  const w = ctx.optionalInput(2);
  const r = past.dims.length;
  const axis = normAxis(ctx, ctx.attrs.int('axis', -2), r);
  if (axis === 0) throw ctx.error('TensorScatter axis cannot be the batch axis');
  const circular = ctx.attrs.string('mode', 'linear') === 'circular';
  const writes = w ? intsOf(w) : [];
  const out = ctx.output(0, past.dims, past.type);
  const oi = el(out);
  const pi = el(past);
  for (let i = 0; i < past.size; i++) oi[i] = pi[i];
  const max = past.dims[axis]!;
  const seq = update.dims[axis]!;
  const us = stridesOf(update.dims);
  const ps = stridesOf(past.dims);
  const ui = el(update);
  const c = new Array<number>(r).fill(0);
  for (let i = 0; i < update.size; i++) {
    let rem = i;
    for (let d = 0; d < r; d++) {
      c[d] = Math.floor(rem / us[d]!);
      rem -= c[d]! * us[d]!;
    }
    let pos = (writes[c[0]!] ?? 0) + c[axis]!;
    if (circular) pos %= max;
    if (pos >= max || c[axis]! >= seq) throw ctx.error(`write position ${pos} is past the cache length ${max}`);
    let at = 0;
    for (let d = 0; d < r; d++) at += (d === axis ? pos : c[d]!) * ps[d]!;
    oi[at] = ui[i];
  }
}

export const scanKernels: KernelTable = {
  CumProd: cumProd,
  BitCast: bitCast,
  ReverseSequence: reverseSequence,
  CenterCropPad: centerCropPad,
  TensorScatter: tensorScatter,
};
