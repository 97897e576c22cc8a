/**
 * Conv, MatMul and Gemm through a Session with 2 intra-op threads, bit-identical to one thread. The hook
 * into wasm/ops.ts is the wiring proposed for it (each wrapper first offers its call to the threads),
 * applied here by mocking the module, so the session's kernels, fused epilogues and constant weights are
 * the real ones.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { attr, type Attribute } from '../../../ir/attribute.js';
import { DataType } from '../../../ir/dtype.js';
import { Session } from '../../session.js';
import { Tensor } from '../../tensor.js';
import { oneNodeModel } from '../../test-models.js';
import { parallelConv2d } from './conv.js';
import { parallelGemm, parallelMatMul } from './gemm.js';
import { parallelRuns } from './pool.js';
import { setIntraOpThreads } from './threads.js';

vi.mock('../wasm/ops.js', async (importOriginal) => {
  const ops = await importOriginal<typeof import('../wasm/ops.js')>();
  return {
    ...ops,
    wasmMatMul: (...p: Parameters<typeof ops.wasmMatMul>): void => {
      const [w, a, ao, b, bo, out, m, n, k, clamp] = p;
      if (!parallelMatMul(a, ao, b, bo, out, m, n, k, clamp)) ops.wasmMatMul(...p);
    },
    wasmGemm: (...p: Parameters<typeof ops.wasmGemm>): void => {
      if (!parallelGemm(p[1], p[2])) ops.wasmGemm(...p);
    },
    wasmConv2d: (...p: Parameters<typeof ops.wasmConv2d>): void => {
      const [, s, x, wt, bias, y, clamp] = p;
      if (!parallelConv2d(s, x, wt, bias, y, clamp)) ops.wasmConv2d(...p);
    },
  };
});

function rand(dims: number[], seed: number): Tensor {
  let s = seed;
  const n = dims.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return new Tensor('float32', out, dims);
}

/** Runs the model on 1 then 2 threads; expects the parallel path to run and the outputs' bits to agree. */
async function expectSameOnTwoThreads(op: string, feeds: Tensor[], attributes: Attribute[] = []): Promise<void> {
  const model = oneNodeModel(op, feeds.map((f) => ({ dtype: DataType.FLOAT, shape: [...f.dims] })), DataType.FLOAT, attributes);
  const named = Object.fromEntries(feeds.map((f, i) => [`x${i}`, f]));
  await setIntraOpThreads(1);
  const one = (await (await Session.create(model)).run(named)).y!;
  expect(await setIntraOpThreads(2)).toBe(2);
  const session = await Session.create(model);
  const before = parallelRuns();
  for (let run = 0; run < 2; run++) {
    const two = (await session.run(named)).y!;
    expect(two.dims).toEqual(one.dims);
    expect(Buffer.from((two.data as Float32Array).buffer).equals(Buffer.from((one.data as Float32Array).buffer))).toBe(true);
  }
  expect(parallelRuns()).toBe(before + 2);
}

afterAll(async () => {
  await setIntraOpThreads(1);
});

describe('a Session on 2 intra-op threads', () => {
  it('MatMul', async () => {
    await expectSameOnTwoThreads('MatMul', [rand([3, 100, 70], 1), rand([70, 301], 2)]);
  });
  it('Gemm with a bias and transB', async () => {
    await expectSameOnTwoThreads('Gemm', [rand([130, 300], 3), rand([90, 300], 4), rand([90], 5)], [attr.int('transB', 1), attr.float('alpha', 0.5)]);
  });
  it('Conv with pads and a bias', async () => {
    await expectSameOnTwoThreads('Conv', [rand([2, 16, 30, 29], 6), rand([24, 16, 3, 3], 7), rand([24], 8)], [attr.ints('pads', [1, 0, 1, 2])]);
  });
});
