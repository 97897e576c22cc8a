/**
 * What the one-thread wrappers (ops.ts) and the intra-op threads (../parallel/) both take and both work out
 * before a product: the operand types, the epilogue of a fused activation, whether a batched MatMul is one
 * product, Gemm's C as a bias or a broadcast copy, and which convolutions run the depthwise loop. Kept in one
 * place because the two paths must agree for their results to be bit-identical.
 */
import { GEMM } from './instance.js';

/**
 * Optional fused activation, one of the exports' epilogue flags with its two parameters (assembly/
 * epilogue.ts): CLAMP to [lo, hi] (Relu: [0, Infinity]; the default without flags), LEAKY_RELU (alpha lo),
 * HARD_SIGMOID (alpha lo, beta hi), HARD_SWISH.
 */
export interface Clamp {
  flags?: number;
  lo: number;
  hi: number;
}

/** The epilogue flags and parameters of `clamp`. */
export function clampFlags(clamp: Clamp | undefined): [flags: number, lo: number, hi: number] {
  return clamp ? [clamp.flags ?? GEMM.CLAMP, clamp.lo, clamp.hi] : [0, -Infinity, Infinity];
}

/** Which operands of a call are constant across calls (KernelContext.isConstant): kept resident. */
export interface Constant {
  a?: boolean;
  b?: boolean;
  /** Gemm's C, Conv's bias, MatMul's fused bias. */
  c?: boolean;
}

/** Whether every batch shares one B and the A matrices follow each other (one product of batch*m rows). */
export function stacked(ao: Int32Array, bo: Int32Array, aSize: number): boolean {
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
  clamp?: Clamp;
  constant?: Constant;
}

/** C's rows and columns before the broadcast to [m, n]. */
function cShape(dims: readonly number[]): [rows: number, cols: number] {
  return dims.length === 0 ? [1, 1] : dims.length === 1 ? [1, dims[0]!] : [dims[0]!, dims[1]!];
}

/**
 * How Gemm's C enters the epilogue: COL_BIAS (beta 1, C one row of n > 1), ROW_BIAS (beta 1, C one column
 * of m > 1), ACCUMULATE (any other C: the output starts as beta * C, see fillC), or 0 (no C, or beta 0).
 */
export function gemmCMode(g: GemmArgs): number {
  const c = g.c;
  if (c === undefined || g.beta === 0) return 0;
  const [cr, cc] = cShape(c.dims);
  if (g.beta === 1 && cr === 1 && cc === g.n && g.n > 1) return GEMM.COL_BIAS;
  if (g.beta === 1 && cc === 1 && cr === g.m && g.m > 1) return GEMM.ROW_BIAS;
  return GEMM.ACCUMULATE;
}

/** heap[base ..] = beta * C broadcast to [m x n] (the ACCUMULATE mode's starting output). */
export function fillC(heap: Float32Array, base: number, g: GemmArgs): void {
  const { m, n, beta } = g;
  const cd = g.c!.data;
  const [cr, cc] = cShape(g.c!.dims);
  for (let i = 0; i < m; i++) {
    const src = cr === 1 ? 0 : i * cc;
    const dst = base + i * n;
    if (cc === 1) heap.fill(beta * cd[src]!, dst, dst + n);
    else for (let j = 0; j < n; j++) heap[dst + j] = beta * cd[src + j]!;
  }
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

/** A group per input channel: the direct depthwise loop (one thread; memory-bound, so the threads decline it). */
export function isDepthwise(s: Conv2dShape): boolean {
  return s.group === s.C && s.M % s.C === 0 && s.group > 1;
}
