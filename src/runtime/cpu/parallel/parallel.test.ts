/**
 * The intra-op threads against the one-thread WebAssembly path (wasm/ops.ts), bit for bit, on shapes whose
 * split falls off the 4x8 tile, with fewer rows or columns than threads, k past the KC block (so the
 * blocked mode sums in blocks), the direct mode, batches, every Gemm epilogue and convolution geometries
 * (with and without a fused residual); then the work threshold, and a dead or hung worker (a KernelError,
 * not a hang). Chunks go to whichever thread claims them first, so these runs also cover chunks computed by
 * the caller and by workers alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelError } from '../../../ir/errors.js';
import { initWasm, wasmKernels, type WasmKernels } from '../wasm/instance.js';
import { wasmConv2d, wasmGemm, wasmMatMul } from '../wasm/ops.js';
import { parallelConv2d } from './conv.js';
import { parallelGemm, parallelMatMul } from './gemm.js';
import type { Conv2dShape, GemmArgs } from '../wasm/operands.js';
import { parallelRuns, workerChunkCount } from './pool.js';
import { splitOutput, splitRange } from './partition.js';
import { currentPool, intraOpThreads, MIN_WORK_PER_THREAD, onOneThread, setIntraOpThreads } from './threads.js';
import { randFloat32 } from '../../../../test/support/seeded-float32.js';

/** Bit-identical, NaN payloads and signed zeros included. */
function expectSameBits(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < g.length; i++) if (g[i] !== w[i]) expect.fail(`${what}[${i}]: got ${got[i]}, one thread gives ${want[i]}`);
}

let w: WasmKernels;
beforeAll(async () => {
  await initWasm();
  w = wasmKernels()!;
  expect(w).toBeDefined();
});
afterAll(async () => {
  await setIntraOpThreads(1);
});

describe('partition', () => {
  it('splits ranges evenly on step multiples', () => {
    expect(splitRange(35, 2, 8)).toEqual([[0, 16], [16, 35]]);
    expect(splitRange(5, 3, 8)).toEqual([[0, 5]]);
    expect(splitRange(17, 3, 4)).toEqual([[0, 4], [4, 12], [12, 17]]);
  });
  it('prefers columns, takes rows for tall narrow outputs, refuses what has no room for two', () => {
    expect(splitOutput(1, 100, 2)?.map((s) => [s.i0, s.i1, s.j0, s.j1])).toEqual([[0, 1, 0, 48], [0, 1, 48, 100]]);
    expect(splitOutput(1000, 10, 2)?.map((s) => [s.i0, s.i1, s.j0, s.j1])).toEqual([[0, 500, 0, 10], [500, 1000, 0, 10]]);
    expect(splitOutput(3, 7, 2)).toBeUndefined();
  });
});

/** (m, n, k): m < threads, n off the panel, k past KC = 256, the direct mode (m <= 4 or k*n <= 8192). */
const SHAPES: [number, number, number][] = [
  [1, 300, 40], [2, 9, 1000], [3, 17, 300], [4, 1000, 20], [7, 33, 65], [13, 31, 29], [64, 130, 96], [20, 45, 517],
  [129, 67, 257], [300, 5, 300], [96, 520, 260], [5, 16, 16], [200, 61, 200],
];

