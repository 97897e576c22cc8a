/**
 * MaxPool (with its Indices output, storage_order 0 or 1), AveragePool (count_include_pad) and LpPool over
 * NCHW tensors of any spatial rank, with pads, strides, dilations, auto_pad and ceil_mode. Windows are read
 * through the tap table shared with Conv.
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { numbersOf, scratchFor, storeNumbers } from '../../numeric.js';
import { product, windowOf, type Window } from '../conv/geometry.js';
import { increment, tapTable } from '../conv/taps.js';

type Kind = 'max' | 'average' | 'lp';

function pool(kind: Kind) {
  return (ctx: KernelContext): void => {
    const X = ctx.input(0);
    if (X.dims.length < 3) throw ctx.error(`${ctx.opType} needs an input of rank >= 3`);
    if (X.type === 'string' || X.type === 'bool' || X.type === 'int64' || X.type === 'uint64') throw ctx.error(`${ctx.opType} of ${X.type} is not supported`);
    const inDims = X.dims.slice(2);
    const kernel = ctx.attrs.ints('kernel_shape');
    const win = windowOf(ctx, inDims, kernel, ctx.attrs.int('ceil_mode', 0) !== 0);
    const planes = X.dims[0]! * X.dims[1]!;
    const inSize = product(inDims);
    const outSize = product(win.outDims);
    const K = product(kernel);
    const taps = tapTable(win.outDims, kernel, win.strides, win.dilations, win.pads, inDims);
    const x = numbersOf(X);
    const y = scratchFor(X.type, planes * outSize);
    const outDims = [X.dims[0]!, X.dims[1]!, ...win.outDims];
    if (kind === 'max') {
      const wantIdx = ctx.hasOutput(1);
      const idx = wantIdx ? new BigInt64Array(planes * outSize) : undefined;
      const toIndex = indexMap(ctx, inDims);
      for (let pl = 0; pl < planes; pl++) {
        const xo = pl * inSize;
        const yo = pl * outSize;
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
      storeNumbers(y, ctx.output(0, outDims, X.type));
      if (idx) (ctx.output(1, outDims, 'int64').data as BigInt64Array).set(idx);
      return;
    }
    const p = kind === 'lp' ? ctx.attrs.float('p', 2) : 1;
    const counts = kind === 'average' && ctx.attrs.int('count_include_pad', 0) !== 0 ? paddedCounts(win) : undefined;
    for (let pl = 0; pl < planes; pl++) {
      const xo = pl * inSize;
      const yo = pl * outSize;
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
    storeNumbers(y, ctx.output(0, outDims, X.type));
  };
}

/** Spatial row-major index -> the Indices output's form (storage_order 1 counts column-major). */
function indexMap(ctx: KernelContext, inDims: number[]): (i: number) => number {
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

export const poolKernels: KernelTable = { MaxPool: pool('max'), AveragePool: pool('average'), LpPool: pool('lp') };
