/** AffineGrid and GridSample (1-3 spatial dims; nearest/linear/cubic; zeros/border/reflection), as the ONNX reference. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { intsOf, numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

/** Normalized base coordinates along an axis of `len` points. */
function baseCoords(len: number, align: boolean): number[] {
  return Array.from({ length: len }, (_, i) => (align ? (len === 1 ? 0 : -1 + (2 * i) / (len - 1)) : (2 * i + 1) / len - 1));
}

function affineGrid(ctx: KernelContext): void {
  const theta = ctx.input(0);
  const size = intsOf(ctx.input(1));
  const align = ctx.attrs.int('align_corners', 0) !== 0;
  const spatial = size.slice(2);
  const r = spatial.length;
  if (r !== 2 && r !== 3) throw ctx.error('AffineGrid supports 2-D and 3-D sizes');
  const n = size[0]!;
  const th = numbersOf(theta);
  const axes = spatial.map((d) => baseCoords(d, align));
  const points = spatial.reduce((a, b) => a * b, 1);
  const ys = scratchFor(theta.type, n * points * r);
  const rowLen = r + 1;
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < points; p++) {
      // Index in [D,] H, W order; the homogeneous point is (x, y[, z], 1) with x along W.
      const idx: number[] = [];
      let rem = p;
      for (let d = r - 1; d >= 0; d--) {
        idx[d] = rem % spatial[d]!;
        rem = Math.floor(rem / spatial[d]!);
      }
      const pt = idx.map((v, d) => axes[d]![v]!).reverse();
      pt.push(1);
      for (let o = 0; o < r; o++) {
        let s = 0;
        for (let k = 0; k < rowLen; k++) s += th[(b * r + o) * rowLen + k]! * pt[k]!;
        ys[(b * points + p) * r + o] = s;
      }
    }
  }
  storeNumbers(ys, ctx.output(0, [n, ...spatial, r], theta.type));
}

function reflect(x: number, lo: number, hi: number): number {
  const rng = hi - lo;
  if (x < lo) {
    const dx = lo - x;
    const k = Math.trunc(dx / rng);
    const rem = dx - k * rng;
    return k % 2 === 0 ? lo + rem : hi - rem;
  }
  if (x > hi) {
    const dx = x - hi;
    const k = Math.trunc(dx / rng);
    const rem = dx - k * rng;
    return k % 2 === 0 ? hi - rem : lo + rem;
  }
  return x;
}

function cubicCoeffs(t: number): number[] {
  const a = -0.75;
  const x = Math.abs(t);
  return [
    ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a,
    ((a + 2) * x - (a + 3)) * x * x + 1,
    ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1,
    ((a * (2 - x) - 5 * a) * (2 - x) + 8 * a) * (2 - x) - 4 * a,
  ];
}

/** Round half to even, as numpy's rint. */
function rint(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function gridSample(ctx: KernelContext): void {
  const x = ctx.input(0);
  const grid = ctx.input(1);
  let mode = ctx.attrs.string('mode', ctx.opset >= 20 ? 'linear' : 'bilinear');
  if (mode === 'bilinear') mode = 'linear';
  if (mode === 'bicubic') mode = 'cubic';
  const pad = ctx.attrs.string('padding_mode', 'zeros');
  const align = ctx.attrs.int('align_corners', 0) !== 0;
  const dims = x.dims.slice(2);
  const r = dims.length;
  const [n = 1, c = 1] = x.dims;
  const outSpatial = grid.dims.slice(1, -1);
  const points = outSpatial.reduce((a, b) => a * b, 1);
  const lo = dims.map(() => (align ? 0 : -0.5));
  const hi = dims.map((d) => (align ? d - 1 : d - 0.5));
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const plane = dims.reduce((a, b) => a * b, 1);
  const xs = numbersOf(x);
  const gs = numbersOf(grid);
  const ys = scratchFor(x.type, n * c * points);
  /** The index along dim `d` after padding, or -1 for a zero pixel. */
  const fetchIndex = (i: number, d: number): number => {
    const len = dims[d]!;
    if (pad === 'zeros') return i >= 0 && i < len ? i : -1;
    if (pad === 'border') return Math.min(Math.max(i, 0), len - 1);
    return Math.trunc(reflect(i, lo[d]!, hi[d]!));
  };
  const taps = mode === 'cubic' ? 4 : mode === 'linear' ? 2 : 1;
  const idx = new Array<number[]>(r);
  const wts = new Array<number[]>(r);
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < points; p++) {
      for (let d = 0; d < r; d++) {
        // Grid's last axis is (x, y[, z]): reversed against the spatial dims.
        const g = gs[(b * points + p) * r + (r - 1 - d)]!;
        const len = dims[d]!;
        let v = align ? ((g + 1) / 2) * (len - 1) : ((g + 1) * len - 1) / 2;
        if (mode === 'nearest') v = rint(v);
        if (v < lo[d]! || v > hi[d]!) {
          if (pad === 'border') v = Math.min(Math.max(v, 0), len - 1);
          else if (pad === 'reflection') v = reflect(v, lo[d]!, hi[d]!);
        }
        if (mode === 'nearest') {
          idx[d] = [fetchIndex(Math.trunc(v), d)];
          wts[d] = [1];
        } else {
          const v0 = Math.floor(v);
          const t = v - v0;
          if (mode === 'linear') {
            idx[d] = [fetchIndex(v0, d), fetchIndex(v0 + 1, d)];
            wts[d] = [1 - t, t];
          } else {
            idx[d] = [v0 - 1, v0, v0 + 1, v0 + 2].map((i) => fetchIndex(i, d));
            wts[d] = cubicCoeffs(t);
          }
        }
      }
      const combos = taps ** r;
      for (let ch = 0; ch < c; ch++) {
        const base = (b * c + ch) * plane;
        let acc = 0;
        for (let k = 0; k < combos; k++) {
          let rem = k;
          let off = 0;
          let w = 1;
          for (let d = r - 1; d >= 0; d--) {
            const t = rem % taps;
            rem = Math.floor(rem / taps);
            const i = idx[d]![t]!;
            if (i < 0) {
              w = 0;
              break;
            }
            off += i * strides[d]!;
            w *= wts[d]![t]!;
          }
          if (w !== 0) acc += w * xs[base + off]!;
        }
        ys[(b * c + ch) * points + p] = acc;
      }
    }
  }
  storeNumbers(ys, ctx.output(0, [n, c, ...outSpatial], x.type));
}

export const gridKernels: KernelTable = {
  AffineGrid: affineGrid,
  GridSample: gridSample,
};
