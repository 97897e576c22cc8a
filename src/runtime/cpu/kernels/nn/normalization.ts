/** Clip, BatchNormalization (batch-norm.ts), LayerNormalization, GlobalAveragePool, GlobalMaxPool. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { isBigType } from '../../../tensor.js';
import { isNumberStorage, numbersOf, scratchFor, storeNumbers } from '../../numeric.js';
import { batchNorm } from './batch-norm.js';
import { reducePlanes } from '../pool/global-planes.js';

type Out = { [i: number]: number };

function clip(ctx: KernelContext): void {
  const x = ctx.input(0);
  let lo = -Infinity;
  let hi = Infinity;
  if (ctx.opset < 11) {
    lo = ctx.attrs.float('min', -Infinity);
    hi = ctx.attrs.float('max', Infinity);
  } else {
    const a = ctx.optionalInput(1);
    const b = ctx.optionalInput(2);
    if (a) lo = numbersOf(a)[0]!;
    if (b) hi = numbersOf(b)[0]!;
  }
  const out = ctx.output(0, x.dims, x.type);
  if (isBigType(x.type)) {
    const xs = x.data as BigInt64Array;
    const ys = out.data as BigInt64Array;
    const l = ctx.optionalInput(1)?.data[0] as bigint | undefined;
    const h = ctx.optionalInput(2)?.data[0] as bigint | undefined;
    for (let i = 0; i < x.size; i++) {
      let v = xs[i]!;
      if (l !== undefined && v < l) v = l;
      if (h !== undefined && v > h) v = h;
      ys[i] = v;
    }
    return;
  }
  const direct = isNumberStorage(x.type);
  const xs = direct ? (x.data as ArrayLike<number>) : numbersOf(x);
  const ys = direct ? (out.data as Out) : scratchFor(x.type, x.size);
  // NaN stays NaN; with min > max every element becomes max (the spec's rule).
  for (let i = 0, n = x.size; i < n; i++) {
    const v = xs[i]!;
    const a = v < lo ? lo : v;
    ys[i] = a > hi ? hi : a;
  }
  if (!direct) storeNumbers(ys as ArrayLike<number>, out);
}

function layerNorm(ctx: KernelContext): void {
  const x = ctx.input(0);
  const r = x.dims.length;
  const a = ctx.memo('ln:attrs', () => ({ axis: ctx.attrs.int('axis', -1), eps: ctx.attrs.float('epsilon', 1e-5), stash: ctx.attrs.int('stash_type', 1) }));
  const axis = a.axis < 0 ? a.axis + r : a.axis;
  const eps = a.eps;
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= x.dims[i]!;
  const n = outer === 0 ? 0 : x.size / outer;
  const scaleT = ctx.input(1);
  const biasT = ctx.optionalInput(2);
  const scale = numbersOf(scaleT);
  const bias = biasT ? numbersOf(biasT) : undefined;
  const sn = scaleT.size;
  const bn = biasT?.size ?? 1;
  const wantStats = ctx.hasOutput(1) || ctx.hasOutput(2);
  const means = wantStats ? new Float64Array(outer) : undefined;
  const inv = wantStats ? new Float64Array(outer) : undefined;
  const direct = isNumberStorage(x.type);
  const xs = direct ? (x.data as ArrayLike<number>) : numbersOf(x);
  const y = ctx.output(0, x.dims, x.type);
  const ys = direct ? (y.data as Out) : scratchFor(x.type, x.size);
  const full = sn === n && (bias === undefined || bn === n);
  for (let o = 0, at = 0; o < outer; o++, at += n) {
    // Mean and variance in one pass over values shifted by the row's first (the shifted-data algorithm):
    // the shift lies within the row's range, so the subtraction below loses at most ~log2(n) bits of double.
    const k = n > 0 ? xs[at]! : 0;
    let s = 0;
    let q = 0;
    for (let i = 0; i < n; i++) {
      const d = xs[at + i]! - k;
      s += d;
      q += d * d;
    }
    const m = k + s / n;
    const is = 1 / Math.sqrt(Math.max(0, (q - (s * s) / n) / n) + eps);
    if (means && inv) (means[o] = m), (inv[o] = is);
    if (full && bias) for (let i = 0; i < n; i++) ys[at + i] = (xs[at + i]! - m) * is * scale[i]! + bias[i]!;
    else if (full) for (let i = 0; i < n; i++) ys[at + i] = (xs[at + i]! - m) * is * scale[i]!;
    else for (let i = 0; i < n; i++) ys[at + i] = (xs[at + i]! - m) * is * scale[i % sn]! + (bias ? bias[i % bn]! : 0);
  }
  if (!direct) storeNumbers(ys as ArrayLike<number>, y);
  if (!means || !inv) return;
  const statDims = x.dims.map((d, i) => (i < axis ? d : 1));
  const stashType = a.stash === 1 ? 'float32' : x.type;
  if (ctx.hasOutput(1)) storeNumbers(means, ctx.output(1, statDims, stashType));
  if (ctx.hasOutput(2)) storeNumbers(inv, ctx.output(2, statDims, stashType));
}

function maxOfPlane(xs: ArrayLike<number>, at: number, n: number): number {
  let acc = -Infinity;
  for (let i = at; i < at + n; i++) {
    const v = xs[i]!;
    if (v > acc || v !== v) acc = v;
    if (acc !== acc) break;
  }
  return acc;
}

function meanOfPlane(xs: ArrayLike<number>, at: number, n: number): number {
  let acc = 0;
  for (let i = at; i < at + n; i++) acc += xs[i]!;
  return acc / n;
}

function globalPool(max: boolean) {
  const reduce = max ? maxOfPlane : meanOfPlane;
  return (ctx: KernelContext): void => reducePlanes(ctx, ctx.input(0), reduce);
}

export const normalizationKernels: KernelTable = {
  Clip: clip,
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  GlobalAveragePool: globalPool(false),
  GlobalMaxPool: globalPool(true),
};
