/**
 * MaxPool (with its Indices output, storage_order 0 or 1), AveragePool (count_include_pad) and LpPool over
 * NCHW tensors of any spatial rank, with pads, strides, dilations, auto_pad and ceil_mode.
 *
 * MaxPool and AveragePool over one or two spatial dims (the common case) walk each window directly: the
 * kernel taps that fall inside the input are a range per output row and a range per output column
 * (`spans`, memoised per shape), so the inner loops do no bounds checks. Other ranks, LpPool and MaxPool's
 * Indices read windows through the tap table shared with Conv (memoised per shape too).
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { isNumberStorage, numbersOf, scratchFor, storeNumbers } from '../../numeric.js';
import { memoDims } from '../../shape-memo.js';
import { product, windowOf, type Window } from '../conv/geometry.js';
import { increment, tapTable } from '../conv/taps.js';
import { lpPoolGlobalKernels } from './lp-pool-global.js';
import { maxRoiPoolKernels } from './max-roi-pool.js';

type Kind = 'max' | 'average' | 'lp';
type Out = { [i: number]: number };

function pool(kind: Kind) {
  return (ctx: KernelContext): void => {
    const X = ctx.input(0);
    if (X.dims.length < 3) throw ctx.error(`${ctx.opType} needs an input of rank >= 3`);
    if (X.type === 'string' || X.type === 'bool' || X.type === 'int64' || X.type === 'uint64') throw ctx.error(`${ctx.opType} of ${X.type} is not supported`);
    const wantIdx = kind === 'max' && ctx.hasOutput(1);
    const g = memoDims(ctx, 'pool', [X.dims], () => geometryOf(ctx, kind, X.dims, wantIdx));
    const { win } = g;
    const outDims = [X.dims[0]!, X.dims[1]!, ...win.outDims];
    const direct = isNumberStorage(X.type);
    const x = direct ? (X.data as ArrayLike<number>) : numbersOf(X);
    const Y = ctx.output(0, outDims, X.type);
    const y = direct ? (Y.data as Out) : scratchFor(X.type, Y.size);
    const planes = X.dims[0]! * X.dims[1]!;
    if (g.spans) {
      if (kind === 'max') maxPool2d(x, y, planes, g.spans);
      else averagePool2d(x, y, planes, g.spans, g.counts);
    } else if (kind === 'max') {
      const idx = wantIdx ? (ctx.output(1, outDims, 'int64').data as BigInt64Array) : undefined;
      maxPoolTaps(x, y, idx, planes, win, g.taps!, indexMap(ctx, win.inDims));
    } else sumPoolTaps(kind, x, y, planes, win, g.taps!, g.p, g.counts);
    if (!direct) storeNumbers(y as ArrayLike<number>, Y);
  };
}

/** What a pool derives from the input dims and attributes, made once per step and shape. */
interface Geometry {
  win: Window;
  /** For the direct walk (MaxPool without Indices and AveragePool over 1 or 2 spatial dims). */
  spans?: Spans;
  /** For the tap-table path otherwise. */
  taps?: Int32Array;
  /** AveragePool with count_include_pad: the divisor per output position. */
  counts?: Float64Array;
  /** LpPool's p. */
  p: number;
}

function geometryOf(ctx: KernelContext, kind: Kind, dims: readonly number[], wantIdx: boolean): Geometry {
  const win = windowOf(ctx, dims.slice(2), ctx.attrs.ints('kernel_shape'), ctx.attrs.int('ceil_mode', 0) !== 0);
  const direct = kind !== 'lp' && !wantIdx && win.inDims.length <= 2;
  const g: Geometry = { win, p: kind === 'lp' ? ctx.attrs.float('p', 2) : 1 };
  if (direct) g.spans = spansOf(win);
  else g.taps = tapTable(win.outDims, win.kernel, win.strides, win.dilations, win.pads, win.inDims);
  if (kind === 'average' && ctx.attrs.int('count_include_pad', 0) !== 0) g.counts = paddedCounts(win);
  return g;
}

/**
 * A window over [H, W] (one spatial dim is W with H = 1): per output row oh, the kernel rows that land
 * inside the input are i in [h0[oh], h1[oh]), at input row hb[oh] + i * dh; columns likewise.
 */
interface Spans {
  /**
   * For an undilated 2x2 window: per output column, 1 where both kernel columns are inside the input.
   * Windows inside the input on both axes (all of them without padding) take an unrolled path.
   */
  full: Uint8Array | undefined;
  H: number;
  W: number;
  OH: number;
  OW: number;
  dh: number;
  dw: number;
  h0: Int32Array;
  h1: Int32Array;
  hb: Int32Array;
  w0: Int32Array;
  w1: Int32Array;
  wb: Int32Array;
}