describe.each([2, 3])('%i threads', (threads) => {
  beforeAll(async () => {
    // Every product splits, however small, and a worker computes part of every run.
    expect(await setIntraOpThreads(threads, { minWorkPerThread: 1 })).toBe(threads);
    currentPool()!.waitForAWorker = true;
    workersBefore = workerChunkCount();
  });
  let workersBefore = 0;
  afterAll(() => {
    expect(workerChunkCount()).toBeGreaterThan(workersBefore);
  });

  it.each(SHAPES)('MatMul m=%i n=%i k=%i', (m, n, k) => {
    const a = randFloat32(m * k, m * 7 + k);
    const b = randFloat32(k * n, n * 13 + k);
    // Clamped on odd shapes (a fused Relu).
    const clamp = (m + n) % 2 === 1 ? { lo: 0, hi: Infinity } : undefined;
    const want = new Float32Array(m * n);
    onOneThread(() => wasmMatMul(w, a, Int32Array.of(0), b, Int32Array.of(0), want, m, n, k, clamp));
    const got = new Float32Array(m * n).fill(NaN);
    const before = parallelRuns();
    expect(parallelMatMul(a, Int32Array.of(0), b, Int32Array.of(0), got, m, n, k, clamp)).toBe(true);
    expect(parallelRuns()).toBe(before + 1);
    expectSameBits(got, want, 'C');
    // And as the one-thread path gives it with B resident (packed once where the sums keep their order).
    const resident = new Float32Array(m * n);
    for (let run = 0; run < 2; run++) onOneThread(() => wasmMatMul(w, a, Int32Array.of(0), b, Int32Array.of(0), resident, m, n, k, clamp, { b: true }));
    expectSameBits(got, resident, 'C (resident B)');
  });

  it.each([
    [3, 6, 20, 37, false, false],
    [5, 12, 9, 300, false, true],
    [2, 5, 70, 33, true, true],
    [threads, 40, 24, 260, false, false],
    [1, 130, 67, 300, true, true],
  ])('batched MatMul batch=%i m=%i n=%i k=%i (stacked %s, bias %s)', (batch, m, n, k, stacked, biased) => {
    // Batches over distinct B matrices (or one shared B, stacked A: one product of batch*m rows), with a
    // fused column bias (MatMul + Add) and Relu.
    const a = randFloat32(batch * m * k, 3);
    const b = randFloat32(batch * k * n, 4);
    const bias = biased ? randFloat32(n, 5) : undefined;
    const clamp = biased ? { lo: 0, hi: Infinity } : undefined;
    const ao = Int32Array.from({ length: batch }, (_, t) => t * m * k);
    const bo = Int32Array.from({ length: batch }, (_, t) => (stacked ? 0 : ((t * 7) % batch) * k * n));
    const want = new Float32Array(batch * m * n);
    onOneThread(() => wasmMatMul(w, a, ao, b, bo, want, m, n, k, clamp, {}, bias));
    const got = new Float32Array(batch * m * n);
    expect(parallelMatMul(a, ao, b, bo, got, m, n, k, clamp, bias)).toBe(true);
    expectSameBits(got, want, 'C');
  });

  const gemmCases: [string, Partial<GemmArgs> & { cDims?: number[] }][] = [
    ['plain', {}],
    ['transA, alpha', { transA: true, alpha: 0.37 }],
    ['transB', { transB: true }],
    ['column bias', { cDims: [37] }],
    ['row bias', { cDims: [45, 1] }],
    ['scalar C, beta', { cDims: [], beta: 0.5 }],
    ['full C, beta, both transposed', { cDims: [45, 37], beta: -1.25, transA: true, transB: true }],
    ['column bias, clamped', { cDims: [37], clamp: { lo: 0, hi: Infinity } }],
  ];
  it.each(gemmCases)('Gemm %s', (_, o) => {
    const [m, n, k] = [45, 37, 300];
    const cDims = o.cDims;
    const g: GemmArgs = {
      a: randFloat32(m * k, 11), transA: o.transA ?? false, b: randFloat32(k * n, 12), transB: o.transB ?? false, m, n, k,
      alpha: o.alpha ?? 1, beta: o.beta ?? 1, ...(o.clamp ? { clamp: o.clamp } : {}),
      ...(cDims ? { c: { data: randFloat32(cDims.reduce((p, d) => p * d, 1), 13), dims: cDims } } : {}),
    };
    const want = new Float32Array(m * n);
    onOneThread(() => wasmGemm(w, g, want));
    const got = new Float32Array(m * n);
    expect(parallelGemm(g, got)).toBe(true);
    expectSameBits(got, want, 'Y');
  });

  const base: Conv2dShape = { N: 1, C: 8, H: 13, W: 11, M: 12, group: 1, KH: 3, KW: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, OH: 13, OW: 11 };
  const convCases: [string, Partial<Conv2dShape>, boolean, boolean][] = [
    ['3x3 pad 1', {}, true, false],
    ['3x3 pad 1, clamped, no bias', {}, false, true],
    ['1x1 direct, two images', { N: 2, KH: 1, KW: 1, pt: 0, pl: 0 }, true, false],
    ['stride 2, dilation 2, asymmetric pads', { sh: 2, sw: 2, dh: 2, dw: 2, pt: 2, pl: 0, OH: 6, OW: 4 }, true, false],
    ['two groups, two images', { N: 2, group: 2 }, true, true],
    ['few positions (rows split)', { C: 16, H: 2, W: 2, M: 64, OH: 2, OW: 2 }, true, false],
    ['k past KC, 5x5 valid', { C: 24, KH: 5, KW: 5, pt: 0, pl: 0, OH: 9, OW: 7 }, true, false],
    ['1-D', { H: 1, KH: 1, pt: 0, OH: 1, W: 77, OW: 77 }, true, false],
  ];
  it.each(convCases)('Conv %s', (_, o, biased, clamped) => {
    const s = { ...base, ...o };
    const x = randFloat32(s.N * s.C * s.H * s.W, 21);
    const wt = randFloat32(s.M * (s.C / s.group) * s.KH * s.KW, 22);
    const bias = biased ? randFloat32(s.M, 23) : undefined;
    const clamp = clamped ? { lo: -0.25, hi: 0.5 } : undefined;
    const want = new Float32Array(s.N * s.M * s.OH * s.OW);
    onOneThread(() => wasmConv2d(w, s, x, wt, bias, want, clamp));
    const got = new Float32Array(want.length);
    expect(parallelConv2d(s, x, wt, bias, got, clamp)).toBe(true);
    expectSameBits(got, want, 'Y');
  });

  // A fused residual (Conv -> Add(z) -> activation): z added after the bias, before the activation, each
  // chunk reading z at its own rows and channels.
  const residualCases: [string, Partial<Conv2dShape>, boolean, { flags?: number; lo: number; hi: number } | undefined][] = [
    ['3x3 pad 1', {}, true, undefined],
    ['3x3 pad 1, Relu', {}, true, { lo: 0, hi: Infinity }],
    ['1x1 direct, two images, no bias, Relu', { N: 2, KH: 1, KW: 1, pt: 0, pl: 0 }, false, { lo: 0, hi: Infinity }],
    ['two groups, two images, HardSwish', { N: 2, group: 2 }, true, { flags: 256, lo: 0, hi: 0 }],
    ['few positions (rows split), LeakyRelu', { C: 16, H: 2, W: 2, M: 64, OH: 2, OW: 2 }, true, { flags: 64, lo: 0.1, hi: 0 }],
    ['stride 2, dilation 2, asymmetric pads, Clip', { sh: 2, sw: 2, dh: 2, dw: 2, pt: 2, pl: 0, OH: 6, OW: 4 }, true, { lo: -0.25, hi: 0.5 }],
  ];
  it.each(residualCases)('Conv + residual, %s', (_, o, biased, clamp) => {
    const s = { ...base, ...o };
    const x = randFloat32(s.N * s.C * s.H * s.W, 31);
    const wt = randFloat32(s.M * (s.C / s.group) * s.KH * s.KW, 32);
    const bias = biased ? randFloat32(s.M, 33) : undefined;
    const z = randFloat32(s.N * s.M * s.OH * s.OW, 34);
    const want = new Float32Array(z.length);
    onOneThread(() => wasmConv2d(w, s, x, wt, bias, want, clamp, {}, z));
    const before = parallelRuns();
    const got = new Float32Array(z.length).fill(NaN);
    expect(parallelConv2d(s, x, wt, bias, got, clamp, {}, z)).toBe(true);
    expect(parallelRuns()).toBe(before + 1);
    expectSameBits(got, want, 'Y');
    // wasmConv2d offers it to the threads too, with the same bits.
    const offered = new Float32Array(z.length);
    wasmConv2d(w, s, x, wt, bias, offered, clamp, {}, z);
    expect(parallelRuns()).toBe(before + 2);
    expectSameBits(offered, want, 'Y (wasmConv2d)');
    if (clamp === undefined) {
      // The unfused order: (conv + bias) + z, rounded once to float32.
      const conv = new Float32Array(z.length);
      onOneThread(() => wasmConv2d(w, s, x, wt, bias, conv));
      expectSameBits(got, conv.map((v, i) => v + z[i]!), 'Y (unfused)');
    }
  });

  it('declines depthwise convolutions', () => {
    const s: Conv2dShape = { N: 1, C: 8, H: 9, W: 9, M: 8, group: 8, KH: 3, KW: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, OH: 9, OW: 9 };
    expect(parallelConv2d(s, randFloat32(648, 1), randFloat32(72, 2), undefined, new Float32Array(648))).toBe(false);
  });
});

