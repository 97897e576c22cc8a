/**
 * Resize (opsets 10-19) and Upsample: per axis, every output index is a weighted sum over a few input
 * indices (nearest: one, linear: two, cubic: four, more when antialiased), computed once per axis and
 * applied one axis at a time.
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { sizeOf } from '../../../tensor.js';
import { numbersOf, scratchFor, storeNumbers } from '../../numeric.js';
import { normAxis } from '../tensor/shape-ops.js';

interface Taps {
  /** Per output index: input indices and weights; an empty list means the extrapolation value. */
  idx: number[][];
  w: number[][];
}

interface Params {
  mode: string;
  coord: string;
  nearest: string;
  cubicA: number;
  excludeOutside: boolean;
  antialias: boolean;
}

function toOriginal(p: Params, x: number, inLen: number, outInt: number, scale: number, roi: [number, number]): number {
  // As in the ONNX reference, the resized length is the unrounded `scale * inLen`.
  const outLen = scale * inLen;
  switch (p.coord) {
    case 'half_pixel':
      return (x + 0.5) / scale - 0.5;
    case 'half_pixel_symmetric': {
      const adj = outInt / outLen;
      return (inLen / 2) * (1 - adj) + (x + 0.5) / scale - 0.5;
    }
    case 'pytorch_half_pixel':
      return outLen > 1 ? (x + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return outLen === 1 ? 0 : (x * (inLen - 1)) / (outLen - 1);
    case 'asymmetric':
      return x / scale;
    case 'tf_half_pixel_for_nn':
      return (x + 0.5) / scale;
    case 'tf_crop_and_resize':
      return outLen > 1
        ? roi[0] * (inLen - 1) + (x * (roi[1] - roi[0]) * (inLen - 1)) / (outLen - 1)
        : 0.5 * (roi[0] + roi[1]) * (inLen - 1);
    default:
      throw new Error(`unknown coordinate_transformation_mode ${JSON.stringify(p.coord)}`);
  }
}

function roundNearest(mode: string, x: number): number {
  switch (mode) {
    case 'round_prefer_floor':
      return x === Math.floor(x) + 0.5 ? Math.floor(x) : Math.round(x);
    case 'round_prefer_ceil':
      return Math.round(x);
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    default:
      throw new Error(`unknown nearest_mode ${JSON.stringify(mode)}`);
  }
}

function cubicWeight(a: number, d: number): number {
  const t = Math.abs(d);
  if (t <= 1) return (a + 2) * t ** 3 - (a + 3) * t ** 2 + 1;
  if (t < 2) return a * t ** 3 - 5 * a * t ** 2 + 8 * a * t - 4 * a;
  return 0;
}

function axisTaps(p: Params, inLen: number, outLen: number, scale: number, roi: [number, number]): Taps {
  const taps: Taps = { idx: [], w: [] };
  const clamp = (i: number): number => Math.min(Math.max(i, 0), inLen - 1);
  for (let o = 0; o < outLen; o++) {
    // onnxruntime computes coordinates in float32.
    const x = Math.fround(toOriginal(p, o, inLen, outLen, scale, roi));
    if (p.coord === 'tf_crop_and_resize' && (x < 0 || x > inLen - 1)) {
      taps.idx.push([]);
      taps.w.push([]);
    } else if (p.antialias && p.mode !== 'nearest') {
      const t = antialiasTaps(p, x, inLen, scale);
      taps.idx.push(t.idx);
      taps.w.push(t.w);
    } else if (p.mode === 'nearest') {
      taps.idx.push([clamp(roundNearest(p.nearest, x))]);
      taps.w.push([1]);
    } else if (p.mode === 'linear') {
      const c = Math.min(Math.max(x, 0), inLen - 1);
      const i0 = Math.floor(c);
      const f = c - i0;
      taps.idx.push([i0, clamp(i0 + 1)]);
      taps.w.push([1 - f, f]);
    } else if (p.mode === 'cubic') {
      const i0 = Math.floor(x);
      const f = x - i0;
      const idx: number[] = [];
      const w: number[] = [];
      for (let k = -1; k <= 2; k++) {
        const i = i0 + k;
        const wt = cubicWeight(p.cubicA, k - f);
        if (p.excludeOutside && (i < 0 || i >= inLen)) continue;
        idx.push(clamp(i));
        w.push(wt);
      }
      const sum = w.reduce((s, v) => s + v, 0);
      taps.idx.push(idx);
      taps.w.push(p.excludeOutside && sum !== 0 ? w.map((v) => v / sum) : w);
    } else throw new Error(`unknown mode ${JSON.stringify(p.mode)}`);
  }
  return taps;
}

/**
 * Antialiased linear or cubic taps, as the ONNX reference computes them: when downsampling the filter is
 * stretched by 1/scale and normalized; the taps are the n input positions nearest to x over the input
 * padded by its edge values.
 */
function antialiasTaps(p: Params, x: number, inLen: number, scale: number): { idx: number[]; w: number[] } {
  const s = Math.min(scale, 1);
  const base = Math.floor(x);
  const ratio = x === base ? 1 : x - base;
  const w: number[] = [];
  if (p.mode === 'linear') {
    const start = Math.floor(-1 / s) + 1;
    for (let i = start; i < 2 - start; i++) w.push(Math.min(Math.max(1 - Math.abs((i - ratio) * s), 0), 1));
  } else {
    const start = Math.floor(-2 / s) + 1;
    for (let i = start; i < 2 - start; i++) w.push(cubicWeight(p.cubicA, s * (i - ratio)));
  }
  const n = w.length;
  const pad = Math.ceil(n / 2);
  const first = Math.min(Math.max(Math.ceil(x + pad - n / 2), 0), inLen + 2 * pad - n) - pad;
  const idx: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = first + k;
    if (p.excludeOutside && (i < 0 || i >= inLen)) w[k] = 0;
    idx.push(Math.min(Math.max(i, 0), inLen - 1));
  }
  const sum = w.reduce((a, b) => a + b, 0);
  return { idx, w: w.map((v) => v / sum) };
}

