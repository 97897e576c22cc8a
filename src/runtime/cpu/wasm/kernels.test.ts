/**
 * The WebAssembly SIMD kernels (and the JavaScript float32 sgemm they replace) against independent float64
 * references written out plainly below, on random shapes chosen to hit every edge: m, n, k off the 4x8
 * tile, k = 1, n = 1, a large k, packed B, transposed A, every epilogue flag, strided and dilated
 * convolutions with asymmetric pads, depthwise channel multipliers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sgemm as jsSgemm } from '../kernels/conv/sgemm.js';
import { GEMM, initWasm, wasmKernels, type WasmKernels } from './instance.js';
import { wasmConv2d, wasmGemm, wasmMatMul, type Conv2dShape } from './ops.js';
import { randFloat32 } from '../../../../test/support/seeded-float32.js';

const U = 2 ** -24;

/**
 * Float64 A·B with the magnitude sum per element: float32 accumulation of k products stays within
 * (k + 2) * u * sum|a*b| of the exact result (u = 2^-24), whatever the summation order.
 */
function refGemm(a: (i: number, p: number) => number, b: (p: number, j: number) => number, m: number, n: number, k: number): { val: Float64Array; mag: Float64Array } {
  const val = new Float64Array(m * n);
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < k; p++) {
        const v = a(i, p) * b(p, j);
        s += v;
        t += Math.abs(v);
      }
      val[i * n + j] = s;
      mag[i * n + j] = t;
    }
  return { val, mag };
}

function expectClose(got: Float32Array, want: Float64Array, mag: Float64Array, terms: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const tol = (terms + 4) * U * (mag[i]! + Math.abs(want[i]!)) + 1e-30;
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) expect.fail(`${what}[${i}]: got ${got[i]}, want ${want[i]} (tolerance ${tol})`);
  }
}

/** Awkward (m, n, k): off the tile in every direction, degenerate ones, a large k, a large packed B. */
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 8, 1], [4, 8, 1], [3, 5, 7], [5, 9, 3], [7, 1, 13], [1, 17, 4], [4, 1, 300], [9, 7, 1],
  [13, 31, 29], [16, 16, 16], [17, 33, 65], [2, 10, 16], [33, 3, 1000], [6, 300, 40], [64, 130, 96], [20, 45, 517],
];

let w: WasmKernels;
beforeAll(async () => {
  await initWasm();
  const k = wasmKernels();
  if (!k) throw new Error('WebAssembly SIMD is not available in this Node');
  w = k;
});

