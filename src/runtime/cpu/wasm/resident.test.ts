/**
 * Constant operands resident in wasm memory (ops.ts, Note [resident constants]): products and
 * convolutions with resident operands give bit for bit what the copying calls give, on every shape the
 * kernel tests use; the region is made once per operand and form, survives other calls and resets (the
 * allocator's pinned floor), is dropped when someone else moves the floor, and hands freed blocks back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initWasm, wasmKernels, type WasmKernels } from './instance.js';
import { beginCall, wasmConv2d, wasmGemm, wasmMatMul, type Conv2dShape, type GemmArgs } from './ops.js';
import { randFloat32 } from '../../../../test/support/seeded-float32.js';

const SHAPES: [number, number, number][] = [
  [1, 1, 1], [3, 5, 7], [7, 1, 13], [4, 1, 300], [13, 31, 29], [17, 33, 65], [33, 3, 1000], [6, 300, 40], [64, 130, 96], [20, 45, 517], [200, 70, 30],
];

let w: WasmKernels;
beforeAll(async () => {
  await initWasm();
  w = wasmKernels()!;
  expect(w).toBeDefined();
});

/** Floats the resident region holds now. */
const regionSize = (): number => {
  return beginCall(w).size;
};

describe('resident constants', () => {
  it.each(SHAPES)('Gemm m=%i n=%i k=%i: resident A, B (plain and transposed) and C give the copying call bit for bit', (m, n, k) => {
    for (const [transA, transB] of [[false, false], [false, true], [true, true]] as const) {
      const g: GemmArgs = { a: randFloat32(m * k, m + k), transA, b: randFloat32(k * n, n + 2 * k), transB, m, n, k, alpha: 0.75, beta: 1, c: { data: randFloat32(n, 5), dims: [n] } };
      const want = new Float32Array(m * n);
      wasmGemm(w, g, want);
      for (let call = 0; call < 3; call++) {
        const got = new Float32Array(m * n);
        wasmGemm(w, { ...g, constant: { a: transA, b: true, c: true } }, got);
        expect(Array.from(got), `transA=${transA} transB=${transB} call ${call}`).toEqual(Array.from(want));
      }
      const clamp = { lo: -0.1, hi: 0.3 };
      const clamped = new Float32Array(m * n);
      wasmGemm(w, { ...g, clamp }, clamped);
      const got = new Float32Array(m * n);
      wasmGemm(w, { ...g, clamp, constant: { b: true } }, got);
      expect(Array.from(got)).toEqual(Array.from(clamped));
    }
  });

  it.each(SHAPES)('MatMul m=%i n=%i k=%i: a shared resident B, batched, and per-batch Bs, with and without a bias', (m, n, k) => {
    const a = randFloat32(3 * m * k, m);
    const b = randFloat32(3 * k * n, n);
    const ao = Int32Array.of(0, m * k, 2 * m * k);
    const bias = randFloat32(n, k);
    for (const bo of [Int32Array.of(0, 0, 0), Int32Array.of(0, k * n, 2 * k * n)]) {
      for (const withBias of [undefined, bias]) {
        const want = new Float32Array(3 * m * n);
        wasmMatMul(w, a, ao, b, bo, want, m, n, k, { lo: -1, hi: 0.5 }, {}, withBias);
        for (let call = 0; call < 2; call++) {
          const got = new Float32Array(3 * m * n);
          wasmMatMul(w, a, ao, b, bo, got, m, n, k, { lo: -1, hi: 0.5 }, { a: call === 1, b: true, c: true }, withBias);
          expect(Array.from(got)).toEqual(Array.from(want));
        }
      }
    }
  });

  it('Conv: resident weights and bias, grouped and depthwise', () => {
    const shapes: Conv2dShape[] = [
      { N: 2, C: 8, H: 12, W: 11, M: 16, group: 1, KH: 3, KW: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, OH: 12, OW: 11 },
      { N: 1, C: 8, H: 9, W: 9, M: 8, group: 2, KH: 1, KW: 1, sh: 1, sw: 1, dh: 1, dw: 1, pt: 0, pl: 0, OH: 9, OW: 9 },
      { N: 1, C: 6, H: 10, W: 10, M: 12, group: 6, KH: 3, KW: 3, sh: 2, sw: 2, dh: 1, dw: 1, pt: 1, pl: 1, OH: 5, OW: 5 },
    ];
    for (const s of shapes) {
      const x = randFloat32(s.N * s.C * s.H * s.W, 1);
      const wt = randFloat32((s.M * s.C * s.KH * s.KW) / s.group, 2);
      const bias = randFloat32(s.M, 3);
      const want = new Float32Array(s.N * s.M * s.OH * s.OW);
      wasmConv2d(w, s, x, wt, bias, want, { lo: 0, hi: Infinity });
      for (let call = 0; call < 2; call++) {
        const got = new Float32Array(want.length);
        wasmConv2d(w, s, x, wt, bias, got, { lo: 0, hi: Infinity }, { b: true, c: true });
        expect(Array.from(got)).toEqual(Array.from(want));
      }
    }
  });

  it('makes each operand and form once, keeps it across resets by others (the floor), drops it when someone moves the floor', () => {
    const s: Conv2dShape = { N: 1, C: 4, H: 6, W: 6, M: 4, group: 1, KH: 3, KW: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, OH: 6, OW: 6 };
    const x = randFloat32(144, 1);
    const wt = randFloat32(144, 2);
    const want = new Float32Array(144);
    wasmConv2d(w, s, x, wt, undefined, want);
    const got = new Float32Array(144);
    wasmConv2d(w, s, x, wt, undefined, got, undefined, { b: true });
    const size = regionSize();
    expect(size).toBeGreaterThanOrEqual(144);
    for (let i = 0; i < 3; i++) wasmConv2d(w, s, x, wt, undefined, got, undefined, { b: true });
    expect(regionSize()).toBe(size);
    // A caller of the raw exports resets and allocates: it lands above the floor, the region survives.
    const floor = w.x.floor();
    expect(floor).toBeGreaterThan(w.x.scratchBase());
    w.begin();
    expect(w.put(new Float32Array(4096).fill(7))).toBeGreaterThanOrEqual(floor);
    wasmConv2d(w, s, x, wt, undefined, got, undefined, { b: true });
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(regionSize()).toBe(size);
    // One that moves the floor and writes over the bottom of memory: the entries go, and come back right.
    w.x.setFloor(0);
    w.begin();
    w.put(new Float32Array(4096).fill(7));
    wasmConv2d(w, s, x, wt, undefined, got, undefined, { b: true });
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(w.x.floor()).toBe(w.x.scratchBase() + regionSize() * 4);
  });

  it('reuses freed blocks and shrinks from the top', () => {
    const h = beginCall(w);
    h.drop();
    const a = h.take(64)!;
    const b = h.take(32)!;
    const c = h.take(16)!;
    expect([b - a, c - b]).toEqual([256, 128]);
    h.give(b, 32);
    expect(h.take(16)).toBe(b);
    h.give(c, 16);
    h.give(b, 16);
    expect(h.size).toBe(64);
    h.give(a, 64);
    expect([h.size, h.free]).toEqual([0, []]);
    h.drop();
  });
});
