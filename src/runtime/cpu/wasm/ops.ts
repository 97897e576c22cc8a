/**
 * Float32 matrix products and 2-D convolutions on the WebAssembly kernels: each call copies its operands
 * into the module's memory, runs one export (or one per batch), and copies the result out. Nothing stays in
 * wasm memory between calls, so no cached data can go stale (copying a weight in is a memcpy; the products
 * these models run are small enough that re-packing beats keeping packed weights in sync).
 */
import { GEMM, type WasmKernels } from './instance.js';

/** Optional fused activation: the result clamped to [lo, hi] (Relu: [0, Infinity]). */
export interface Clamp {
  lo: number;
  hi: number;
}

function clampFlags(clamp: Clamp | undefined): [flags: number, lo: number, hi: number] {
  return clamp ? [GEMM.CLAMP, clamp.lo, clamp.hi] : [0, -Infinity, Infinity];
}

/**
 * out[t] = A_t · B_t for each batch t, A_t the m x k matrix at element offset ao[t] of `a`, B_t the k x n
 * matrix at bo[t] of `b`; out is [batch, m, n]. A batch over a shared B whose A matrices lie back to back is
 * one product with batch*m rows.
 */
export function wasmMatMul(
  w: WasmKernels, a: Float32Array, ao: Int32Array, b: Float32Array, bo: Int32Array, out: Float32Array, m: number, n: number, k: number,
): void {
  const total = ao.length;
  w.begin();
  const ap = w.put(a);
  const bp = w.put(b);
  const cp = w.alloc(out.length);
  if (stacked(ao, bo, m * k)) {
    w.check(w.x.gemm(ap + ao[0]! * 4, k, 1, bp + bo[0]! * 4, n, cp, n, total * m, n, k, 1, 0, 0, 0, -Infinity, Infinity));
  } else {
    for (let t = 0; t < total; t++) {
      w.check(w.x.gemm(ap + ao[t]! * 4, k, 1, bp + bo[t]! * 4, n, cp + t * m * n * 4, n, m, n, k, 1, 0, 0, 0, -Infinity, Infinity));
    }
  }
  w.read(cp, out);
}

/** Whether every batch shares one B and the A matrices follow each other. */
function stacked(ao: Int32Array, bo: Int32Array, aSize: number): boolean {
  for (let t = 0; t < ao.length; t++) if (bo[t] !== bo[0] || ao[t] !== ao[0]! + t * aSize) return false;
  return true;
}

/** Gemm operands: A [m x k] (stored [k x m] when transA), B [k x n] (stored [n x k] when transB). */
export interface GemmArgs {
  a: Float32Array;
  transA: boolean;
  b: Float32Array;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  /** C and its dims, already checked to broadcast to [m, n] (rank <= 2). */
  c?: { data: Float32Array; dims: readonly number[] };
}

/** out [m x n] = alpha * A·B + beta * C, C broadcast. */
export function wasmGemm(w: WasmKernels, g: GemmArgs, out: Float32Array): void {
  const { m, n, k } = g;
  w.begin();
  const ap = w.put(g.a);
  let bp = w.put(g.b);
  if (g.transB) {
    const t = w.alloc(k * n);
    w.x.transpose(bp, n, k, t);
    bp = t;
  }
  const cp = w.alloc(m * n);
  let flags = 0;
  let rowBias = 0;
  let colBias = 0;
  const c = g.c;
  if (c && g.beta !== 0) {
    const [cr, cc] = c.dims.length === 0 ? [1, 1] : c.dims.length === 1 ? [1, c.dims[0]!] : [c.dims[0]!, c.dims[1]!];
    if (g.beta === 1 && cr === 1 && cc === n && n > 1) {
      colBias = w.put(c.data);
      flags |= GEMM.COL_BIAS;
    } else if (g.beta === 1 && cc === 1 && cr === m && m > 1) {
      rowBias = w.put(c.data);
      flags |= GEMM.ROW_BIAS;
    } else {
      const heap = w.heap();
      const base = cp >> 2;
      const cd = c.data;
      for (let i = 0; i < m; i++) {
        const src = cr === 1 ? 0 : i * cc;
        const dst = base + i * n;
        if (cc === 1) heap.fill(g.beta * cd[src]!, dst, dst + n);
        else for (let j = 0; j < n; j++) heap[dst + j] = g.beta * cd[src + j]!;
      }
      flags |= GEMM.ACCUMULATE;
    }
  }
  const [aRow, aK] = g.transA ? [1, m] : [k, 1];
  w.check(w.x.gemm(ap, aRow, aK, bp, n, cp, n, m, n, k, g.alpha, flags, rowBias, colBias, -Infinity, Infinity));
  w.read(cp, out);
}

/** A 2-D convolution's geometry (1-D convolutions pass H = KH = 1, unit stride and dilation, no pad). */
export interface Conv2dShape {
  N: number;
  C: number;
  H: number;
  W: number;
  /** Output channels. */
  M: number;
  group: number;
  KH: number;
  KW: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  /** Begin pads (the end pads show only in OH and OW). */
  pt: number;
  pl: number;
  OH: number;
  OW: number;
}

/**
 * y [N, M, OH, OW] = conv(x [N, C, H, W], w [M, C/group, KH, KW]) + bias, clamped. A group per input
 * channel (depthwise) runs the direct depthwise loop; the rest im2col + gemm per image and group.
 */
export function wasmConv2d(
  w: WasmKernels, s: Conv2dShape, x: Float32Array, wt: Float32Array, bias: Float32Array | undefined, y: Float32Array, clamp?: Clamp,
): void {
  const [flags, lo, hi] = clampFlags(clamp);
  w.begin();
  const xp = w.put(x);
  const wp = w.put(wt);
  const bp = bias ? w.put(bias) : 0;
  const yp = w.alloc(y.length);
  const rc =
    s.group === s.C && s.M % s.C === 0 && s.group > 1
      ? w.x.depthwise2d(xp, wp, bp, yp, s.N, s.C, s.H, s.W, s.M, s.KH, s.KW, s.sh, s.sw, s.dh, s.dw, s.pt, s.pl, s.OH, s.OW, flags, lo, hi)
      : w.x.conv2d(xp, wp, bp, yp, s.N, s.C, s.H, s.W, s.M, s.group, s.KH, s.KW, s.sh, s.sw, s.dh, s.dw, s.pt, s.pl, s.OH, s.OW, flags, lo, hi);
  w.check(rc);
  w.read(yp, y);
}
