/** Clip, BatchNormalization (inference), LayerNormalization, GlobalAveragePool, GlobalMaxPool. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { isBigType, sizeOf } from '../../../tensor.js';
import { numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

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
  const xs = numbersOf(x);
  const ys = scratchFor(x.type, x.size);
  for (let i = 0; i < x.size; i++) ys[i] = Math.min(Math.max(xs[i]!, lo), hi);
  storeNumbers(ys, out);
}

function batchNorm(ctx: KernelContext): void {
  if (ctx.attrs.int('training_mode', 0) !== 0) throw ctx.error('BatchNormalization training_mode is not supported yet');
  const x = ctx.input(0);
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => numbersOf(ctx.input(i)));
  const eps = ctx.attrs.float('epsilon', 1e-5);
  const c = x.dims[1] ?? 1;
  const inner = sizeOf(x.dims.slice(2));
  const xs = numbersOf(x);
  const ys = scratchFor(x.type, x.size);
  for (let i = 0; i < x.size; i++) {
    const ch = Math.floor(i / inner) % c;
    ys[i] = ((xs[i]! - mean![ch]!) / Math.sqrt(variance![ch]! + eps)) * scale![ch]! + bias![ch]!;
  }
  storeNumbers(ys, ctx.output(0, x.dims, x.type));
}

function layerNorm(ctx: KernelContext): void {
  const x = ctx.input(0);
  const r = x.dims.length;
  let axis = ctx.attrs.int('axis', -1);
  if (axis < 0) axis += r;
  const eps = ctx.attrs.float('epsilon', 1e-5);
  const outer = sizeOf(x.dims.slice(0, axis));
  const n = sizeOf(x.dims.slice(axis));
  const scaleT = ctx.input(1);
  const biasT = ctx.optionalInput(2);
  const scale = numbersOf(scaleT);
  const bias = biasT ? numbersOf(biasT) : undefined;
  const sn = scaleT.size;
  const bn = biasT?.size ?? 1;
  const xs = numbersOf(x);
  const ys = scratchFor(x.type, x.size);
  const statDims = x.dims.map((d, i) => (i < axis ? d : 1));
  const means = new Float64Array(outer);
  const inv = new Float64Array(outer);
  for (let o = 0; o < outer; o++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[o * n + i]!;
    const m = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (xs[o * n + i]! - m) ** 2;
    const is = 1 / Math.sqrt(v / n + eps);
    means[o] = m;
    inv[o] = is;
    for (let i = 0; i < n; i++) ys[o * n + i] = (xs[o * n + i]! - m) * is * scale[i % sn]! + (bias ? bias[i % bn]! : 0);
  }
  storeNumbers(ys, ctx.output(0, x.dims, x.type));
  const stashType = ctx.attrs.int('stash_type', 1) === 1 ? 'float32' : x.type;
  if (ctx.hasOutput(1)) storeNumbers(Float32Array.from(means), ctx.output(1, statDims, stashType));
  if (ctx.hasOutput(2)) storeNumbers(Float32Array.from(inv), ctx.output(2, statDims, stashType));
}

function globalPool(max: boolean) {
  return (ctx: KernelContext): void => {
    const x = ctx.input(0);
    const outer = (x.dims[0] ?? 1) * (x.dims[1] ?? 1);
    const inner = sizeOf(x.dims.slice(2));
    const xs = numbersOf(x);
    const ys = scratchFor(x.type, outer);
    for (let o = 0; o < outer; o++) {
      let acc = max ? -Infinity : 0;
      for (let i = 0; i < inner; i++) acc = max ? Math.max(acc, xs[o * inner + i]!) : acc + xs[o * inner + i]!;
      ys[o] = max ? acc : acc / inner;
    }
    storeNumbers(ys, ctx.output(0, x.dims.map((d, i) => (i < 2 ? d : 1)), x.type));
  };
}

export const normalizationKernels: KernelTable = {
  Clip: clip,
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  GlobalAveragePool: globalPool(false),
  GlobalMaxPool: globalPool(true),
};
