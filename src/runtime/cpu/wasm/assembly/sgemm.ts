import { activate, residualAt, RESIDUAL } from "./epilogue";
export { CLAMP, EPILOGUE, RESIDUAL } from "./epilogue";

// The float32 matrix product: a 4x8 register tile (eight f32x4 accumulators) over B in 8-column panels.
//
// Note [over-read lanes]: a panel past the last column, a C row being accumulated and a column bias are
// read as whole vectors even where fewer than 8 columns are left; the extra lanes hold whatever follows
// in memory (the next row, or the allocator's slack), are computed independently and are never stored.

/** Add the existing C (the caller prefilled it, e.g. with beta*C) to alpha*A·B. */
export const ACCUMULATE: i32 = 1;
/** Add rowBias[i] to row i. */
export const ROW_BIAS: i32 = 2;
/** Add colBias[j] to column j. */
export const COL_BIAS: i32 = 4;
/** B was laid out by `packB`: 8-column panels of k rows each. */
export const PACKED_B: i32 = 16;

@inline
function finish(cp: usize, v0: v128, v1: v128, nc: i32, flags: i32, alpha: v128, rb: f32, cb: usize, lo: v128, hi: v128): void {
  if (flags & ACCUMULATE) {
    v0 = f32x4.add(f32x4.mul(v0, alpha), v128.load(cp));
    v1 = f32x4.add(f32x4.mul(v1, alpha), v128.load(cp, 16));
  } else {
    v0 = f32x4.mul(v0, alpha);
    v1 = f32x4.mul(v1, alpha);
  }
  if (flags & ROW_BIAS) {
    const r = f32x4.splat(rb);
    v0 = f32x4.add(v0, r);
    v1 = f32x4.add(v1, r);
  }
  if (flags & COL_BIAS) {
    v0 = f32x4.add(v0, v128.load(cb));
    v1 = f32x4.add(v1, v128.load(cb, 16));
  }
  if (flags & RESIDUAL) {
    v0 = f32x4.add(v0, residualAt(cp, 0));
    v1 = f32x4.add(v1, residualAt(cp, 16));
  }
  v0 = activate(v0, flags, lo, hi);
  v1 = activate(v1, flags, lo, hi);
  storeN(cp, v0, v1, nc);
}

/** Stores the first `nc` (at most 8) lanes of v0:v1 at `p`. */
@inline
export function storeN(p: usize, v0: v128, v1: v128, nc: i32): void {
  if (nc >= 8) {
    v128.store(p, v0);
    v128.store(p, v1, 16);
    return;
  }
  let v = v0;
  let q = p;
  let r = nc;
  if (r >= 4) {
    v128.store(p, v0);
    v = v1;
    q = p + 16;
    r -= 4;
  }
  if (r > 0) v128.store32_lane(q, v, 0);
  if (r > 1) v128.store32_lane(q, v, 1, 4);
  if (r > 2) v128.store32_lane(q, v, 2, 8);
}

/**
 * C[m x n] = alpha * A·B (+ C) (+ rowBias) (+ colBias) (+ residual), activated: see the flags (and
 * epilogue.ts). A's element (i, p) is at
 * a + 4*(i*aRow + p*aK), so a transposed A is just other strides. B's row p starts at b + 4*p*ldb with
 * contiguous columns, or B is packed (PACKED_B). C is row-major with row stride ldc.
 */