describe('work threshold', () => {
  it('splits only products with MIN_WORK_PER_THREAD multiply-adds per thread', async () => {
    expect(await setIntraOpThreads(2)).toBe(2);
    const run = (m: number, n: number, k: number): boolean => {
      const out = new Float32Array(m * n);
      return parallelMatMul(randFloat32(m * k, 1), Int32Array.of(0), randFloat32(k * n, 2), Int32Array.of(0), out, m, n, k);
    };
    const before = parallelRuns();
    // A fixture-sized product (the CNN fixture's largest) stays on one thread.
    expect(run(16, 64, 72)).toBe(false);
    expect(16 * 64 * 72).toBeLessThan(2 * MIN_WORK_PER_THREAD);
    expect(run(128, 128, 127)).toBe(false);
    expect(parallelRuns()).toBe(before);
    expect(128 * 128 * 128).toBe(2 * MIN_WORK_PER_THREAD);
    expect(run(128, 128, 128)).toBe(true);
    expect(parallelRuns()).toBe(before + 1);
  });

  it('does nothing with one thread', async () => {
    expect(await setIntraOpThreads(1)).toBe(1);
    expect(currentPool()).toBeUndefined();
    const out = new Float32Array(256 * 256);
    expect(parallelMatMul(randFloat32(256 * 256, 1), Int32Array.of(0), randFloat32(256 * 256, 2), Int32Array.of(0), out, 256, 256, 256)).toBe(false);
  });
});

