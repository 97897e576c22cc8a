/**
 * Float32 matrix products and 2-D convolutions on the WebAssembly kernels: each call copies its operands
 * into the module's memory, runs one export (or one per batch), and copies the result out. Operands the
 * caller marks constant stay in wasm memory between calls instead (Note [resident constants]), in the form
 * the export reads them: a weight as it is, a Gemm's B transposed and packed into panels.
 */
import { GEMM, type WasmKernels } from './instance.js';
import { clampFlags, fillC, gemmCMode, isDepthwise, stacked, type Clamp, type Constant, type Conv2dShape, type GemmArgs } from './operands.js';
import { parallelConv2d, parallelGemm, parallelMatMul } from '../parallel/index.js';

/**
/**
 * Note [resident constants]
 * A constant operand (KernelContext.isConstant: a weight, a bias) is copied into the module's memory once,
 * in the form the export reads (as it is, transposed, or packed into 8-column panels), and kept across
 * calls in a region [scratchBase(), floor) at the bottom of the scratch memory: the allocator's pinned
 * floor (assembly/scratch.ts `setFloor`) keeps every `reset`, ours or anyone's, above it. Entries are keyed
 * by the source Float32Array (weakly; only float32 tensors, whose data is the tensor's own array) and the
 * form. An entry's block goes back to a free list when its array is garbage-collected (the session and
 * the model holding the weights are both dropped), never earlier; the region shrinks to its highest live
 * block, and wasm memory never shrinks. Whoever moves the floor other than us (a test) makes us drop every
 * entry at the next call (they are made again on first use). The region stops growing at RESIDENT_LIMIT
 * floats; constants beyond it are copied per call as before.
 */
const RESIDENT_LIMIT = 32 << 20;
/** Spare floats after each block (vector loops may read a few lanes past a row's end) and its alignment. */
const BLOCK_SLACK = 16;

interface Block {
  p: number;
  floats: number;
}

export class ResidentHeap {
  /** Byte offset of the region. */
  readonly base: number;
  /** Floats reserved from `base` on. */
  size = 0;
  epoch = 0;
  entries = new WeakMap<Float32Array, Map<string, number>>();
  /** Free blocks inside the region, by offset. */
  free: Block[] = [];

  constructor(readonly w: WasmKernels) {
    this.base = w.x.scratchBase();
  }

  /** The floor our region sets (the allocator's at the end of each of our calls). */
  private get floor(): number {
    return this.size === 0 ? 0 : this.base + this.size * 4;
  }

  /** Whether someone else moved the allocator's floor since our last call. */
  moved(): boolean {
    return this.w.x.floor() !== this.floor;
  }

  drop(): void {
    this.epoch++;
    this.entries = new WeakMap();
    this.free = [];
    this.size = 0;
    this.w.x.setFloor(0);
  }

  /**
   * A block of `floats` floats in the region (reusing a free one, else growing the region); its byte
   * offset. Growing moves the floor and resets the allocator: scratch of this call made before is lost.
   */
  take(floats: number): number | undefined {
    const i = this.free.findIndex((b) => b.floats >= floats);
    if (i >= 0) {
      const b = this.free[i]!;
      const p = b.p;
      if (b.floats === floats) this.free.splice(i, 1);
      else [b.p, b.floats] = [b.p + floats * 4, b.floats - floats];
      return p;
    }
    if (this.size + floats > RESIDENT_LIMIT) return undefined;
    if (this.w.x.setFloor(this.base + (this.size + floats) * 4) < 0) return undefined;
    this.size += floats;
    this.w.begin();
    return this.base + (this.size - floats) * 4;
  }

  /** Returns a block; the region shrinks when its last block is free. */
  give(p: number, floats: number): void {
    const free = this.free;
    let i = 0;
    while (i < free.length && free[i]!.p < p) i++;
    free.splice(i, 0, { p, floats });
    // Merge with the next block, then the previous one.
    if (i + 1 < free.length && p + floats * 4 === free[i + 1]!.p) free[i]!.floats += free.splice(i + 1, 1)[0]!.floats;
    if (i > 0 && free[i - 1]!.p + free[i - 1]!.floats * 4 === p) free[i - 1]!.floats += free.splice(i, 1)[0]!.floats;
    const last = free[free.length - 1];
    if (last !== undefined && last.p + last.floats * 4 === this.base + this.size * 4) {
      const mine = !this.moved();
      this.size -= last.floats;
      free.pop();
      if (mine) this.w.x.setFloor(this.floor);
    }
  }
}