describe('sgemm', () => {
  it.each(SHAPES)('wasm matmul m=%i n=%i k=%i', (m, n, k) => {
    const a = randFloat32(m * k, m * 7 + k);
    const b = randFloat32(k * n, n * 13 + k);
    const out = new Float32Array(m * n);
    wasmMatMul(w, a, Int32Array.of(0), b, Int32Array.of(0), out, m, n, k);
    const r = refGemm((i, p) => a[i * k + p]!, (p, j) => b[p * n + j]!, m, n, k);
    expectClose(out, r.val, r.mag, k, 'C');
  });

  it.each(SHAPES)('javascript sgemm m=%i n=%i k=%i', (m, n, k) => {
    const a = randFloat32(m * k + 3, m * 5 + k);
    const b = randFloat32(k * n + 2, n * 11 + k);
    const out = new Float32Array(m * n + 5);
    jsSgemm(a, 3, b, 2, out, 5, m, n, k);
    const r = refGemm((i, p) => a[3 + i * k + p]!, (p, j) => b[2 + p * n + j]!, m, n, k);
    expectClose(out.subarray(5), r.val, r.mag, k, 'C');
  });

  it.each([false, true])('every epilogue flag, transposed A, packed B = %s', (packed) => {
    for (const [m, n, k] of SHAPES) {
      const a = randFloat32(k * m, m + 3 * k); // stored transposed: [k x m]
      const b = randFloat32(k * n, n + 5 * k);
      const prior = randFloat32(m * n, 99);
      const rowBias = randFloat32(m, 7);
      const colBias = randFloat32(n, 8);
      const alpha = 0.75;
      const [lo, hi] = [-0.5, 0.25];
      w.begin();
      const ap = w.put(a);
      let bp = w.put(b);
      if (packed) {
        const pb = w.alloc(k * (Math.ceil(n / 8) * 8));
        w.x.packB(bp, n, k, n, pb);
        bp = pb;
      }
      const cp = w.put(prior);
      const rp = w.put(rowBias);
      const cbp = w.put(colBias);
      const flags = GEMM.ACCUMULATE | GEMM.ROW_BIAS | GEMM.COL_BIAS | GEMM.CLAMP | (packed ? GEMM.PACKED_B : 0);
      w.x.sgemm(ap, 1, m, bp, n, cp, n, m, n, k, alpha, flags, rp, cbp, lo, hi);
      const got = new Float32Array(m * n);
      w.read(cp, got);
      const r = refGemm((i, p) => a[p * m + i]!, (p, j) => b[p * n + j]!, m, n, k);
      const want = r.val.map((v, idx) => {
        const i = Math.floor(idx / n);
        const j = idx % n;
        return Math.min(hi, Math.max(lo, alpha * v + prior[idx]! + rowBias[i]! + colBias[j]!));
      });
      const mag = r.mag.map((v, idx) => alpha * v + Math.abs(prior[idx]!) + 2);
      expectClose(got, want, mag, k + 4, `m=${m} n=${n} k=${k}`);
    }
  });

  it.each([[1, 1], [4, 4], [3, 9], [8, 5], [13, 17], [32, 32]])('transpose %i x %i', (rows, cols) => {
    const src = randFloat32(rows * cols, rows * 100 + cols);
    w.begin();
    const sp = w.put(src);
    const dp = w.alloc(rows * cols);
    w.x.transpose(sp, rows, cols, dp);
    const got = new Float32Array(rows * cols);
    w.read(dp, got);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) expect(got[j * rows + i]).toBe(src[i * cols + j]);
  });

  it('batched products with broadcast and strided batch offsets', () => {
    const [m, n, k] = [5, 11, 6];
    const a = randFloat32(3 * m * k, 1);
    const b = randFloat32(2 * k * n, 2);
    const ao = Int32Array.of(2 * m * k, 0, m * k, 2 * m * k);
    const bo = Int32Array.of(0, k * n, 0, k * n);
    const out = new Float32Array(4 * m * n);
    wasmMatMul(w, a, ao, b, bo, out, m, n, k);
    for (let t = 0; t < 4; t++) {
      const r = refGemm((i, p) => a[ao[t]! + i * k + p]!, (p, j) => b[bo[t]! + p * n + j]!, m, n, k);
      expectClose(out.subarray(t * m * n, (t + 1) * m * n), r.val, r.mag, k, `batch ${t}`);
    }
  });

  it.each([
    [false, false, [1, 9]], [true, false, [9]], [false, true, [4, 1]], [true, true, []], [false, false, [4, 9]],
  ] as [boolean, boolean, number[]][])('wasm Gemm transA=%s transB=%s C dims %j', (ta, tb, cDims) => {
    const [m, n, k] = [4, 9, 7];
    for (const beta of [1, -0.5]) {
      const a = randFloat32(m * k, 3);
      const b = randFloat32(k * n, 4);
      const c = randFloat32(cDims.reduce((x, y) => x * y, 1), 5);
      const out = new Float32Array(m * n);
      wasmGemm(w, { a, transA: ta, b, transB: tb, m, n, k, alpha: 1.5, beta, c: { data: c, dims: cDims } }, out);
      const r = refGemm((i, p) => (ta ? a[p * m + i]! : a[i * k + p]!), (p, j) => (tb ? b[j * k + p]! : b[p * n + j]!), m, n, k);
      const [cr, cc] = cDims.length === 0 ? [1, 1] : cDims.length === 1 ? [1, cDims[0]!] : [cDims[0]!, cDims[1]!];
      const cAt = (i: number, j: number): number => c[(cr === 1 ? 0 : i) * cc + (cc === 1 ? 0 : j)]!;
      const want = r.val.map((v, idx) => 1.5 * v + beta * cAt(Math.floor(idx / n), idx % n));
      const mag = r.mag.map((v, idx) => 1.5 * v + Math.abs(cAt(Math.floor(idx / n), idx % n)));
      expectClose(out, want, mag, k + 2, `beta ${beta}`);
    }
  });
});

/** Direct float64 convolution (NCHW, groups, pads, strides, dilations) with magnitude sums. */
function refConv(s: Conv2dShape, x: Float32Array, wt: Float32Array, bias: Float32Array | undefined): { val: Float64Array; mag: Float64Array } {
  const Cg = s.C / s.group;
  const Mg = s.M / s.group;
  const val = new Float64Array(s.N * s.M * s.OH * s.OW);
  const mag = new Float64Array(val.length);
  for (let n = 0; n < s.N; n++)
    for (let m = 0; m < s.M; m++) {
      const g = Math.floor(m / Mg);
      for (let oh = 0; oh < s.OH; oh++)
        for (let ow = 0; ow < s.OW; ow++) {
          let v = bias ? bias[m]! : 0;
          let t = Math.abs(v);
          for (let c = 0; c < Cg; c++)
            for (let kh = 0; kh < s.KH; kh++)
              for (let kw = 0; kw < s.KW; kw++) {
                const ih = oh * s.sh - s.pt + kh * s.dh;
                const iw = ow * s.sw - s.pl + kw * s.dw;
                if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W) continue;
                const p = x[((n * s.C + g * Cg + c) * s.H + ih) * s.W + iw]! * wt[((m * Cg + c) * s.KH + kh) * s.KW + kw]!;
                v += p;
                t += Math.abs(p);
              }
          const o = ((n * s.M + m) * s.OH + oh) * s.OW + ow;
          val[o] = v;
          mag[o] = t;
        }
    }
  return { val, mag };
}

