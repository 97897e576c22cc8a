// 2-D convolution over NCHW float32: each image's channels are copied once into zero-bordered planes, so
// no gather tests bounds; then the blocked product packs its B straight from them (blocked.ts), or the
// direct depthwise loop below runs over them.

import { alloc, copyF32 } from "./scratch";
import { convGemmRange, gemmBlocked, gemmWith } from "./blocked";
import { ROW_BIAS, storeN } from "./sgemm";
import { activate, EPILOGUE, RESIDUAL, residualAt, setResidual } from "./epilogue";

/** Extent of the padded input actually read along one axis. */
@inline
function extent(out: i32, k: i32, s: i32, d: i32): i32 {
  return (out - 1) * s + (k - 1) * d + 1;
}

/**
 * dst [C, Hp, Wp] = x [C, H, W] placed at row pt, column pl, zero elsewhere; input rows or columns beyond
 * the padded extent are never read, so they are dropped.
 */
function padPlanes(x: usize, C: i32, H: i32, W: i32, pt: i32, pl: i32, Hp: i32, Wp: i32, dst: usize): void {
  memory.fill(dst, 0, (<usize>(C * Hp * Wp)) << 2);
  const h1 = min(H, Hp - pt);
  const w1 = min(W, Wp - pl);
  if (w1 <= 0) return;
  for (let c = 0; c < C; c++)
    for (let h = 0; h < h1; h++) copyF32(dst + (<usize>(((c * Hp + h + pt) * Wp + pl) << 2)), x + (<usize>(((c * H + h) * W) << 2)), w1);
}

// A convolution's geometry, set by `geometry`: the planes it reads are [Hp, Wp] (the input's own when
// nothing is padded), and (conv2d) a 1x1 unit-stride unpadded kernel multiplies the input directly.
let gHp: i32 = 0;
let gWp: i32 = 0;
let gPad: bool = false;
let gDirect: bool = false;

function geometry(H: i32, W: i32, KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, OH: i32, OW: i32): void {
  let Hp = extent(OH, KH, sh, dh);
  let Wp = extent(OW, KW, sw, dw);
  const pad = pt > 0 || pl > 0 || Hp > H || Wp > W;
  if (!pad) {
    Hp = H;
    Wp = W;
  }
  gHp = Hp;
  gWp = Wp;
  gPad = pad;
  gDirect = KH == 1 && KW == 1 && sh == 1 && sw == 1 && !pad && Hp == OH && Wp == OW;
}

/**
 * Output channels i0 .. i1 (of M / G per group) and positions j0 .. j1 of image n's group g, with conv2d's
 * arguments: `src` holds the group's C / G input planes, padded when the geometry pads. Returns -1 when
 * scratch memory runs out.
 */
@inline
function convPart(
  src: usize, w: usize, bias: usize, y: usize, n: i32, g: i32, C: i32, M: i32, G: i32, KH: i32, KW: i32, sh: i32, sw: i32,
  dh: i32, dw: i32, OH: i32, OW: i32, flags: i32, lo: f32, hi: f32, i0: i32, i1: i32, j0: i32, j1: i32,
): i32 {
  const Mg = M / G;
  const K = (C / G) * KH * KW;
  const P = OH * OW;
  const gflags = (flags & EPILOGUE) | (bias != 0 ? ROW_BIAS : 0);
  const wg = w + (<usize>(g * Mg * K) << 2);
  const yo = y + (<usize>((n * M + g * Mg) * P) << 2);
  const bg = bias + (<usize>(g * Mg) << 2);
  const a = wg + (<usize>(i0 * K) << 2);
  const c = yo + (<usize>(i0 * P) << 2);
  const rb = bg + (<usize>i0 << 2);
  if (gDirect) return gemmWith(gemmBlocked(Mg, P, K, gflags), a, K, 1, src + (<usize>j0 << 2), P, c + (<usize>j0 << 2), P, i1 - i0, j1 - j0, K, 1, gflags, rb, 0, lo, hi);
  return convGemmRange(a, src, gHp, gWp, KH, KW, sh, sw, dh, dw, OW, c, P, i1 - i0, j0, j1 - j0, K, gflags, rb, lo, hi);
}