describe('worker failure', () => {
  const big = (): boolean => {
    const [m, n, k] = [64, 256, 128];
    return parallelMatMul(randFloat32(m * k, 1), Int32Array.of(0), randFloat32(k * n, 2), Int32Array.of(0), new Float32Array(m * n), m, n, k);
  };

  it('a dead worker is a KernelError, then one thread serves', async () => {
    await setIntraOpThreads(2, { minWorkPerThread: 1, timeoutMs: 500 });
    await currentPool()!.killWorker(1);
    expect(big).toThrow(KernelError);
    expect(intraOpThreads()).toBe(1);
    expect(big()).toBe(false);
  });

  it('a worker that holds a chunk past the timeout is a KernelError', async () => {
    await setIntraOpThreads(2, { minWorkPerThread: 1, timeoutMs: 300 });
    currentPool()!.injectHang();
    const t0 = performance.now();
    expect(big).toThrow(/did not finish within/);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(intraOpThreads()).toBe(1);
    // A new setting starts a fresh pool.
    expect(await setIntraOpThreads(2, { minWorkPerThread: 1 })).toBe(2);
    expect(big()).toBe(true);
  });
});

describe('resident constants in the pool (Note [resident constants in the pool])', () => {
  it('lays constant operands out once and gives the copying calls bit for bit, with any epilogue', async () => {
    await setIntraOpThreads(2, { minWorkPerThread: 1000 });
    const pool = currentPool()!;
    const spy = { made: 0 };
    const resident = pool.resident.bind(pool);
    pool.resident = (src, form, floats, fill) => resident(src, form, floats, (p) => (spy.made++, fill(p)));
    try {
      const s: Conv2dShape = { N: 1, C: 16, H: 10, W: 10, M: 24, group: 1, KH: 3, KW: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, OH: 10, OW: 10 };
      const x = randFloat32(1600, 1);
      const wt = randFloat32(24 * 16 * 9, 2);
      const bias = randFloat32(24, 3);
      const g: GemmArgs = { a: randFloat32(40 * 300, 4), transA: false, b: randFloat32(300 * 72, 5), transB: true, m: 40, n: 72, k: 300, alpha: 0.5, beta: 1, c: { data: randFloat32(72, 6), dims: [72] } };
      for (const clamp of [undefined, { lo: 0, hi: Infinity }, { flags: 256, lo: 0, hi: 0 }, { flags: 64, lo: 0.1, hi: 0 }]) {
        const want = new Float32Array(2400);
        onOneThread(() => wasmConv2d(w, s, x, wt, bias, want, clamp));
        const wantG = new Float32Array(40 * 72);
        onOneThread(() => wasmGemm(w, { ...g, clamp, constant: {} }, wantG));
        for (let call = 0; call < 3; call++) {
          const got = new Float32Array(2400);
          expect(parallelConv2d(s, x, wt, bias, got, clamp, { b: true, c: true })).toBe(true);
          expectSameBits(got, want, `conv call ${call}`);
          const gotG = new Float32Array(40 * 72);
          expect(parallelGemm({ ...g, clamp, constant: { b: true, c: true } }, gotG)).toBe(true);
          expectSameBits(gotG, wantG, `gemm call ${call}`);
        }
      }
      // The weight, the bias, Gemm's transposed B and its C: each made once.
      expect(spy.made).toBe(4);
    } finally {
      pool.resident = resident;
      await setIntraOpThreads(1);
    }
  });
});