/** Output dims and per-axis scales from the scales or sizes input (with `axes` and the aspect-ratio policy). */
function outputGeometry(ctx: KernelContext, inDims: readonly number[], scalesIn: number[] | undefined, sizesIn: number[] | undefined): { dims: number[]; scales: number[] } {
  const r = inDims.length;
  const axes = (ctx.attrs.intsOpt('axes') ?? Array.from({ length: r }, (_, i) => i)).map((a) => normAxis(ctx, a, r));
  const scales = new Array<number>(r).fill(1);
  const dims = [...inDims];
  if (sizesIn && sizesIn.length > 0) {
    const policy = ctx.attrs.string('keep_aspect_ratio_policy', 'stretch');
    if (policy === 'stretch') {
      axes.forEach((a, j) => {
        dims[a] = sizesIn[j]!;
        scales[a] = sizesIn[j]! / inDims[a]!;
      });
    } else {
      const ratios = axes.map((a, j) => sizesIn[j]! / inDims[a]!);
      const s = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      axes.forEach((a) => {
        dims[a] = Math.round(s * inDims[a]!);
        scales[a] = s;
      });
    }
  } else if (scalesIn && scalesIn.length > 0) {
    axes.forEach((a, j) => {
      scales[a] = scalesIn[j]!;
      dims[a] = Math.floor(inDims[a]! * Math.fround(scalesIn[j]!));
    });
  } else throw ctx.error('Resize needs scales or sizes');
  return { dims, scales };
}