/**
 * y [N, M, OH, OW] = conv(x [N, C, H, W], w [M, C/G, KH, KW]) (+ bias [M]), then the epilogue flags
 * (epilogue.ts: residual, activation); pt/pl are the begin pads (the end pads only show in OH/OW). Returns -1 when scratch
 * memory runs out.
 */
export function conv2d(
  x: usize, w: usize, bias: usize, y: usize, N: i32, C: i32, H: i32, W: i32, M: i32, G: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, OH: i32, OW: i32, flags: i32, lo: f32, hi: f32,
): i32 {
  const Cg = C / G;
  geometry(H, W, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW);
  const pad = gPad;
  const xp: usize = pad ? alloc((<usize>(Cg * gHp * gWp)) << 2) : 0;
  if (pad && xp == 0) return -1;
  for (let n = 0; n < N; n++)
    for (let g = 0; g < G; g++) {
      let src = x + (<usize>((n * C + g * Cg) * H * W) << 2);
      if (pad) {
        padPlanes(src, Cg, H, W, pt, pl, gHp, gWp, xp);
        src = xp;
      }
      const rc = convPart(src, w, bias, y, n, g, C, M, G, KH, KW, sh, sw, dh, dw, OH, OW, flags, lo, hi, 0, M / G, 0, OH * OW);
      if (rc < 0) return rc;
    }
  return 0;
}

/**
 * The planes conv2d's products read, for every image at once, so threads can share them: x itself when
 * nothing is padded, else [N, C, Hp, Wp] zero-bordered copies in scratch memory (0 when it runs out).
 */
export function conv2dPlanes(
  x: usize, N: i32, C: i32, H: i32, W: i32, KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, OH: i32, OW: i32,
): usize {
  geometry(H, W, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW);
  if (!gPad) return x;
  const plane = gHp * gWp;
  const xp = alloc((<usize>(N * C * plane)) << 2);
  if (xp == 0) return 0;
  for (let n = 0; n < N; n++) padPlanes(x + (<usize>(n * C * H * W) << 2), C, H, W, pt, pl, gHp, gWp, xp + (<usize>(n * C * plane) << 2));
  return xp;
}

/**
 * conv2d's output channels i0 .. i1 (within each group) and positions j0 .. j1, for every image and
 * group, reading the planes conv2dPlanes returned: one thread's share, bit-identical to conv2d's values
 * there (Note [one summation order] in blocked.ts). `residual` is setResidual's delta (z's byte offset
 * minus y's), read under the RESIDUAL flag: each thread's instance has its own, so every chunk sets it.
 * Returns -1 when scratch memory runs out.
 */
export function conv2dRange(
  planes: usize, w: usize, bias: usize, y: usize, N: i32, C: i32, H: i32, W: i32, M: i32, G: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, OH: i32, OW: i32, flags: i32, lo: f32, hi: f32,
  residual: i32, i0: i32, i1: i32, j0: i32, j1: i32,
): i32 {
  const Cg = C / G;
  setResidual(residual);
  geometry(H, W, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW);
  const plane = gPad ? gHp * gWp : H * W;
  for (let n = 0; n < N; n++)
    for (let g = 0; g < G; g++) {
      const src = planes + (<usize>((n * C + g * Cg) * plane) << 2);
      const rc = convPart(src, w, bias, y, n, g, C, M, G, KH, KW, sh, sw, dh, dw, OH, OW, flags, lo, hi, i0, i1, j0, j1);
      if (rc < 0) return rc;
    }
  return 0;
}