/** A shape from input dims, kernel, strides, dilations, begin and end pads (the output dims follow). */
function shape(
  N: number, C: number, H: number, W: number, M: number, group: number, KH: number, KW: number,
  [sh, sw]: number[], [dh, dw]: number[], [pt, pl, pb, pr]: number[],
): Conv2dShape {
  const OH = Math.floor((H + pt! + pb! - ((KH - 1) * dh! + 1)) / sh!) + 1;
  const OW = Math.floor((W + pl! + pr! - ((KW - 1) * dw! + 1)) / sw!) + 1;
  return { N, C, H, W, M, group, KH, KW, sh: sh!, sw: sw!, dh: dh!, dw: dw!, pt: pt!, pl: pl!, OH, OW };
}

const CONVS: [string, Conv2dShape][] = [
  ['3x3 pad 1', shape(2, 3, 16, 16, 8, 1, 3, 3, [1, 1], [1, 1], [1, 1, 1, 1])],
  ['1x1 direct', shape(2, 8, 8, 8, 16, 1, 1, 1, [1, 1], [1, 1], [0, 0, 0, 0])],
  ['1x1 stride 2', shape(2, 8, 8, 8, 16, 1, 1, 1, [2, 2], [1, 1], [0, 0, 0, 0])],
  ['3x3 stride 2 odd size', shape(1, 5, 9, 11, 7, 1, 3, 3, [2, 2], [1, 1], [1, 1, 1, 1])],
  ['stride 3 dilation 2 asymmetric pads', shape(1, 3, 13, 10, 5, 1, 3, 2, [3, 1], [2, 2], [2, 0, 1, 3])],
  ['groups 2', shape(1, 4, 6, 7, 6, 2, 3, 3, [1, 1], [1, 1], [1, 1, 1, 1])],
  ['unread trailing rows', shape(1, 2, 9, 9, 3, 1, 2, 2, [3, 3], [1, 1], [0, 0, 0, 0])],
  ['1-D as H=1', shape(2, 4, 1, 29, 6, 1, 1, 5, [1, 2], [1, 3], [0, 4, 0, 1])],
  ['large: packed B', shape(1, 32, 20, 20, 64, 1, 3, 3, [1, 1], [1, 1], [1, 1, 1, 1])],
  ['depthwise 3x3', shape(2, 16, 8, 8, 16, 16, 3, 3, [1, 1], [1, 1], [1, 1, 1, 1])],
  ['depthwise stride 2 multiplier 2', shape(2, 3, 8, 7, 6, 3, 3, 3, [2, 2], [1, 1], [0, 1, 1, 1])],
  ['depthwise stride 3 dilation 2', shape(1, 5, 17, 19, 5, 5, 3, 3, [3, 3], [2, 2], [2, 2, 1, 0])],
  ['depthwise wide rows', shape(1, 4, 5, 37, 4, 4, 5, 5, [1, 1], [1, 1], [2, 2, 2, 2])],
  ['depthwise 1-D', shape(2, 4, 1, 13, 4, 4, 1, 3, [1, 3], [1, 2], [0, 2, 0, 1])],
];

describe('conv2d and depthwise2d', () => {
  it.each(CONVS)('%s', (_name, s) => {
    for (const withBias of [false, true]) {
      const x = randFloat32(s.N * s.C * s.H * s.W, s.C * 31 + s.H);
      const wt = randFloat32(s.M * (s.C / s.group) * s.KH * s.KW, s.M * 17 + s.KW);
      const bias = withBias ? randFloat32(s.M, 3) : undefined;
      const y = new Float32Array(s.N * s.M * s.OH * s.OW);
      wasmConv2d(w, s, x, wt, bias, y);
      const r = refConv(s, x, wt, bias);
      expectClose(y, r.val, r.mag, (s.C / s.group) * s.KH * s.KW + 1, withBias ? 'with bias' : 'no bias');
    }
  });

  it('fused clamp', () => {
    const s = CONVS[3]![1];
    const x = randFloat32(s.N * s.C * s.H * s.W, 1);
    const wt = randFloat32(s.M * s.C * s.KH * s.KW, 2);
    const y = new Float32Array(s.N * s.M * s.OH * s.OW);
    wasmConv2d(w, s, x, wt, undefined, y, { lo: 0, hi: 0.5 });
    const r = refConv(s, x, wt, undefined);
    expectClose(y, r.val.map((v) => Math.min(0.5, Math.max(0, v))), r.mag, s.C * 9, 'relu6-like');
  });
});