const heaps = new WeakMap<WasmKernels, ResidentHeap>();

const collected =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<{ h: ResidentHeap; epoch: number; p: number; floats: number }>(({ h, epoch, p, floats }) => {
        if (h.epoch === epoch) h.give(p, floats);
      })
    : undefined;

/** Starts a kernel call: the scratch allocator reset above the resident region (Note [resident constants]). */
export function beginCall(w: WasmKernels): ResidentHeap {
  let h = heaps.get(w);
  if (h === undefined) heaps.set(w, (h = new ResidentHeap(w)));
  if (h.moved()) h.drop();
  w.begin();
  return h;
}

/**
 * The byte offset of `src` in form `form` (`floats` floats, laid out by `fill` given the offset) in the
 * resident region, made on first use; undefined when the region is full. Call before any scratch `alloc`
 * of the call: growing the region resets the scratch allocator.
 */
export function resident(w: WasmKernels, h: ResidentHeap, src: Float32Array, form: string, floats: number, fill: (p: number) => void): number | undefined {
  let forms = h.entries.get(src);
  const hit = forms?.get(form);
  if (hit !== undefined) return hit;
  const size = ((floats + 3) & ~3) + BLOCK_SLACK;
  const p = h.take(size);
  if (p === undefined) return undefined;
  fill(p);
  if (forms === undefined) h.entries.set(src, (forms = new Map()));
  forms.set(form, p);
  collected?.register(src, { h, epoch: h.epoch, p, floats: size });
  return p;
}

/** `gemm`'s blocking (assembly/blocked.ts): a depth block of KC rows of B, and B read in place up to DIRECT_B floats. */
const KC = 256;
const DIRECT_B = 8192;
/** A resident packed B is read whole by each row block: at most this many floats (well inside L2). */
const PACKED_LIMIT = 1 << 16;

/**
 * B [k x n] (stored [n x k] when `transB`), the matrix at element `bo` of `b`, packed into panels in the
 * resident region, for a product of `m` rows; undefined where the unpacked path would sum in another
 * order (blocked over depth: k > KC with more than 4 rows and a B past DIRECT_B), B is too large, or the
 * region is full.
 */
export function residentPacked(w: WasmKernels, h: ResidentHeap, b: Float32Array, bo: number, transB: boolean, k: number, n: number, m: number): number | undefined {
  if (k * n > PACKED_LIMIT || (k > KC && m > 4 && k * n > DIRECT_B)) return undefined;
  return resident(w, h, b, `packed:${transB ? 't' : ''}${bo}:${k}x${n}`, k * Math.ceil(n / 8) * 8, (p) => {
    let src = w.put(b.subarray(bo, bo + k * n));
    if (transB) {
      const t = w.alloc(k * n);
      w.x.transpose(src, n, k, t);
      src = t;
    }
    w.x.packB(src, n, k, n, p);
  });
}

export type { Clamp, Constant, Conv2dShape, GemmArgs } from './operands.js';

// The core (kernel.ts) knows nothing of the WebAssembly kernels: the CPU backend adds their form here.
declare module '../../kernel.js' {
  interface Activation {
    /** The activation as the WebAssembly kernels' epilogue, when they have it (bit-identical to `apply`). */
    readonly wasm?: Clamp;
  }
}

/** Rows per gemm call over a resident packed B, so a block of A stays in cache across B's panels. */
const ROW_BLOCK = 96;

/**
 * C [m x n] = alpha * A·B with the epilogue `flags`, B resident in packed panels at `pb`: one gemm call per
 * block of ROW_BLOCK rows (`gemm` runs a packed B unblocked, straight through sgemm).
 */