function span(n: number, out: number, k: number, stride: number, dil: number, pad: number): [Int32Array, Int32Array, Int32Array] {
  const k0 = new Int32Array(out);
  const k1 = new Int32Array(out);
  const base = new Int32Array(out);
  for (let o = 0; o < out; o++) {
    const b = o * stride - pad;
    let lo = 0;
    while (lo < k && b + lo * dil < 0) lo++;
    let hi = k;
    while (hi > lo && b + (hi - 1) * dil >= n) hi--;
    k0[o] = lo;
    k1[o] = hi;
    base[o] = b;
  }
  return [k0, k1, base];
}

function spansOf(win: Window): Spans {
  const two = win.inDims.length === 2;
  const d = (a: readonly number[], dflt: number): [number, number] => (two ? [a[0]!, a[1]!] : [dflt, a[0]!]);
  const [H, W] = d(win.inDims, 1);
  const [OH, OW] = d(win.outDims, 1);
  const [kh, kw] = d(win.kernel, 1);
  const [sh, sw] = d(win.strides, 1);
  const [dh, dw] = d(win.dilations, 1);
  const [ph, pw] = two ? [win.pads[0]!, win.pads[1]!] : [0, win.pads[0]!];
  const [h0, h1, hb] = span(H, OH, kh, sh, dh, ph);
  const [w0, w1, wb] = span(W, OW, kw, sw, dw, pw);
  const full = kh === 2 && kw === 2 && dh === 1 && dw === 1 ? Uint8Array.from(w0, (j0, ow) => Number(w1[ow]! - j0 === 2)) : undefined;
  return { full, H, W, OH, OW, dh, dw, h0, h1, hb, w0, w1, wb };
}

function maxPool2d(x: ArrayLike<number>, y: Out, planes: number, s: Spans): void {
  const { H, W, OH, OW, dh, dw, h0, h1, hb, w0, w1, wb, full } = s;
  const rs = dh * W;
  for (let pl = 0, xo = 0, yo = 0; pl < planes; pl++, xo += H * W) {
    for (let oh = 0; oh < OH; oh++) {
      // Flat offsets of the first and past-the-last valid kernel rows; columns likewise, within a row.
      const r0 = xo + (hb[oh]! + h0[oh]! * dh) * W;
      const r1 = xo + (hb[oh]! + h1[oh]! * dh) * W;
      const rowFull = full !== undefined && h1[oh]! - h0[oh]! === 2;
      for (let ow = 0; ow < OW; ow++, yo++) {
        const c0 = wb[ow]! + w0[ow]! * dw;
        // The first tap seeds the maximum, so a NaN there stays (as with the tap-table path).
        if (rowFull && full![ow] === 1) {
          const at = r0 + c0;
          let best = x[at]!;
          const b = x[at + 1]!;
          const c = x[at + W]!;
          const d = x[at + W + 1]!;
          if (b > best) best = b;
          if (c > best) best = c;
          if (d > best) best = d;
          y[yo] = best;
          continue;
        }
        const c1 = wb[ow]! + w1[ow]! * dw;
        let best = c0 < c1 && r0 < r1 ? x[r0 + c0]! : -Infinity;
        for (let r = r0; r < r1; r += rs) {
          for (let c = r + c0, e = r + c1; c < e; c += dw) {
            const v = x[c]!;
            if (v > best) best = v;
          }
        }
        y[yo] = best;
      }
    }
  }
}

function averagePool2d(x: ArrayLike<number>, y: Out, planes: number, s: Spans, counts: Float64Array | undefined): void {
  const { H, W, OH, OW, dh, dw, h0, h1, hb, w0, w1, wb, full } = s;
  const rs = dh * W;
  for (let pl = 0, xo = 0, yo = 0; pl < planes; pl++, xo += H * W) {
    for (let oh = 0, q = 0; oh < OH; oh++) {
      const r0 = xo + (hb[oh]! + h0[oh]! * dh) * W;
      const r1 = xo + (hb[oh]! + h1[oh]! * dh) * W;
      const rows = h1[oh]! - h0[oh]!;
      const rowFull = full !== undefined && rows === 2;
      for (let ow = 0; ow < OW; ow++, yo++, q++) {
        const c0 = wb[ow]! + w0[ow]! * dw;
        if (rowFull && full![ow] === 1) {
          // Summed in the loops' order: row by row, left to right.
          const at = r0 + c0;
          y[yo] = (x[at]! + x[at + 1]! + x[at + W]! + x[at + W + 1]!) / (counts ? counts[q]! : 4);
          continue;
        }
        const c1 = wb[ow]! + w1[ow]! * dw;
        let sum = 0;
        for (let r = r0; r < r1; r += rs) for (let c = r + c0, e = r + c1; c < e; c += dw) sum += x[c]!;
        y[yo] = sum / (counts ? counts[q]! : rows * (w1[ow]! - w0[ow]!));
      }
    }
  }
}

