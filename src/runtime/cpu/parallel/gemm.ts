/**
 * MatMul and Gemm over the intra-op threads: the same operands and epilogue as wasm/ops.ts's wasmMatMul and
 * wasmGemm, laid out in the pool's shared memory, with the output cut into chunks (partition.ts) that the
 * threads claim (pool.ts).
 * Each returns false, having done nothing, when it declines (one thread set, too little work, an output
 * too small to split, operands that do not fit the shared memory): the caller then runs its one-thread path.
 * Results are bit-identical to that path (Note [one summation order] in ../wasm/assembly/blocked.ts).
 */
import type { Run, ThreadPool } from './pool.js';
import { splitOutput } from './partition.js';
import { poolFor } from './threads.js';
import { GEMM } from '../wasm/instance.js';
import { clampFlags, fillC, gemmCMode, stacked, type Clamp, type Constant, type GemmArgs } from '../wasm/operands.js';

/** `src` resident in the pool when `keep` (Note [resident constants in the pool]), else 0. */
export function residentRaw(pool: ThreadPool, src: Float32Array, keep: boolean | undefined): number {
  if (!keep) return 0;
  return pool.resident(src, 'raw', src.length, (p) => {
    pool.heap().set(src, p >> 2);
    return true;
  });
}

/** gemmWith's arguments after its mode: a, aRow, aK, b, ldb, c, ldc, m, n, k, alpha, flags, rowBias, colBias, lo, hi. */
type GemmCall = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];

/**
 * gemmWith's arguments for rows i0 .. i1 and columns j0 .. j1 of one product (pointers offset to them).
 * `mode` is gemmBlocked's answer for the whole product, so every chunk sums as one thread would.
 */
function rangeArgs(mode: number, g: GemmCall, i0: number, i1: number, j0: number, j1: number): number[] {
  const [a, aRow, aK, b, ldb, c, ldc, , , k, alpha, flags, rowBias, colBias, lo, hi] = g;
  return [
    mode, a + 4 * i0 * aRow, aRow, aK, b + 4 * j0, ldb, c + 4 * (i0 * ldc + j0), ldc, i1 - i0, j1 - j0, k, alpha, flags,
    rowBias + 4 * i0, colBias + 4 * j0, lo, hi,
  ];
}

/**
 * Chunks for one product or a list of same-shaped ones (about `parts` of them), or undefined when they
 * cannot be split: whole products when there are many, else each product's output split alike.
 */
function gemmRun(pool: ThreadPool, parts: number, products: GemmCall[]): Run | undefined {
  const first = products[0]!;
  const [m, n, k, flags] = [first[7], first[8], first[9], first[11]];
  const mode = pool.x.gemmBlocked(m, n, k, flags);
  if (products.length >= parts) return { fn: 'gemmWith', chunks: products.map((g) => rangeArgs(mode, g, 0, m, 0, n)) };
  const split = splitOutput(m, n, Math.ceil(parts / products.length));
  if (split === undefined) return undefined;
  return { fn: 'gemmWith', chunks: products.flatMap((g) => split.map((s) => rangeArgs(mode, g, s.i0, s.i1, s.j0, s.j1))) };
}

/** Runs the chunks; false when there are too few to share or they do not fit the pool. */
function runChunks(pool: ThreadPool, run: Run | undefined): boolean {
  if (run === undefined || run.chunks.length < 2 || !pool.fits(run.chunks.length, run.chunks[0]!.length)) return false;
  pool.run(run);
  return true;
}

/**
 * wasmMatMul on the threads: out[t] = A_t · B_t (+ bias [n] on every row) for each batch t (A_t at element
 * ao[t] of `a`, m x k; B_t at bo[t] of `b`, k x n; out [batch, m, n]), clamped when `clamp` is given.
 * False when it declines.
 */