function gemmPacked(
  w: WasmKernels, ap: number, aRow: number, aK: number, pb: number, cp: number, m: number, n: number, k: number,
  alpha: number, flags: number, rowBias: number, colBias: number, lo: number, hi: number,
): void {
  for (let i0 = 0; i0 < m; i0 += ROW_BLOCK) {
    const mc = Math.min(ROW_BLOCK, m - i0);
    const rb = flags & GEMM.ROW_BIAS ? rowBias + i0 * 4 : rowBias;
    w.check(w.x.gemm(ap + i0 * aRow * 4, aRow, aK, pb, 8, cp + i0 * n * 4, n, mc, n, k, alpha, flags | GEMM.PACKED_B, rb, colBias, lo, hi));
  }
}

/** A copy of `src` for this call: resident when `keep` (and room is left), else put in scratch. */
function operand(w: WasmKernels, h: ResidentHeap, src: Float32Array, keep: boolean | undefined): number {
  if (!keep) return -1;
  const hit = h.entries.get(src)?.get('raw');
  if (hit !== undefined) return hit;
  return resident(w, h, src, 'raw', src.length, (p) => w.heap().set(src, p >> 2)) ?? -1;
}

/**
 * out[t] = A_t · B_t for each batch t, A_t the m x k matrix at element offset ao[t] of `a`, B_t the k x n
 * matrix at bo[t] of `b`; out is [batch, m, n], plus `bias` [n] along each row, clamped when `clamp`. A
 * batch over a shared B whose A matrices lie back to back is one product with batch*m rows.
 */
export function wasmMatMul(
  w: WasmKernels, a: Float32Array, ao: Int32Array, b: Float32Array, bo: Int32Array, out: Float32Array, m: number, n: number, k: number,
  clamp?: Clamp, constant: Constant = {}, bias?: Float32Array,
): void {
  if (parallelMatMul(a, ao, b, bo, out, m, n, k, clamp, bias, constant)) return;
  const [cf, lo, hi] = clampFlags(clamp);
  const flags = cf | (bias ? GEMM.COL_BIAS : 0);
  const total = ao.length;
  const h = beginCall(w);
  const one = stacked(ao, bo, m * k);
  const rows = one ? total * m : m;
  let pb = -1;
  if (constant.b && sharedB(bo)) pb = residentPacked(w, h, b, bo[0]!, false, k, n, rows) ?? -1;
  let bp = pb >= 0 ? -1 : operand(w, h, b, constant.b);
  let ap = operand(w, h, a, constant.a);
  let cb = bias ? operand(w, h, bias, constant.c) : 0;
  if (ap < 0) ap = w.put(a);
  if (pb < 0 && bp < 0) bp = w.put(b);
  if (cb < 0) cb = w.put(bias!);
  const cp = w.alloc(out.length);
  if (pb >= 0) {
    if (one) gemmPacked(w, ap + ao[0]! * 4, k, 1, pb, cp, rows, n, k, 1, flags, 0, cb, lo, hi);
    else for (let t = 0; t < total; t++) gemmPacked(w, ap + ao[t]! * 4, k, 1, pb, cp + t * m * n * 4, m, n, k, 1, flags, 0, cb, lo, hi);
  } else if (one) {
    w.check(w.x.gemm(ap + ao[0]! * 4, k, 1, bp + bo[0]! * 4, n, cp, n, rows, n, k, 1, flags, 0, cb, lo, hi));
  } else {
    for (let t = 0; t < total; t++) {
      w.check(w.x.gemm(ap + ao[t]! * 4, k, 1, bp + bo[t]! * 4, n, cp + t * m * n * 4, n, m, n, k, 1, flags, 0, cb, lo, hi));
    }
  }
  w.read(cp, out);
}

function sharedB(bo: Int32Array): boolean {
  for (let t = 1; t < bo.length; t++) if (bo[t] !== bo[0]) return false;
  return true;
}