/** One output row of a depthwise channel, eight columns at a time; `row` is the first padded row read. */
@inline
function dwRow(
  row: usize, yr: usize, wp: usize, OW: i32, KH: i32, KW: i32, sw: i32, dhB: usize, dwB: usize,
  biased: bool, bv: v128, flags: i32, lov: v128, hiv: v128,
): void {
  const swB = (<usize>sw) << 2;
  for (let ow = 0; ow < OW; ow += 8) {
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let r = row + (<usize>ow) * swB;
    let t = wp;
    for (let kh = 0; kh < KH; kh++) {
      let s = r;
      for (let kw = 0; kw < KW; kw++) {
        const wv = v128.load32_splat(t);
        let x0: v128, x1: v128;
        if (sw == 1) {
          x0 = v128.load(s);
          x1 = v128.load(s, 16);
        } else if (sw == 2) {
          x0 = v128.shuffle<f32>(v128.load(s), v128.load(s, 16), 0, 2, 4, 6);
          x1 = v128.shuffle<f32>(v128.load(s, 32), v128.load(s, 48), 0, 2, 4, 6);
        } else {
          x0 = f32x4(load<f32>(s), load<f32>(s + swB), load<f32>(s + 2 * swB), load<f32>(s + 3 * swB));
          x1 = f32x4(load<f32>(s + 4 * swB), load<f32>(s + 5 * swB), load<f32>(s + 6 * swB), load<f32>(s + 7 * swB));
        }
        a0 = f32x4.add(a0, f32x4.mul(wv, x0));
        a1 = f32x4.add(a1, f32x4.mul(wv, x1));
        s += dwB;
        t += 4;
      }
      r += dhB;
    }
    if (biased) {
      a0 = f32x4.add(a0, bv);
      a1 = f32x4.add(a1, bv);
    }
    const yp = yr + ((<usize>ow) << 2);
    if (flags & RESIDUAL) {
      a0 = f32x4.add(a0, residualAt(yp, 0));
      a1 = f32x4.add(a1, residualAt(yp, 16));
    }
    a0 = activate(a0, flags, lov, hiv);
    a1 = activate(a1, flags, lov, hiv);
    storeN(yp, a0, a1, min(8, OW - ow));
  }
}

/**
 * Depthwise y [N, M, OH, OW] from x [N, C, H, W] and w [M, 1, KH, KW], output channel m reading input
 * channel m / (M / C); bias and epilogue as in conv2d. Returns -1 when scratch memory runs out.
 */
export function depthwise2d(
  x: usize, w: usize, bias: usize, y: usize, N: i32, C: i32, H: i32, W: i32, M: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, OH: i32, OW: i32, flags: i32, lo: f32, hi: f32,
): i32 {
  const mult = M / C;
  geometry(H, W, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW);
  const Hp = gHp;
  const Wp = gWp;
  const pad = gPad;
  const xp: usize = pad ? alloc((<usize>(Hp * Wp)) << 2) : 0;
  if (pad && xp == 0) return -1;
  const lov = f32x4.splat(lo);
  const hiv = f32x4.splat(hi);
  const WpB = (<usize>Wp) << 2;
  const dhB = (<usize>(dh * Wp)) << 2;
  const dwB = (<usize>dw) << 2;
  const KK = KH * KW;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      let src = x + (<usize>((n * C + c) * H * W) << 2);
      if (pad) {
        padPlanes(src, 1, H, W, pt, pl, Hp, Wp, xp);
        src = xp;
      }
      for (let q = 0; q < mult; q++) {
        const m = c * mult + q;
        const wp = w + (<usize>(m * KK) << 2);
        const yp = y + (<usize>((n * M + m) * OH * OW) << 2);
        const bv = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>m << 2)) : 0);
        for (let oh = 0; oh < OH; oh++) {
          const row = src + (<usize>(oh * sh) * WpB);
          const yr = yp + (<usize>(oh * OW) << 2);
          // A constant stride per call, so each inlined copy keeps only its own loads.
          if (sw == 1) dwRow(row, yr, wp, OW, KH, KW, 1, dhB, dwB, bias != 0, bv, flags, lov, hiv);
          else if (sw == 2) dwRow(row, yr, wp, OW, KH, KW, 2, dhB, dwB, bias != 0, bv, flags, lov, hiv);
          else dwRow(row, yr, wp, OW, KH, KW, sw, dhB, dwB, bias != 0, bv, flags, lov, hiv);
        }
      }
    }
  return 0;
}