function resize(ctx: KernelContext): void {
  const x = ctx.input(0);
  const r = x.dims.length;
  const upsample = ctx.opType === 'Upsample';
  const legacy = upsample || ctx.opset < 11;
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  let roiIn: number[] | undefined;
  if (upsample && ctx.opset < 9) scales = ctx.attrs.floats('scales');
  else if (legacy) scales = Array.from(numbersOf(ctx.input(1)));
  else {
    const roiT = ctx.optionalInput(1);
    const scT = ctx.optionalInput(2);
    const szT = ctx.optionalInput(3);
    roiIn = roiT && roiT.size > 0 ? Array.from(numbersOf(roiT)) : undefined;
    scales = scT ? Array.from(numbersOf(scT)) : undefined;
    sizes = szT ? Array.from(numbersOf(szT)) : undefined;
  }
  const p: Params = {
    mode: ctx.attrs.string('mode', 'nearest'),
    coord: legacy ? 'asymmetric' : ctx.attrs.string('coordinate_transformation_mode', 'half_pixel'),
    nearest: upsample ? 'floor' : legacy ? 'round_prefer_floor' : ctx.attrs.string('nearest_mode', 'round_prefer_floor'),
    cubicA: ctx.attrs.float('cubic_coeff_a', -0.75),
    excludeOutside: ctx.attrs.int('exclude_outside', 0) === 1,
    antialias: ctx.attrs.int('antialias', 0) === 1,
  };
  const extrapolation = ctx.attrs.float('extrapolation_value', 0);
  const { dims, scales: sc } = outputGeometry(ctx, x.dims, scales, sizes);
  const axes = ctx.attrs.intsOpt('axes')?.map((a) => normAxis(ctx, a, r)) ?? Array.from({ length: r }, (_, i) => i);
  const roiOf = (a: number): [number, number] => {
    if (!roiIn) return [0, 1];
    const j = roiIn.length === 2 * r ? a : axes.indexOf(a);
    const n = roiIn.length / 2;
    return j < 0 ? [0, 1] : [roiIn[j]!, roiIn[j + n]!];
  };
  const taps = dims.map((d, a) => axisTaps(p, x.dims[a]!, d, sc[a]!, roiOf(a)));
  const out = ctx.output(0, dims, x.type);
  const xv = numbersOf(x);
  const res = scratchFor(x.type, sizeOf(dims));
  const integer = !['float32', 'float64', 'float16'].includes(x.type);
  // Separable: one pass per axis that is not the identity; `outside` marks tf_crop_and_resize extrapolation.
  let cur = Float64Array.from(xv);
  let outside = p.coord === 'tf_crop_and_resize' ? new Uint8Array(cur.length) : undefined;
  const curDims = [...x.dims];
  dims.forEach((m, a) => {
    const t = taps[a]!;
    const n = curDims[a]!;
    if (m === n && t.idx.every((ti, j) => ti.length === 1 && ti[0] === j && t.w[j]![0] === 1)) return;
    const outer = sizeOf(curDims.slice(0, a));
    const inner = sizeOf(curDims.slice(a + 1));
    const next = new Float64Array(outer * m * inner);
    const nextOut = outside ? new Uint8Array(next.length) : undefined;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const ti = t.idx[j]!;
        const tw = t.w[j]!;
        const at = (o * m + j) * inner;
        if (ti.length === 0) {
          nextOut?.fill(1, at, at + inner);
          continue;
        }
        for (let i = 0; i < inner; i++) {
          let acc = 0;
          let flag = 0;
          for (let q = 0; q < ti.length; q++) {
            const src = (o * n + ti[q]!) * inner + i;
            acc += tw[q]! * cur[src]!;
            if (outside) flag |= outside[src]!;
          }
          next[at + i] = acc;
          if (nextOut) nextOut[at + i] = flag;
        }
      }
    }
    cur = next;
    outside = nextOut;
    curDims[a] = m;
  });
  for (let k = 0; k < res.length; k++) {
    const v = cur[k]!;
    res[k] = outside?.[k] ? extrapolation : integer ? Math.trunc(v) : v;
  }
  storeNumbers(res, out);
}

export const resizeKernels: KernelTable = {
  Resize: resize,
  Upsample: resize,
};
