// The cache-blocked product: B is packed block by block (KC rows x NC columns) into 8-column panels that
// sgemm streams sequentially, over row blocks of MC. A convolution packs its B straight from the padded
// input planes (an implicit im2col: the column matrix never exists whole).
//
// Note [one summation order]: an element of C sums its k products in order within each KC block of k,
// then adds the blocks one after another (alpha per block), or, read in place (direct), all k in one run;
// its row, its column and how many neighbours share its tile never change that. So any split of C into
// row or column ranges gives bit-identical results, as long as every range runs the mode (blocked or
// direct) that `gemmBlocked` picks for the whole product: the intra-op threads (../../parallel) rely on it.

import { alloc, mark, release, SLACK } from "./scratch";
import { ACCUMULATE, COL_BIAS, EPILOGUE, PACKED_B, ROW_BIAS, sgemm } from "./sgemm";

const KC: i32 = 256;
const NC: i32 = 512;
const MC: i32 = 96;
/** Products whose B is at most this many floats, or with at most 4 rows, read B in place (no packing). */
const DIRECT_B: i32 = 8192;

/** B[k0 .. k0+kc, j0 .. j0+nc] of a row-major B (row stride ldb) as panels at dst, zero past column n. */
function packRows(b: usize, ldb: i32, k0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const ldbB = (<usize>ldb) << 2;
  const kcB = (<usize>kc) << 5;
  for (let q = 0; q < nc; q += 8) {
    const w = min(8, nc - q);
    let s = b + (<usize>k0) * ldbB + ((<usize>(j0 + q)) << 2);
    let d = dst + (<usize>(q >> 3)) * kcB;
    if (w == 8) {
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        s += ldbB;
        d += 32;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        v128.store(d, f32x4.splat(0));
        v128.store(d, f32x4.splat(0), 16);
        for (let j = 0; j < w; j++) store<f32>(d + ((<usize>j) << 2), load<f32>(s + ((<usize>j) << 2)));
        s += ldbB;
        d += 32;
      }
    }
  }
}

// The convolution whose B `packConv` reads, set by `convGemm`: padded planes [C, Hp, Wp], the kernel
// window and the output row length. Row k of B is input channel k / (KH*KW) at tap k % (KH*KW); column p
// is output position p.
let cx: usize = 0;
let cHp: i32 = 0;
let cWp: i32 = 0;
let cKH: i32 = 0;
let cKW: i32 = 0;
let csh: i32 = 0;
let csw: i32 = 0;
let cdh: i32 = 0;
let cdw: i32 = 0;
let cOW: i32 = 0;
/** The first column of the range convGemmRange computes (packConv's column j is column cJ0 + j). */
let cJ0: i32 = 0;
/** NC int offsets: output position j0 + q starts at padded offset colOff[q] (floats). */
let colOff: usize = 0;
/** KC int offsets: row k0 + kk of B starts at byte rowOff[kk] of the planes. */
let rowOff: usize = 0;

/** Like packRows, for the implicit column matrix of the convolution set up by convGemm. */
function packConv(k0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  let oh = j0 / cOW;
  let ow = j0 - oh * cOW;
  for (let q = 0; q < nc; q++) {
    store<i32>(colOff + ((<usize>q) << 2), oh * csh * cWp + ow * csw);
    if (++ow == cOW) {
      ow = 0;
      oh++;
    }
  }
  const KK = cKH * cKW;
  let c = k0 / KK;
  let kh = (k0 - c * KK) / cKW;
  let kw = k0 - c * KK - kh * cKW;
  for (let kk = 0; kk < kc; kk++) {
    store<i32>(rowOff + ((<usize>kk) << 2), ((c * cHp + kh * cdh) * cWp + kw * cdw) << 2);
    if (++kw == cKW) {
      kw = 0;
      if (++kh == cKH) {
        kh = 0;
        c++;
      }
    }
  }
  // Panel by panel, so the writes run sequentially; eight output positions in one row at stride 1 or 2
  // are one or two vector loads per row of B.
  const kcB = (<usize>kc) << 5;
  for (let q = 0; q < nc; q += 8) {
    const o = colOff + ((<usize>q) << 2);
    const o0 = load<i32>(o);
    const span = q + 8 <= nc ? load<i32>(o, 28) - o0 : -1;
    const base = cx + ((<usize>o0) << 2);
    let d = dst + (<usize>(q >> 3)) * kcB;
    if (span == 7) {
      for (let kk = 0; kk < kc; kk++) {
        const s = base + <usize>load<i32>(rowOff + ((<usize>kk) << 2));
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        d += 32;
      }
    } else if (span == 14) {
      for (let kk = 0; kk < kc; kk++) {
        const s = base + <usize>load<i32>(rowOff + ((<usize>kk) << 2));
        v128.store(d, v128.shuffle<f32>(v128.load(s), v128.load(s, 16), 0, 2, 4, 6));
        v128.store(d, v128.shuffle<f32>(v128.load(s, 32), v128.load(s, 48), 0, 2, 4, 6), 16);
        d += 32;
      }
    } else {
      const w = min(8, nc - q);
      for (let kk = 0; kk < kc; kk++) {
        const row = cx + <usize>load<i32>(rowOff + ((<usize>kk) << 2));
        v128.store(d, f32x4.splat(0));
        v128.store(d, f32x4.splat(0), 16);
        for (let j = 0; j < w; j++) store<f32>(d + ((<usize>j) << 2), load<f32>(row + ((<usize>load<i32>(o + ((<usize>j) << 2))) << 2)));
        d += 32;
      }
    }
  }
}

