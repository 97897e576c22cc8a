/**
 * ConvInteger and QLinearConv over NCHW tensors of any spatial rank, on the conv family's window geometry
 * and tap table: zero points are subtracted first (so padding contributes 0, as padding with the zero
 * point does), then an im2col gather and the blocked matmul per group accumulate exact integer sums.
 * QLinearConv requantizes with the float32 multiplier x_scale * w_scale / y_scale, as onnxruntime does.
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import type { Tensor } from '../../../tensor.js';
import { numbersOf } from '../../numeric.js';
import { product, windowOf } from '../conv/geometry.js';
import { tapTable } from '../conv/taps.js';
import { gemmBlock } from '../math/matmul.js';
import { clampTo, roundEven } from './rounding.js';

/** The int32-exact accumulators of conv(X - xz, W - wz) (wz per tensor or per output channel). */
function integerConv(ctx: KernelContext, X: Tensor, W: Tensor, XZ: Tensor | undefined, WZ: Tensor | undefined): { dims: number[]; acc: Float64Array; M: number; outSize: number } {
  if (X.dims.length < 3 || W.dims.length !== X.dims.length) throw ctx.error(`needs X and W of equal rank >= 3, got [${X.dims.join(',')}] and [${W.dims.join(',')}]`);
  const [N, C] = [X.dims[0]!, X.dims[1]!];
  const [M, Cg] = [W.dims[0]!, W.dims[1]!];
  const group = ctx.attrs.int('group', 1);
  if (Cg * group !== C || M % group !== 0) throw ctx.error(`channels do not match: C=${C}, W [${W.dims.join(',')}], group=${group}`);
  const inDims = X.dims.slice(2);
  const kernel = ctx.attrs.intsOpt('kernel_shape') ?? W.dims.slice(2);
  const win = windowOf(ctx, inDims, kernel);
  const xz = XZ ? numbersOf(XZ)[0]! : 0;
  const wz = WZ ? numbersOf(WZ) : [0];
  const xs = numbersOf(X);
  const ws = numbersOf(W);
  const K = product(kernel);
  const x = Float64Array.from(xs, (v) => v - xz);
  const w = Float64Array.from(ws, (v, i) => v - (wz.length === 1 ? wz[0]! : wz[Math.floor(i / (Cg * K))]!));
  const inSize = product(inDims);
  const outSize = product(win.outDims);
  const Mg = M / group;
  const taps = tapTable(win.outDims, kernel, win.strides, win.dilations, win.pads, inDims);
  const acc = new Float64Array(N * M * outSize);
  const col = new Float64Array(Cg * K * outSize);
  for (let n = 0; n < N; n++)
    for (let g = 0; g < group; g++) {
      const xo = (n * C + g * Cg) * inSize;
      for (let c = 0; c < Cg; c++)
        for (let kp = 0; kp < K; kp++) {
          const ro = (c * K + kp) * outSize;
          const to = kp * outSize;
          for (let p = 0; p < outSize; p++) {
            const i = taps[to + p]!;
            col[ro + p] = i >= 0 ? x[xo + c * inSize + i]! : 0;
          }
        }
      gemmBlock(w, g * Mg * Cg * K, col, 0, acc, (n * M + g * Mg) * outSize, Mg, outSize, Cg * K);
    }
  return { dims: [N, M, ...win.outDims], acc, M, outSize };
}

function convInteger(ctx: KernelContext): void {
  const { dims, acc } = integerConv(ctx, ctx.input(0), ctx.input(1), ctx.optionalInput(2), ctx.optionalInput(3));
  (ctx.output(0, dims, 'int32').data as Int32Array).set(acc);
}

function qlinearConv(ctx: KernelContext): void {
  const X = ctx.input(0);
  const xs = numbersOf(ctx.input(1))[0]!;
  const ws = numbersOf(ctx.input(4));
  const ys = numbersOf(ctx.input(6))[0]!;
  const YZ = ctx.optionalInput(7);
  const B = ctx.optionalInput(8);
  const type = YZ ? YZ.type : X.type;
  const yz = YZ ? numbersOf(YZ)[0]! : 0;
  const { dims, acc, M, outSize } = integerConv(ctx, X, ctx.input(3), ctx.input(2), ctx.input(5));
  const b = B ? numbersOf(B) : undefined;
  const y = ctx.output(0, dims, type).data as Uint8Array;
  for (let i = 0; i < acc.length; i++) {
    const m = Math.floor(i / outSize) % M;
    const mult = Math.fround(Math.fround(xs * (ws.length === 1 ? ws[0]! : ws[m]!)) / ys);
    y[i] = clampTo(type, roundEven(Math.fround((acc[i]! + (b ? b[m]! : 0)) * mult)) + yz);
  }
}

export const convIntegerKernels: KernelTable = { ConvInteger: convInteger, QLinearConv: qlinearConv };