/** out [m x n] = alpha * A·B + beta * C, C broadcast, clamped when `clamp`. */
export function wasmGemm(w: WasmKernels, g: GemmArgs, out: Float32Array): void {
  if (parallelGemm(g, out)) return;
  const { m, n, k } = g;
  const constant = g.constant ?? {};
  const h = beginCall(w);
  const pb = constant.b ? (residentPacked(w, h, g.b, 0, g.transB, k, n, m) ?? -1) : -1;
  let bp = -1;
  if (pb < 0 && constant.b) {
    const b = g.b;
    bp = g.transB
      ? (resident(w, h, b, `t:${n}x${k}`, k * n, (p) => {
          const s = w.put(b);
          w.x.transpose(s, n, k, p);
        }) ?? -1)
      : operand(w, h, b, true);
  }
  const cMode = gemmCMode(g);
  let rowBias = cMode === GEMM.ROW_BIAS ? operand(w, h, g.c!.data, constant.c) : 0;
  let colBias = cMode === GEMM.COL_BIAS ? operand(w, h, g.c!.data, constant.c) : 0;
  // Every resident operand is in place: scratch from here on.
  let ap = operand(w, h, g.a, constant.a);
  if (ap < 0) ap = w.put(g.a);
  if (pb < 0 && bp < 0) {
    bp = w.put(g.b);
    if (g.transB) {
      const t = w.alloc(k * n);
      w.x.transpose(bp, n, k, t);
      bp = t;
    }
  }
  if (colBias < 0) colBias = w.put(g.c!.data);
  if (rowBias < 0) rowBias = w.put(g.c!.data);
  const cp = w.alloc(m * n);
  if (cMode === GEMM.ACCUMULATE) fillC(w.heap(), cp >> 2, g);
  const [cf, lo, hi] = clampFlags(g.clamp);
  const flags = cMode | cf;
  const [aRow, aK] = g.transA ? [1, m] : [k, 1];
  if (pb >= 0) gemmPacked(w, ap, aRow, aK, pb, cp, m, n, k, g.alpha, flags, rowBias, colBias, lo, hi);
  else w.check(w.x.gemm(ap, aRow, aK, bp, n, cp, n, m, n, k, g.alpha, flags, rowBias, colBias, lo, hi));
  w.read(cp, out);
}

/**
 * y [N, M, OH, OW] = conv(x [N, C, H, W], w [M, C/group, KH, KW]) + bias, clamped. A group per input
 * channel (depthwise) runs the direct depthwise loop; the rest im2col + gemm per image and group.
 * `constant.b` keeps the weights resident, `constant.c` the bias. `residual` (y's size) is added after the
 * bias, before the activation (a fused Add).
 */
export function wasmConv2d(
  w: WasmKernels, s: Conv2dShape, x: Float32Array, wt: Float32Array, bias: Float32Array | undefined, y: Float32Array, clamp?: Clamp,
  constant: Constant = {}, residual?: Float32Array,
): void {
  if (parallelConv2d(s, x, wt, bias, y, clamp, constant, residual)) return;
  const [af, lo, hi] = clampFlags(clamp);
  const flags = af | (residual ? GEMM.RESIDUAL : 0);
  const h = beginCall(w);
  let wp = operand(w, h, wt, constant.b);
  let bp = bias ? operand(w, h, bias, constant.c) : 0;
  const xp = w.put(x);
  if (wp < 0) wp = w.put(wt);
  if (bp < 0) bp = w.put(bias!);
  const yp = w.alloc(y.length);
  if (residual) w.x.setResidual((w.put(residual) - yp) | 0);
  const rc =
    isDepthwise(s)
      ? w.x.depthwise2d(xp, wp, bp, yp, s.N, s.C, s.H, s.W, s.M, s.KH, s.KW, s.sh, s.sw, s.dh, s.dw, s.pt, s.pl, s.OH, s.OW, flags, lo, hi)
      : w.x.conv2d(xp, wp, bp, yp, s.N, s.C, s.H, s.W, s.M, s.group, s.KH, s.KW, s.sh, s.sw, s.dh, s.dw, s.pt, s.pl, s.OH, s.OW, flags, lo, hi);
  w.check(rc);
  w.read(yp, y);
}