/** The blocked driver over a row-major B (conv false) or the convolution set up by convGemm (conv true). */
@inline
function blocked(
  conv: bool, a: usize, aRow: i32, aK: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, n: i32, k: i32,
  alpha: f32, flags: i32, rowBias: usize, colBias: usize, lo: f32, hi: f32,
): i32 {
  const top = mark();
  const ncMax = min(n, NC);
  const pb = alloc((<usize>min(k, KC)) * (<usize>((ncMax + 7) & ~7)) << 2);
  if (pb == 0) return -1;
  if (conv) {
    colOff = alloc((<usize>ncMax) << 2);
    rowOff = alloc((<usize>min(k, KC)) << 2);
    if (colOff == 0 || rowOff == 0) return -1;
  }
  const aRowB = (<usize>aRow) << 2;
  const aKB = (<usize>aK) << 2;
  const ldcB = (<usize>ldc) << 2;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = min(KC, k - k0);
    // alpha applies to each block's partial product; biases, residual and activation once, after the last block.
    const fl = (k0 == 0 ? flags & ACCUMULATE : ACCUMULATE) | (k0 + kc >= k ? flags & (ROW_BIAS | COL_BIAS | EPILOGUE) : 0) | PACKED_B;
    for (let j0 = 0; j0 < n; j0 += NC) {
      const nc = min(NC, n - j0);
      if (conv) packConv(k0, kc, cJ0 + j0, nc, pb);
      else packRows(b, ldb, k0, kc, j0, nc, pb);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = min(MC, m - i0);
        sgemm(
          a + (<usize>i0) * aRowB + (<usize>k0) * aKB, aRow, aK, pb, 8, c + (<usize>i0) * ldcB + ((<usize>j0) << 2), ldc, mc, nc, kc,
          alpha, fl, rowBias + ((<usize>i0) << 2), colBias + ((<usize>j0) << 2), lo, hi,
        );
      }
    }
  }
  release(top);
  return 0;
}

/** Whether `gemm` runs the product blocked over packed panels (1) or reads B in place (0). */
export function gemmBlocked(m: i32, n: i32, k: i32, flags: i32): i32 {
  return (flags & PACKED_B) != 0 || m <= 4 || k * n <= DIRECT_B ? 0 : 1;
}

/**
 * sgemm's product for any size: small ones read B in place, larger ones run blocked over packed panels.
 * Returns -1 when scratch memory runs out.
 */
export function gemm(
  a: usize, aRow: i32, aK: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, n: i32, k: i32,
  alpha: f32, flags: i32, rowBias: usize, colBias: usize, lo: f32, hi: f32,
): i32 {
  return gemmWith(gemmBlocked(m, n, k, flags), a, aRow, aK, b, ldb, c, ldc, m, n, k, alpha, flags, rowBias, colBias, lo, hi);
}

/**
 * `gemm` in the given mode (gemmBlocked's answer for the whole product), for a row or column range of it:
 * see Note [one summation order]. Returns -1 when scratch memory runs out.
 */
export function gemmWith(
  blockedMode: i32, a: usize, aRow: i32, aK: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, n: i32, k: i32,
  alpha: f32, flags: i32, rowBias: usize, colBias: usize, lo: f32, hi: f32,
): i32 {
  if (blockedMode == 0) {
    sgemm(a, aRow, aK, b, ldb, c, ldc, m, n, k, alpha, flags, rowBias, colBias, lo, hi);
    return 0;
  }
  return blocked(false, a, aRow, aK, b, ldb, c, ldc, m, n, k, alpha, flags, rowBias, colBias, lo, hi);
}

/**
 * C [m x OH*OW] = A [m x C*KH*KW] · the column matrix of padded planes x [C, Hp, Wp] (never built whole),
 * with sgemm's epilogue flags. Returns -1 when scratch memory runs out.
 */
export function convGemm(
  a: usize, x: usize, Hp: i32, Wp: i32, KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dw: i32, OW: i32,
  c: usize, m: i32, n: i32, k: i32, flags: i32, rowBias: usize, lo: f32, hi: f32,
): i32 {
  return convGemmRange(a, x, Hp, Wp, KH, KW, sh, sw, dh, dw, OW, c, n, m, 0, n, k, flags, rowBias, lo, hi);
}

/**
 * convGemm's columns j0 .. j0+n of C (row stride ldc; c is the start of column 0), so output positions
 * can be split between threads. Returns -1 when scratch memory runs out.
 */
export function convGemmRange(
  a: usize, x: usize, Hp: i32, Wp: i32, KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dw: i32, OW: i32,
  c: usize, ldc: i32, m: i32, j0: i32, n: i32, k: i32, flags: i32, rowBias: usize, lo: f32, hi: f32,
): i32 {
  cx = x;
  cHp = Hp;
  cWp = Wp;
  cKH = KH;
  cKW = KW;
  csh = sh;
  csw = sw;
  cdh = dh;
  cdw = dw;
  cOW = OW;
  cJ0 = j0;
  return blocked(true, a, k, 1, 0, 0, c + ((<usize>j0) << 2), ldc, m, n, k, 1, flags, rowBias, 0, lo, hi);
}

/**
 * An upper bound on the scratch bytes one gemmWith or convGemmRange call allocates (the packed panel and
 * the offset tables, each with the allocator's slack and alignment): each intra-op thread owns this much.
 */
export function rangeScratchBytes(): usize {
  return ((<usize>(KC * NC + NC + KC)) << 2) + 3 * (SLACK + 16);
}