/** A tap table's sizes (conv/taps.ts's tapTable): input and output elements per plane, taps per output. */
function tapSizes(win: Window): [inSize: number, outSize: number, K: number] {
  return [product(win.inDims), product(win.outDims), product(win.kernel)];
}

function maxPoolTaps(x: ArrayLike<number>, y: Out, idx: BigInt64Array | undefined, planes: number, win: Window, taps: Int32Array, toIndex: (i: number) => number): void {
  const [inSize, outSize, K] = tapSizes(win);
  for (let pl = 0, xo = 0, yo = 0; pl < planes; pl++, xo += inSize, yo += outSize) {
    for (let p = 0; p < outSize; p++) {
      let best = -Infinity;
      let at = -1;
      for (let kp = 0; kp < K; kp++) {
        const i = taps[kp * outSize + p]!;
        if (i >= 0 && (at < 0 || x[xo + i]! > best)) {
          best = x[xo + i]!;
          at = i;
        }
      }
      y[yo + p] = best;
      if (idx) idx[yo + p] = BigInt(xo + toIndex(Math.max(at, 0)));
    }
  }
}

function sumPoolTaps(kind: Kind, x: ArrayLike<number>, y: Out, planes: number, win: Window, taps: Int32Array, p: number, counts: Float64Array | undefined): void {
  const [inSize, outSize, K] = tapSizes(win);
  for (let pl = 0, xo = 0, yo = 0; pl < planes; pl++, xo += inSize, yo += outSize) {
    for (let q = 0; q < outSize; q++) {
      let s = 0;
      let n = 0;
      for (let kp = 0; kp < K; kp++) {
        const i = taps[kp * outSize + q]!;
        if (i < 0) continue;
        const v = x[xo + i]!;
        s += kind === 'lp' ? Math.abs(v) ** p : v;
        n++;
      }
      y[yo + q] = kind === 'lp' ? s ** (1 / p) : s / (counts ? counts[q]! : n);
    }
  }
}

/** Spatial row-major index -> the Indices output's form (storage_order 1 counts column-major). */
function indexMap(ctx: KernelContext, inDims: readonly number[]): (i: number) => number {
  if (ctx.attrs.int('storage_order', 0) === 0) return (i) => i;
  return (i) => {
    let out = 0;
    let colStride = 1;
    const coords: number[] = [];
    for (let d = inDims.length - 1; d >= 0; d--) {
      coords[d] = i % inDims[d]!;
      i = Math.floor(i / inDims[d]!);
    }
    for (let d = 0; d < inDims.length; d++) {
      out += coords[d]! * colStride;
      colStride *= inDims[d]!;
    }
    return out;
  };
}

/** Per output position: how many window taps fall inside the input or its explicit pads. */
function paddedCounts(win: Window): Float64Array {
  const r = win.inDims.length;
  const perDim = win.outDims.map((od, d) => {
    const c = new Float64Array(od);
    for (let o = 0; o < od; o++)
      for (let k = 0; k < win.kernel[d]!; k++) {
        const v = o * win.strides[d]! - win.pads[d]! + k * win.dilations[d]!;
        if (v >= -win.pads[d]! && v < win.inDims[d]! + win.pads[d + r]!) c[o]!++;
      }
    return c;
  });
  const total = product(win.outDims);
  const out = new Float64Array(total);
  const oc = new Array<number>(r).fill(0);
  for (let q = 0; q < total; q++) {
    let n = 1;
    for (let d = 0; d < r; d++) n *= perDim[d]![oc[d]!]!;
    out[q] = n;
    increment(oc, win.outDims);
  }
  return out;
}

export const poolKernels: KernelTable = { MaxPool: pool('max'), AveragePool: pool('average'), LpPool: pool('lp'), ...lpPoolGlobalKernels, ...maxRoiPoolKernels };
