/**
 * 2-D convolution over the intra-op threads: wasm/ops.ts's wasmConv2d (not the depthwise case, which is
 * memory-bound and declined) with the output positions (or, when there are few, the output channels)
 * cut into chunks. The caller's thread pads every image's planes once (conv2dPlanes); each chunk is one
 * conv2dRange call, its range of every image and group, so a convolution is one run. A fused residual z is
 * copied in beside the other operands and every chunk gets the RESIDUAL flag with z's offset from y (z has
 * y's layout, so one delta serves every chunk's rows and channels). False when it declines, as in gemm.ts;
 * results are bit-identical to wasmConv2d's.
 */
import { residentRaw } from './gemm.js';
import { splitOutput } from './partition.js';
import { poolFor } from './threads.js';
import { GEMM } from '../wasm/instance.js';
import { clampFlags, isDepthwise, type Clamp, type Constant, type Conv2dShape } from '../wasm/operands.js';

/**
 * wasmConv2d on the threads: y [N, M, OH, OW] = conv(x [N, C, H, W], w [M, C/group, KH, KW]) + bias
 * (+ residual, y's size), clamped. False when it declines.
 */
export function parallelConv2d(
  s: Conv2dShape, x: Float32Array, wt: Float32Array, bias: Float32Array | undefined, y: Float32Array, clamp?: Clamp,
  constant: Constant = {}, residual?: Float32Array,
): boolean {
  if (isDepthwise(s)) return false;
  const Mg = s.M / s.group;
  const P = s.OH * s.OW;
  const K = (s.C / s.group) * s.KH * s.KW;
  const use = poolFor(s.N * s.M * P * K);
  if (!use) return false;
  const { pool, chunks } = use;
  const split = splitOutput(Mg, P, chunks);
  if (split === undefined || split.length < 2) return false;
  pool.begin();
  let wp = residentRaw(pool, wt, constant.b);
  let bp = bias ? residentRaw(pool, bias, constant.c) : 0;
  const xp = pool.put(x);
  if (wp === 0) wp = pool.put(wt);
  if (bias && bp === 0) bp = pool.put(bias);
  const zp = residual ? pool.put(residual) : 0;
  const yp = pool.alloc(y.length);
  if (xp === 0 || wp === 0 || (bias && bp === 0) || (residual && zp === 0) || yp === 0) return false;
  const { N, C, H, W, M, group, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW } = s;
  const planes = pool.x.conv2dPlanes(xp, N, C, H, W, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW);
  if (planes === 0) return false;
  const [af, lo, hi] = clampFlags(clamp);
  const flags = af | (residual ? GEMM.RESIDUAL : 0);
  const delta = residual ? (zp - yp) | 0 : 0;
  const head = [planes, wp, bp, yp, N, C, H, W, M, group, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW, flags, lo, hi, delta];
  pool.run({ fn: 'conv2dRange', chunks: split.map((r) => [...head, r.i0, r.i1, r.j0, r.j1]) });
  const base = yp >> 2;
  y.set(pool.heap().subarray(base, base + y.length));
  return true;
}
