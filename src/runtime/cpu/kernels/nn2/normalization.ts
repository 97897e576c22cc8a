/** GroupNormalization, RMSNormalization, LpNormalization, MeanVarianceNormalization, LRN. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { sizeOf } from '../../../tensor.js';
import { numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

function groupNorm(ctx: KernelContext): void {
  const x = ctx.input(0);
  const scale = numbersOf(ctx.input(1));
  const bias = numbersOf(ctx.input(2));
  const groups = ctx.attrs.int('num_groups');
  const eps = ctx.attrs.float('epsilon', 1e-5);
  const n = x.dims[0] ?? 1;
  const c = x.dims[1] ?? 1;
  const inner = sizeOf(x.dims.slice(2));
  if (c % groups !== 0) throw ctx.error(`channels ${c} are not divisible by num_groups ${groups}`);
  const perGroup = c / groups;
  // Opset 18 takes one scale/bias per group; opset 21 one per channel.
  const perChannel = scale.length === c && !(ctx.opset < 21 && scale.length === groups && groups !== c);
  const xs = numbersOf(x);
  const ys = scratchFor(x.type, x.size);
  const len = perGroup * inner;
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const base = (b * c + g * perGroup) * inner;
      let s = 0;
      for (let i = 0; i < len; i++) s += xs[base + i]!;
      const m = s / len;
      let v = 0;
      for (let i = 0; i < len; i++) v += (xs[base + i]! - m) ** 2;
      const inv = 1 / Math.sqrt(v / len + eps);
      for (let i = 0; i < len; i++) {
        const k = perChannel ? g * perGroup + Math.floor(i / inner) : g;
        ys[base + i] = (xs[base + i]! - m) * inv * scale[k]! + bias[k]!;
      }
    }
  }
  storeNumbers(ys, ctx.output(0, x.dims, x.type));
}

function rmsNorm(ctx: KernelContext): void {
  const x = ctx.input(0);
  const r = x.dims.length;
  let axis = ctx.attrs.int('axis', -1);
  if (axis < 0) axis += r;
  const eps = ctx.attrs.float('epsilon', 1e-5);
  const outer = sizeOf(x.dims.slice(0, axis));
  const n = sizeOf(x.dims.slice(axis));
  const scale = numbersOf(ctx.input(1));
  const sn = scale.length;
  const xs = numbersOf(x);
  const ys = scratchFor(x.type, x.size);
  for (let o = 0; o < outer; o++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[o * n + i]! ** 2;
    const inv = 1 / Math.sqrt(s / n + eps);
    for (let i = 0; i < n; i++) ys[o * n + i] = xs[o * n + i]! * inv * scale[i % sn]!;
  }
  storeNumbers(ys, ctx.output(0, x.dims, x.type));
}

function lpNorm(ctx: KernelContext): void {
  const x = ctx.input(0);
  const r = x.dims.length;
  let axis = ctx.attrs.int('axis', -1);
  if (axis < 0) axis += r;
  const p = ctx.attrs.int('p', 2);
  if (p !== 1 && p !== 2) throw ctx.error(`p must be 1 or 2, got ${p}`);
  const len = x.dims[axis] ?? 1;
  const inner = sizeOf(x.dims.slice(axis + 1));
  const outer = sizeOf(x.dims.slice(0, axis));
  const xs = numbersOf(x);
  const ys = scratchFor(x.type, x.size);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * len * inner + j;
      let s = 0;
      for (let k = 0; k < len; k++) {
        const v = xs[base + k * inner]!;
        s += p === 1 ? Math.abs(v) : v * v;
      }
      const norm = p === 1 ? s : Math.sqrt(s);
      for (let k = 0; k < len; k++) ys[base + k * inner] = norm === 0 ? 0 : xs[base + k * inner]! / norm;
    }
  }
  storeNumbers(ys, ctx.output(0, x.dims, x.type));
}

/** (X - E[X]) / (sqrt(E[X^2] - E[X]^2) + 1e-9) over `axes`, as the ONNX function body. */
function mvn(ctx: KernelContext): void {
  const x = ctx.input(0);
  const r = x.dims.length;
  const axes = new Set(ctx.attrs.ints('axes', [0, 2, 3]).map((a) => (a < 0 ? a + r : a)));
  const strides = x.dims.map((_, i) => sizeOf(x.dims.slice(i + 1)));
  // Map each element to its statistics slot (the index over the kept axes).
  const keptDims = x.dims.map((d, i) => (axes.has(i) ? 1 : d));
  const keptStrides = keptDims.map((_, i) => sizeOf(keptDims.slice(i + 1)));
  const slots = sizeOf(keptDims);
  const count = x.size / Math.max(slots, 1);
  const slotOf = new Int32Array(x.size);
  for (let i = 0; i < x.size; i++) {
    let s = 0;
    for (let d = 0; d < r; d++) if (!axes.has(d)) s += (Math.floor(i / strides[d]!) % x.dims[d]!) * keptStrides[d]!;
    slotOf[i] = s;
  }
  const xs = numbersOf(x);
  const sum = new Float64Array(slots);
  const sq = new Float64Array(slots);
  for (let i = 0; i < x.size; i++) {
    const k = slotOf[i]!;
    sum[k] = sum[k]! + xs[i]!;
    sq[k] = sq[k]! + xs[i]! ** 2;
  }
  const ys = scratchFor(x.type, x.size);
  for (let i = 0; i < x.size; i++) {
    const m = sum[slotOf[i]!]! / count;
    const v = sq[slotOf[i]!]! / count - m * m;
    ys[i] = (xs[i]! - m) / (Math.sqrt(Math.max(v, 0)) + 1e-9);
  }
  storeNumbers(ys, ctx.output(0, x.dims, x.type));
}

function lrn(ctx: KernelContext): void {
  const x = ctx.input(0);
  const size = ctx.attrs.int('size');
  const alpha = ctx.attrs.float('alpha', 1e-4);
  const beta = ctx.attrs.float('beta', 0.75);
  const bias = ctx.attrs.float('bias', 1);
  const n = x.dims[0] ?? 1;
  const c = x.dims[1] ?? 1;
  const inner = sizeOf(x.dims.slice(2));
  const lo = Math.floor((size - 1) / 2);
  const hi = Math.ceil((size - 1) / 2);
  const xs = numbersOf(x);
  const ys = scratchFor(x.type, x.size);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const from = Math.max(0, ch - lo);
      const to = Math.min(c - 1, ch + hi);
      for (let i = 0; i < inner; i++) {
        let s = 0;
        for (let k = from; k <= to; k++) s += xs[(b * c + k) * inner + i]! ** 2;
        const at = (b * c + ch) * inner + i;
        ys[at] = xs[at]! / (bias + (alpha / size) * s) ** beta;
      }
    }
  }
  storeNumbers(ys, ctx.output(0, x.dims, x.type));
}

export const normalization2Kernels: KernelTable = {
  GroupNormalization: groupNorm,
  RMSNormalization: rmsNorm,
  LpNormalization: lpNorm,
  MeanVarianceNormalization: mvn,
  LRN: lrn,
};
