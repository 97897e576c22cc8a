/**
 * Conv and ConvTranspose over NCHW tensors of any spatial rank (float16/32/64). Float32 and float16 1-D and
 * 2-D Conv run on the WebAssembly SIMD kernels when they are up (wasm/ops.ts). Otherwise Conv gathers an
 * im2col matrix through the tap table and multiplies it with the blocked matmul; a 1x1, unit-stride,
 * unpadded kernel skips the gather; group == channels with one input channel per group runs a direct
 * depthwise loop. ConvTranspose multiplies Wᵀ·X and scatters the columns back (col2im) through the same
 * table. The window geometry and tap table depend only on shapes and attributes: made once per step.
 * Conv applies a fused residual and activation (`ctx.epilogue`; Notes [fused residual] and [fused
 * activations] in ../../fusion/activation.ts): in the WebAssembly kernels' epilogue, else over its
 * finished output.
 */
import { withTraits, type KernelContext, type KernelTable } from '../../../kernel.js';
import type { Tensor } from '../../../tensor.js';
import { numbersOf, storeNumbers } from '../../numeric.js';
import { gemmBlock } from '../math/matmul.js';
import { product, windowOf, type Window } from './geometry.js';
import { sgemm } from './sgemm.js';
import { memoDims } from '../../shape-memo.js';
import { instanceNormKernels } from './instance-norm.js';
import { tapTable } from './taps.js';
import { wasmKernels } from '../../wasm/instance.js';
import { wasmConv2d, type Conv2dShape } from '../../wasm/ops.js';

type Floats = Float32Array | Float64Array;

/** c += a * b: the float32 kernel when every operand is float32, else the shared blocked matmul. */
function gemm(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, c: Floats, co: number, m: number, n: number, k: number): void {
  if (a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array) sgemm(a, ao, b, bo, c, co, m, n, k);
  else gemmBlock(a, ao, b, bo, c, co, m, n, k);
}

