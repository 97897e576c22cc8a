/** NonMaxSuppression, Unique, Col2Im, MaxUnpool. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { sizeOf, type Tensor } from '../../../tensor.js';
import { stridesOf } from '../../broadcast.js';
import { intsOf, numbersOf, scratchFor, storeNumbers } from '../../numeric.js';
import { normAxis } from '../tensor/shape-ops.js';

type Elems = unknown[];
const el = (t: Tensor): Elems => t.data as unknown as Elems;

function nonMaxSuppression(ctx: KernelContext): void {
  const boxes = numbersOf(ctx.input(0));
  const [batches, n] = [ctx.input(0).dims[0]!, ctx.input(0).dims[1]!];
  const scoresT = ctx.input(1);
  const scores = numbersOf(scoresT);
  const classes = scoresT.dims[1]!;
  const maxT = ctx.optionalInput(2);
  const iouT = ctx.optionalInput(3);
  const scoreT = ctx.optionalInput(4);
  const maxOut = maxT && maxT.size > 0 ? intsOf(maxT)[0]! : 0;
  const iouTh = iouT && iouT.size > 0 ? numbersOf(iouT)[0]! : 0;
  const scoreTh = scoreT && scoreT.size > 0 ? numbersOf(scoreT)[0]! : undefined;
  const center = ctx.attrs.int('center_point_box', 0) === 1;
  const corners = (b: number, i: number): [number, number, number, number] => {
    const o = (b * n + i) * 4;
    const [a, c, d, e] = [boxes[o]!, boxes[o + 1]!, boxes[o + 2]!, boxes[o + 3]!];
    if (center) return [c - e / 2, a - d / 2, c + e / 2, a + d / 2];
    return [Math.min(a, d), Math.min(c, e), Math.max(a, d), Math.max(c, e)];
  };
  const suppress = (p: [number, number, number, number], q: [number, number, number, number]): boolean => {
    const ih = Math.min(p[2], q[2]) - Math.max(p[0], q[0]);
    const iw = Math.min(p[3], q[3]) - Math.max(p[1], q[1]);
    if (ih <= 0 || iw <= 0) return false;
    const inter = ih * iw;
    const a1 = (p[2] - p[0]) * (p[3] - p[1]);
    const a2 = (q[2] - q[0]) * (q[3] - q[1]);
    const union = a1 + a2 - inter;
    if (a1 <= 0 || a2 <= 0 || union <= 0) return false;
    return inter / union > iouTh;
  };
  const picked: number[] = [];
  for (let b = 0; b < batches; b++) {
    for (let c = 0; c < classes; c++) {
      if (maxOut <= 0) continue;
      const base = (b * classes + c) * n;
      const cand: number[] = [];
      for (let i = 0; i < n; i++) if (scoreTh === undefined || scores[base + i]! > scoreTh) cand.push(i);
      cand.sort((i, j) => scores[base + j]! - scores[base + i]! || i - j);
      const kept: [number, number, number, number][] = [];
      for (const i of cand) {
        if (kept.length >= maxOut) break;
        const box = corners(b, i);
        if (kept.some((k) => suppress(k, box))) continue;
        kept.push(box);
        picked.push(b, c, i);
      }
    }
  }
  const out = ctx.output(0, [picked.length / 3, 3], 'int64');
  picked.forEach((v, i) => ((out.data as BigInt64Array)[i] = BigInt(v)));
}

function unique(ctx: KernelContext): void {
  const x = ctx.input(0);
  const sorted = ctx.attrs.int('sorted', 1) !== 0;
  const hasAxis = ctx.attrs.has('axis');
  const axis = hasAxis ? normAxis(ctx, ctx.attrs.int('axis'), x.dims.length) : 0;
  const dims = hasAxis ? x.dims : [x.size];
  const len = dims[axis]!;
  const outer = sizeOf(dims.slice(0, axis));
  const inner = sizeOf(dims.slice(axis + 1));
  const xi = el(x);
  const slices: unknown[][] = [];
  for (let j = 0; j < len; j++) {
    const s: unknown[] = [];
    for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) s.push(xi[(o * len + j) * inner + k]);
    slices.push(s);
  }
  const cmp = (a: unknown[], b: unknown[]): number => {
    for (let i = 0; i < a.length; i++) {
      const p = a[i] as number;
      const q = b[i] as number;
      if (p < q) return -1;
      if (p > q) return 1;
    }
    return 0;
  };
  const keyOf = (s: unknown[]): string => s.map(String).join('\u0000');
  const firstOf = new Map<string, number>();
  const counts: number[] = [];
  const order: number[] = [];
  const inverseKey: number[] = [];
  slices.forEach((s, j) => {
    const key = keyOf(s);
    let u = firstOf.get(key);
    if (u === undefined) {
      u = order.length;
      firstOf.set(key, u);
      order.push(j);
      counts.push(0);
    }
    counts[u]!++;
    inverseKey.push(u);
  });
  let rank = order.map((_, u) => u);
  if (sorted) rank = rank.sort((a, b) => cmp(slices[order[a]!]!, slices[order[b]!]!));
  const pos = new Array<number>(rank.length);
  rank.forEach((u, p) => (pos[u] = p));
  const m = rank.length;
  const ydims = [...dims];
  ydims[axis] = m;
  const y = ctx.output(0, ydims, x.type);
  const yi = el(y);
  rank.forEach((u, p) => {
    const s = slices[order[u]!]!;
    let t = 0;
    for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) yi[(o * m + p) * inner + k] = s[t++];
  });
  const ints = (i: number, vals: number[]): void => {
    if (!ctx.hasOutput(i)) return;
    const t = ctx.output(i, [vals.length], 'int64');
    vals.forEach((v, j) => ((t.data as BigInt64Array)[j] = BigInt(v)));
  };
  ints(1, rank.map((u) => order[u]!));
  ints(2, inverseKey.map((u) => pos[u]!));
  ints(3, rank.map((u) => counts[u]!));
}

function col2im(ctx: KernelContext): void {
  const x = ctx.input(0);
  const image = intsOf(ctx.input(1));
  const block = intsOf(ctx.input(2));
  const nd = image.length;
  const dil = ctx.attrs.intsOpt('dilations') ?? new Array<number>(nd).fill(1);
  const pads = ctx.attrs.intsOpt('pads') ?? new Array<number>(2 * nd).fill(0);
  const strides = ctx.attrs.intsOpt('strides') ?? new Array<number>(nd).fill(1);
  const [batch, cb, l] = [x.dims[0]!, x.dims[1]!, x.dims[2]!];
  const kSize = sizeOf(block);
  const channels = cb / kSize;
  const blocksPer = image.map((d, i) => Math.floor((d + pads[i]! + pads[i + nd]! - dil[i]! * (block[i]! - 1) - 1) / strides[i]!) + 1);
  if (sizeOf(blocksPer) !== l) throw ctx.error(`input has ${l} blocks, the image and block shapes give ${sizeOf(blocksPer)}`);
  const out = ctx.output(0, [batch, channels, ...image], x.type);
  const src = numbersOf(x);
  const imgSize = sizeOf(image);
  const acc = scratchFor(x.type, out.size);
  const ks = stridesOf(block);
  const ls = stridesOf(blocksPer);
  const is = stridesOf(image);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      for (let k = 0; k < kSize; k++) {
        for (let p = 0; p < l; p++) {
          let at = 0;
          let inside = true;
          for (let d = 0; d < nd; d++) {
            const kd = Math.floor(k / ks[d]!) % block[d]!;
            const pd = Math.floor(p / ls[d]!) % blocksPer[d]!;
            const pos = pd * strides[d]! - pads[d]! + kd * dil[d]!;
            if (pos < 0 || pos >= image[d]!) {
              inside = false;
              break;
            }
            at += pos * is[d]!;
          }
          if (inside) acc[(b * channels + c) * imgSize + at]! += src[((b * cb) + c * kSize + k) * l + p]!;
        }
      }
    }
  }
  storeNumbers(acc, out);
}

function maxUnpool(ctx: KernelContext): void {
  const x = ctx.input(0);
  const idx = intsOf(ctx.input(1));
  const shapeT = ctx.optionalInput(2);
  const kernel = ctx.attrs.ints('kernel_shape');
  const nd = kernel.length;
  const pads = ctx.attrs.intsOpt('pads') ?? new Array<number>(2 * nd).fill(0);
  const strides = ctx.attrs.intsOpt('strides') ?? new Array<number>(nd).fill(1);
  const inferred = [x.dims[0]!, x.dims[1]!, ...kernel.map((k, i) => (x.dims[i + 2]! - 1) * strides[i]! - pads[i]! - pads[i + nd]! + k)];
  // Indices address the inferred shape; a given output_shape holds that block at its origin.
  const dims = shapeT ? intsOf(shapeT) : inferred;
  const out = ctx.output(0, dims, x.type);
  const is = stridesOf(inferred);
  const os = stridesOf(dims);
  const xi = el(x);
  const oi = el(out);
  const total = sizeOf(inferred);
  for (let i = 0; i < x.size; i++) {
    const j = idx[i]!;
    if (j < 0 || j >= total) throw ctx.error(`index ${j} is outside the unpooled shape of ${total} elements`);
    let rem = j;
    let at = 0;
    let inside = true;
    for (let d = 0; d < inferred.length; d++) {
      const c = Math.floor(rem / is[d]!);
      rem -= c * is[d]!;
      if (c >= dims[d]!) inside = false;
      at += c * os[d]!;
    }
    if (inside) oi[at] = xi[i];
  }
}

export const selectKernels: KernelTable = {
  NonMaxSuppression: nonMaxSuppression,
  Unique: unique,
  Col2Im: col2im,
  MaxUnpool: maxUnpool,
};
