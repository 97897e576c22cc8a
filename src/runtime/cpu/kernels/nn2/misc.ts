/** Dropout, EyeLike, Det. */
import type { DataType } from '../../../../ir/dtype.js';
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { sizeOf, tensorTypeOf, type NumericData } from '../../../tensor.js';
import { numbersOf, scratchFor, storeNumbers } from '../../numeric.js';
import { RandomState } from '../random/random-state.js';

/**
 * Inference (and ratio 0): identity plus an all-true mask. Training with a non-zero ratio keeps an element
 * when numpy's `RandomState(seed).uniform()` draw is >= ratio and scales it by 1 / (1 - ratio), as ONNX's
 * reference does; the scale and the product are rounded to the input's precision as numpy computes them.
 */
function dropout(ctx: KernelContext): void {
  const x = ctx.input(0);
  let training = false;
  let ratio = 0.5;
  if (ctx.opset >= 12) {
    const r = ctx.optionalInput(1);
    const t = ctx.optionalInput(2);
    if (r) ratio = numbersOf(r)[0]!;
    if (t) training = t.data[0] !== 0;
  } else {
    ratio = ctx.attrs.float('ratio', 0.5);
    if (ctx.opset < 7) training = ctx.attrs.int('is_test', 0) === 0 && ctx.attrs.has('is_test');
  }
  const y = ctx.output(0, x.dims, x.type);
  const mask = ctx.hasOutput(1) ? ctx.output(1, x.dims, ctx.opset >= 10 ? 'bool' : x.type) : undefined;
  if (!training || ratio === 0) {
    (y.data as NumericData as Float32Array).set(x.data as NumericData as Float32Array);
    if (mask) storeNumbers(new Float64Array(x.size).fill(1), mask);
    return;
  }
  if (!(ratio > 0 && ratio < 1)) throw ctx.error(`Dropout ratio must be in [0, 1), got ${ratio}`);
  const round = x.type === 'float64' ? (v: number) => v : Math.fround;
  const scale = round(1 / round(1 - ratio));
  const rs = RandomState.fromSeed(ctx.attrs.has('seed') ? ctx.attrs.float('seed') : undefined);
  const xs = numbersOf(x);
  const ys = new Float64Array(x.size);
  const keep = new Float64Array(x.size);
  for (let i = 0; i < xs.length; i++) {
    if (rs.nextDouble() < ratio) continue;
    keep[i] = 1;
    ys[i] = round(xs[i]! * scale);
  }
  storeNumbers(ys, y);
  if (mask) storeNumbers(keep, mask);
}

function eyeLike(ctx: KernelContext): void {
  const x = ctx.input(0);
  const k = ctx.attrs.int('k', 0);
  const type = ctx.attrs.has('dtype') ? tensorTypeOf(ctx.attrs.int('dtype') as DataType) : x.type;
  if (type === undefined || type === 'string') throw ctx.error('EyeLike: unsupported dtype');
  const [rows = 1, cols = 1] = x.dims;
  const vals = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const j = i + k;
    if (j >= 0 && j < cols) vals[i * cols + j] = 1;
  }
  storeNumbers(vals, ctx.output(0, x.dims, type));
}

/** Determinant by LU decomposition with partial pivoting, per trailing M x M matrix. */
function det(ctx: KernelContext): void {
  const x = ctx.input(0);
  const r = x.dims.length;
  const m = x.dims[r - 1] ?? 1;
  if (x.dims[r - 2] !== m) throw ctx.error('Det needs square matrices');
  const outDims = x.dims.slice(0, -2);
  const count = sizeOf(outDims);
  const xs = numbersOf(x);
  const ys = scratchFor(x.type, count);
  const a = new Float64Array(m * m);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < m * m; i++) a[i] = xs[b * m * m + i]!;
    let d = 1;
    for (let col = 0; col < m; col++) {
      let piv = col;
      for (let i = col + 1; i < m; i++) if (Math.abs(a[i * m + col]!) > Math.abs(a[piv * m + col]!)) piv = i;
      if (a[piv * m + col] === 0) {
        d = 0;
        break;
      }
      if (piv !== col) {
        for (let j = 0; j < m; j++) {
          const t = a[col * m + j]!;
          a[col * m + j] = a[piv * m + j]!;
          a[piv * m + j] = t;
        }
        d = -d;
      }
      const p = a[col * m + col]!;
      d *= p;
      for (let i = col + 1; i < m; i++) {
        const f = a[i * m + col]! / p;
        for (let j = col; j < m; j++) a[i * m + j] = a[i * m + j]! - f * a[col * m + j]!;
      }
    }
    ys[b] = d;
  }
  storeNumbers(ys, ctx.output(0, outDims, x.type));
}

export const miscKernels: KernelTable = {
  Dropout: dropout,
  EyeLike: eyeLike,
  Det: det,
};