function floatScratch(t: Tensor, n: number): Floats {
  return t.type === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** The output's own float buffer when it can be written directly, else a float32 scratch (float16). */
function resultBuffer(out: Tensor): Floats {
  return out.type === 'float32' || out.type === 'float64' ? (out.data as Floats) : new Float32Array(out.size);
}

function checkFloat(ctx: KernelContext, t: Tensor): void {
  if (t.type !== 'float32' && t.type !== 'float64' && t.type !== 'float16') throw ctx.error(`${ctx.opType} of ${t.type} is not supported`);
}

/** A Conv's geometry for one pair of X and W dims (checked), made once per step and dims. */
interface ConvGeometry {
  N: number;
  C: number;
  M: number;
  Cg: number;
  group: number;
  win: Window;
  outDims: number[];
  /** The 2-D form for the WebAssembly kernels (1-D and 2-D windows only). */
  shape: Conv2dShape | undefined;
}

function convGeometry(ctx: KernelContext, xDims: readonly number[], wDims: readonly number[]): ConvGeometry {
  if (xDims.length < 3 || wDims.length !== xDims.length) throw ctx.error(`Conv needs X and W of equal rank >= 3, got [${xDims.join(',')}] and [${wDims.join(',')}]`);
  const [N, C] = [xDims[0]!, xDims[1]!];
  const [M, Cg] = [wDims[0]!, wDims[1]!];
  const group = ctx.attrs.int('group', 1);
  if (Cg * group !== C || M % group !== 0) throw ctx.error(`Conv channels do not match: C=${C}, W [${wDims.join(',')}], group=${group}`);
  const win = windowOf(ctx, xDims.slice(2), ctx.attrs.intsOpt('kernel_shape') ?? wDims.slice(2));
  const shape = win.inDims.length <= 2 ? conv2dShape(N, C, M, group, win) : undefined;
  return { N, C, M, Cg, group, win, outDims: [N, M, ...win.outDims], shape };
}

function conv(ctx: KernelContext): void {
  const X = ctx.input(0);
  const W = ctx.input(1);
  const B = ctx.optionalInput(2);
  checkFloat(ctx, X);
  const { N, C, M, Cg, group, win, outDims, shape } = memoDims(ctx, 'conv', [X.dims, W.dims], () => convGeometry(ctx, X.dims, W.dims));
  const { inDims, kernel } = win;
  const out = ctx.output(0, outDims, X.type);
  const act = ctx.epilogue?.activation;
  const ri = ctx.epilogue?.residual;
  // The fused step checked it: float32, of the output's dims (`fitsResidual`). Copied when the output
  // shares its buffer, since the JavaScript path accumulates in the output.
  let z = ri === undefined ? undefined : (ctx.input(ri).data as Float32Array);
  if (z !== undefined && z.buffer === (out.data as Float32Array).buffer) z = z.slice();
  const wasm = wasmKernels();
  if (wasm && shape !== undefined && X.type !== 'float64' && W.type === X.type && (!B || B.type === X.type)) {
    // Float32 or float16 (computed in float32). Float32 constants stay in wasm memory across runs.
    const y = resultBuffer(out) as Float32Array;
    const keep = X.type === 'float32' ? { b: ctx.isConstant(1), c: ctx.isConstant(2) } : undefined;
    const x = numbersOf(X) as Float32Array;
    wasmConv2d(wasm, shape, x, numbersOf(W) as Float32Array, B ? (numbersOf(B) as Float32Array) : undefined, y, act?.wasm, keep, z);
    if (act !== undefined && act.wasm === undefined) act.apply(y, 0, y.length);
    storeNumbers(y, out);
    return;
  }
  const x = numbersOf(X);
  const w = numbersOf(W);
  const y = resultBuffer(out);
  const inSize = product(inDims);
  const outSize = product(win.outDims);
  const K = product(kernel);
  const Mg = M / group;
  const taps = memoDims(ctx, 'taps', [X.dims, W.dims], () => tapTable(win.outDims, kernel, win.strides, win.dilations, win.pads, inDims));
  y.fill(0);
  if (group === C && Cg === 1 && inDims.length <= 2 && y instanceof Float32Array && x instanceof Float32Array) {
    depthwise2d(x, w, y, N, C, M, win);
  } else if (group === C && Cg === 1) {
    // Depthwise: each output channel reads one input channel.
    const mult = M / C;
    for (let n = 0; n < N; n++)
      for (let m = 0; m < M; m++) {
        const xo = (n * C + Math.floor(m / mult)) * inSize;
        const yo = (n * M + m) * outSize;
        for (let kp = 0; kp < K; kp++) {
          const wv = w[m * K + kp]!;
          const to = kp * outSize;
          for (let p = 0; p < outSize; p++) {
            const i = taps[to + p]!;
            if (i >= 0) y[yo + p] = y[yo + p]! + wv * x[xo + i]!;
          }
        }
      }
  } else {
    const direct = K === 1 && win.strides.every((s) => s === 1) && win.pads.every((p) => p === 0);
    const col = direct ? undefined : floatScratch(X, Cg * K * outSize);
    for (let n = 0; n < N; n++)
      for (let g = 0; g < group; g++) {
        const xo = (n * C + g * Cg) * inSize;
        const yo = (n * M + g * Mg) * outSize;
        if (col === undefined) {
          gemm(w, g * Mg * Cg, x, xo, y, yo, Mg, outSize, Cg);
          continue;
        }
        for (let c = 0; c < Cg; c++) {
          const xc = xo + c * inSize;
          for (let kp = 0; kp < K; kp++) {
            const ro = (c * K + kp) * outSize;
            const to = kp * outSize;
            for (let p = 0; p < outSize; p++) {
              const i = taps[to + p]!;
              col[ro + p] = i >= 0 ? x[xc + i]! : 0;
            }
          }
        }
        gemm(w, g * Mg * Cg * K, col, 0, y, yo, Mg, outSize, Cg * K);
      }
  }
  if (B) addBias(y, numbersOf(B), N, M, outSize);
  if (z !== undefined) for (let i = 0; i < y.length; i++) y[i] = y[i]! + z[i]!;
  act?.apply(y, 0, y.length);
  storeNumbers(y, out);
}

/** Whether `z` can be a fused residual of this Conv: float32 with the output's dims (Note [fused residual]). */
function fitsResidual(ctx: KernelContext, z: Tensor): boolean {
  const X = ctx.input(0);
  const W = ctx.input(1);
  const { outDims } = memoDims(ctx, 'conv', [X.dims, W.dims], () => convGeometry(ctx, X.dims, W.dims));
  return z.type === 'float32' && z.dims.length === outDims.length && z.dims.every((d, i) => d === outDims[i]);
}

/** A 1-D or 2-D window as the 2-D geometry of the WebAssembly kernels (1-D: H = KH = 1). */
function conv2dShape(N: number, C: number, M: number, group: number, win: Window): Conv2dShape {
  const two = win.inDims.length === 2;
  const last = win.inDims.length - 1;
  return {
    N, C, M, group,
    H: two ? win.inDims[0]! : 1, W: win.inDims[last]!,
    KH: two ? win.kernel[0]! : 1, KW: win.kernel[last]!,
    sh: two ? win.strides[0]! : 1, sw: win.strides[last]!,
    dh: two ? win.dilations[0]! : 1, dw: win.dilations[last]!,
    pt: two ? win.pads[0]! : 0, pl: win.pads[last]!,
    OH: two ? win.outDims[0]! : 1, OW: win.outDims[last]!,
  };
}

/** Depthwise float32 over 1-D or 2-D planes: per kernel tap, the in-bounds output range runs unchecked. */
function depthwise2d(x: Float32Array, w: ArrayLike<number>, y: Float32Array, N: number, C: number, M: number, win: Window): void {
  const two = win.inDims.length === 2;
  const [H, W] = two ? win.inDims : [1, win.inDims[0]!];
  const [OH, OW] = two ? win.outDims : [1, win.outDims[0]!];
  const [KH, KW] = two ? win.kernel : [1, win.kernel[0]!];
  const [sh, sw] = two ? win.strides : [1, win.strides[0]!];
  const [dh, dw] = two ? win.dilations : [1, win.dilations[0]!];
  const [ph, pw] = two ? [win.pads[0]!, win.pads[1]!] : [0, win.pads[0]!];
  const mult = M / C;
  for (let n = 0; n < N; n++)
    for (let m = 0; m < M; m++) {
      const xo = (n * C + Math.floor(m / mult)) * H! * W!;
      const yo = (n * M + m) * OH! * OW!;
      for (let kh = 0; kh < KH!; kh++)
        for (let kw = 0; kw < KW!; kw++) {
          const wv = w[(m * KH! + kh) * KW! + kw]!;
          const shift = kw * dw! - pw;
          // ow with 0 <= ow*sw + shift < W
          const lo = Math.max(0, Math.ceil(-shift / sw!));
          const hi = Math.min(OW!, Math.floor((W! - 1 - shift) / sw!) + 1);
          for (let oh = 0; oh < OH!; oh++) {
            const ih = oh * sh! - ph + kh * dh!;
            if (ih < 0 || ih >= H!) continue;
            const xr = xo + ih * W! + shift;
            const yr = yo + oh * OW!;
            for (let ow = lo; ow < hi; ow++) y[yr + ow] = y[yr + ow]! + wv * x[xr + ow * sw!]!;
          }
        }
    }
}

function addBias(y: Floats, b: ArrayLike<number>, N: number, M: number, size: number): void {
  for (let n = 0; n < N; n++)
    for (let m = 0; m < M; m++) {
      const bv = b[m]!;
      const o = (n * M + m) * size;
      for (let p = 0; p < size; p++) y[o + p] = y[o + p]! + bv;
    }
}

function convTranspose(ctx: KernelContext): void {
  const X = ctx.input(0);
  const W = ctx.input(1);
  const B = ctx.optionalInput(2);
  checkFloat(ctx, X);
  if (X.dims.length < 3 || W.dims.length !== X.dims.length) throw ctx.error(`ConvTranspose needs X and W of equal rank >= 3`);
  const [N, C] = [X.dims[0]!, X.dims[1]!];
  const group = ctx.attrs.int('group', 1);
  const Mg = W.dims[1]!;
  const M = Mg * group;
  if (W.dims[0] !== C || C % group !== 0) throw ctx.error(`ConvTranspose channels do not match: C=${C}, W [${W.dims.join(',')}], group=${group}`);
  const Cg = C / group;
  const inDims = X.dims.slice(2);
  const r = inDims.length;
  const kernel = ctx.attrs.intsOpt('kernel_shape') ?? W.dims.slice(2);
  const strides = ctx.attrs.intsOpt('strides') ?? new Array<number>(r).fill(1);
  const dilations = ctx.attrs.intsOpt('dilations') ?? new Array<number>(r).fill(1);
  const adj = ctx.attrs.intsOpt('output_padding') ?? new Array<number>(r).fill(0);
  const autoPad = ctx.attrs.string('auto_pad', 'NOTSET');
  const outShape = ctx.attrs.intsOpt('output_shape')?.slice(-r);
  const pads = autoPad === 'NOTSET' ? (ctx.attrs.intsOpt('pads') ?? new Array<number>(2 * r).fill(0)) : new Array<number>(2 * r).fill(0);
  const outDims: number[] = [];
  for (let d = 0; d < r; d++) {
    const full = (inDims[d]! - 1) * strides[d]! + adj[d]! + (kernel[d]! - 1) * dilations[d]! + 1;
    let want = outShape?.[d];
    if (want === undefined && (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER')) want = inDims[d]! * strides[d]!;
    if (want !== undefined) {
      // The spec's rule: the odd pad goes to the tail for SAME_UPPER, to the head for SAME_LOWER.
      const total = Math.max(0, full - want);
      const half = Math.floor(total / 2);
      pads[d] = autoPad === 'SAME_LOWER' ? total - half : half;
      pads[d + r] = total - pads[d]!;
    }
    outDims.push(want ?? full - pads[d]! - pads[d + r]!);
  }
  const out = ctx.output(0, [N, M, ...outDims], X.type);
  const x = numbersOf(X);
  const w = numbersOf(W);
  const y = resultBuffer(out);
  y.fill(0);
  const inSize = product(inDims);
  const outSize = product(outDims);
  const K = product(kernel);
  const taps = ctx.memo(`taps:${X.dims.join(',')}:${W.dims.join(',')}`, () => tapTable(inDims, kernel, strides, dilations, pads, outDims));
  // Per group: Wg is [Cg, Mg*K]; its transpose times Xg [Cg, inSize] gives the columns [Mg*K, inSize].
  const wt = floatScratch(X, Mg * K * Cg);
  const col = floatScratch(X, Mg * K * inSize);
  for (let g = 0; g < group; g++) {
    for (let c = 0; c < Cg; c++) for (let j = 0; j < Mg * K; j++) wt[j * Cg + c] = w[(g * Cg + c) * Mg * K + j]!;
    for (let n = 0; n < N; n++) {
      col.fill(0);
      gemm(wt, 0, x, (n * C + g * Cg) * inSize, col, 0, Mg * K, inSize, Cg);
      for (let m = 0; m < Mg; m++) {
        const yo = (n * M + g * Mg + m) * outSize;
        for (let kp = 0; kp < K; kp++) {
          const co = (m * K + kp) * inSize;
          const to = kp * inSize;
          for (let p = 0; p < inSize; p++) {
            const o = taps[to + p]!;
            if (o >= 0) y[yo + o] = y[yo + o]! + col[co + p]!;
          }
        }
      }
    }
  }
  if (B) addBias(y, numbersOf(B), N, M, outSize);
  storeNumbers(y, out);
}

export const convKernels: KernelTable = {
  Conv: withTraits(conv, { epilogue: true, fills: true, residual: fitsResidual }),
  ConvTranspose: withTraits(convTranspose, { fills: true }),
  ...instanceNormKernels,
};