export function sgemm(
  a: usize, aRow: i32, aK: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, n: i32, k: i32,
  alpha: f32, flags: i32, rowBias: usize, colBias: usize, lo: f32, hi: f32,
): void {
  const aRowB = (<usize>aRow) << 2;
  const aKB = (<usize>aK) << 2;
  const packed = (flags & PACKED_B) != 0;
  const bStep: usize = packed ? 32 : (<usize>ldb) << 2;
  const panelB: usize = packed ? (<usize>k) << 5 : 32;
  const ldcB = (<usize>ldc) << 2;
  const av = f32x4.splat(alpha);
  const lov = f32x4.splat(lo);
  const hiv = f32x4.splat(hi);
  for (let j0 = 0; j0 < n; j0 += 8) {
    const nc = min(8, n - j0);
    const bp = b + (<usize>(j0 >> 3)) * panelB;
    const cb = colBias + ((<usize>j0) << 2);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let ap = a + (<usize>i) * aRowB;
      let bq = bp;
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(bq);
        const b1 = v128.load(bq, 16);
        let x = v128.load32_splat(ap);
        c00 = f32x4.add(c00, f32x4.mul(x, b0));
        c01 = f32x4.add(c01, f32x4.mul(x, b1));
        x = v128.load32_splat(ap + aRowB);
        c10 = f32x4.add(c10, f32x4.mul(x, b0));
        c11 = f32x4.add(c11, f32x4.mul(x, b1));
        x = v128.load32_splat(ap + 2 * aRowB);
        c20 = f32x4.add(c20, f32x4.mul(x, b0));
        c21 = f32x4.add(c21, f32x4.mul(x, b1));
        x = v128.load32_splat(ap + 3 * aRowB);
        c30 = f32x4.add(c30, f32x4.mul(x, b0));
        c31 = f32x4.add(c31, f32x4.mul(x, b1));
        ap += aKB;
        bq += bStep;
      }
      const cp = c + (<usize>i) * ldcB + ((<usize>j0) << 2);
      const rb = rowBias + ((<usize>i) << 2);
      finish(cp, c00, c01, nc, flags, av, flags & ROW_BIAS ? load<f32>(rb) : 0, cb, lov, hiv);
      finish(cp + ldcB, c10, c11, nc, flags, av, flags & ROW_BIAS ? load<f32>(rb, 4) : 0, cb, lov, hiv);
      finish(cp + 2 * ldcB, c20, c21, nc, flags, av, flags & ROW_BIAS ? load<f32>(rb, 8) : 0, cb, lov, hiv);
      finish(cp + 3 * ldcB, c30, c31, nc, flags, av, flags & ROW_BIAS ? load<f32>(rb, 12) : 0, cb, lov, hiv);
    }
    for (; i < m; i++) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let ap = a + (<usize>i) * aRowB;
      let bq = bp;
      for (let p = 0; p < k; p++) {
        const x = v128.load32_splat(ap);
        c00 = f32x4.add(c00, f32x4.mul(x, v128.load(bq)));
        c01 = f32x4.add(c01, f32x4.mul(x, v128.load(bq, 16)));
        ap += aKB;
        bq += bStep;
      }
      const cp = c + (<usize>i) * ldcB + ((<usize>j0) << 2);
      finish(cp, c00, c01, nc, flags, av, flags & ROW_BIAS ? load<f32>(rowBias + ((<usize>i) << 2)) : 0, cb, lov, hiv);
    }
  }
}

/**
 * Lays B [k x n] (row stride ldb) out as 8-column panels, panel after panel, each k rows of 8 floats, the
 * last panel zero-filled past column n: what sgemm reads with PACKED_B, streaming one panel sequentially.
 */
export function packB(b: usize, ldb: i32, k: i32, n: i32, dst: usize): void {
  const ldbB = (<usize>ldb) << 2;
  let d = dst;
  for (let j0 = 0; j0 < n; j0 += 8) {
    const nc = min(8, n - j0);
    let s = b + ((<usize>j0) << 2);
    if (nc == 8) {
      for (let p = 0; p < k; p++) {
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        s += ldbB;
        d += 32;
      }
    } else {
      for (let p = 0; p < k; p++) {
        v128.store(d, f32x4.splat(0));
        v128.store(d, f32x4.splat(0), 16);
        for (let j = 0; j < nc; j++) store<f32>(d + ((<usize>j) << 2), load<f32>(s + ((<usize>j) << 2)));
        s += ldbB;
        d += 32;
      }
    }
  }
}

/** dst[cols x rows] = src[rows x cols]ᵀ, in 4x4 blocks of vector shuffles. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  const sB = (<usize>cols) << 2;
  const dB = (<usize>rows) << 2;
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const s = src + (<usize>i) * sB + ((<usize>j) << 2);
      const r0 = v128.load(s);
      const r1 = v128.load(s + sB);
      const r2 = v128.load(s + 2 * sB);
      const r3 = v128.load(s + 3 * sB);
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
      const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const d = dst + (<usize>j) * dB + ((<usize>i) << 2);
      v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
      v128.store(d + dB, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
      v128.store(d + 2 * dB, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
      v128.store(d + 3 * dB, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
    }
    for (; j < cols; j++)
      for (let r = i; r < i + 4; r++) store<f32>(dst + (<usize>j) * dB + ((<usize>r) << 2), load<f32>(src + (<usize>r) * sB + ((<usize>j) << 2)));
  }
  for (; i < rows; i++)
    for (let j = 0; j < cols; j++) store<f32>(dst + (<usize>j) * dB + ((<usize>i) << 2), load<f32>(src + (<usize>i) * sB + ((<usize>j) << 2)));
}