export function parallelMatMul(
  a: Float32Array, ao: Int32Array, b: Float32Array, bo: Int32Array, out: Float32Array, m: number, n: number, k: number, clamp?: Clamp,
  bias?: Float32Array, constant: Constant = {},
): boolean {
  const total = ao.length;
  const use = poolFor(total * m * n * k);
  if (!use) return false;
  const { pool, chunks } = use;
  pool.begin();
  let bp = residentRaw(pool, b, constant.b);
  let cb = bias ? residentRaw(pool, bias, constant.c) : 0;
  let ap = residentRaw(pool, a, constant.a);
  if (ap === 0) ap = pool.put(a);
  if (bp === 0) bp = pool.put(b);
  if (bias && cb === 0) cb = pool.put(bias);
  const cp = pool.alloc(out.length);
  if (ap === 0 || bp === 0 || (bias && cb === 0) || cp === 0) return false;
  const [cf, lo, hi] = clampFlags(clamp);
  const flags = cf | (bias ? GEMM.COL_BIAS : 0);
  const products: GemmCall[] = [];
  if (stacked(ao, bo, m * k)) {
    // As wasmMatMul: a batch over one B whose A matrices follow each other is one product of total*m rows.
    products.push([ap + ao[0]! * 4, k, 1, bp + bo[0]! * 4, n, cp, n, total * m, n, k, 1, flags, 0, cb, lo, hi]);
  } else {
    for (let t = 0; t < total; t++) products.push([ap + ao[t]! * 4, k, 1, bp + bo[t]! * 4, n, cp + t * m * n * 4, n, m, n, k, 1, flags, 0, cb, lo, hi]);
  }
  if (!runChunks(pool, gemmRun(pool, chunks, products))) return false;
  const c = cp >> 2;
  out.set(pool.heap().subarray(c, c + out.length));
  return true;
}

/** wasmGemm on the threads: out [m x n] = alpha * A·B + beta * C (C broadcast), clamped. False when it declines. */
export function parallelGemm(g: GemmArgs, out: Float32Array): boolean {
  const { m, n, k, clamp } = g;
  const use = poolFor(m * n * k);
  if (!use) return false;
  const { pool, chunks } = use;
  pool.begin();
  const constant = g.constant ?? {};
  const b = g.b;
  // Resident operands first (each may move where the run's allocations start).
  let bp = !constant.b
    ? 0
    : g.transB
      ? pool.resident(b, `t:${n}x${k}`, k * n, (p) => {
          const s = pool.put(b);
          if (s !== 0) pool.x.transpose(s, n, k, p);
          return s !== 0;
        })
      : residentRaw(pool, b, true);
  const c = g.c;
  const cKeep = c !== undefined && g.beta === 1 ? residentRaw(pool, c.data, constant.c) : 0;
  let ap = residentRaw(pool, g.a, constant.a);
  if (ap === 0) ap = pool.put(g.a);
  if (bp === 0) {
    bp = pool.put(b);
    if (bp !== 0 && g.transB) {
      const t = pool.alloc(k * n);
      if (t === 0) return false;
      pool.x.transpose(bp, n, k, t);
      bp = t;
    }
  }
  if (ap === 0 || bp === 0) return false;
  const cp = pool.alloc(m * n);
  if (cp === 0) return false;
  const cMode = gemmCMode(g);
  const rowBias = cMode === GEMM.ROW_BIAS ? cKeep || pool.put(c!.data) : 0;
  const colBias = cMode === GEMM.COL_BIAS ? cKeep || pool.put(c!.data) : 0;
  if ((cMode === GEMM.COL_BIAS && colBias === 0) || (cMode === GEMM.ROW_BIAS && rowBias === 0)) return false;
  if (cMode === GEMM.ACCUMULATE) fillC(pool.heap(), cp >> 2, g);
  const [cf, lo, hi] = clampFlags(clamp);
  const flags = cf | cMode;
  const [aRow, aK] = g.transA ? [1, m] : [k, 1];
  if (!runChunks(pool, gemmRun(pool, chunks, [[ap, aRow, aK, bp, n, cp, n, m, n, k, g.alpha, flags, rowBias, colBias, lo, hi]]))) return false;
  const base = cp >> 2;
  out.set(pool.heap().subarray(base, base + m * n));
  return true;
}
