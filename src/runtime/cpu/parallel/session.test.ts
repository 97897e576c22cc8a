/**
 * Conv, MatMul and Gemm through a Session with 2 intra-op threads, bit-identical to one thread. Each wasm/ops.ts
 * wrapper first offers its call to the threads, so the session's kernels, fused epilogues and constant
 * weights are the real ones. Also: no product of the torch fixture models is large enough to be split.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convert } from '../../../api/convert.js';
import { attr, type Attribute } from '../../../ir/attribute.js';
import { DataType } from '../../../ir/dtype.js';
import { Graph } from '../../../ir/graph.js';
import { Model } from '../../../ir/model.js';
import { Node } from '../../../ir/node.js';
import { ArrayTensor } from '../../../ir/tensor.js';
import { tensorType } from '../../../ir/types.js';
import { loadReference } from '../../../parity/reference.js';
import type { ExecutionPlan } from '../../plan.js';
import { Session } from '../../session.js';
import { fromIrTensor, Tensor } from '../../tensor.js';
import { oneNodeModel } from '../../test-models.js';
import { parallelRuns } from './pool.js';
import { onOneThread, setIntraOpThreads } from './threads.js';

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

/**
 * Runs a one-node model on 1 then 2 threads; expects the parallel path to run and the outputs' bits to
 * agree. Inputs from `constants` on are initializers (constant weights, resident in wasm memory on 1 thread).
 */
async function expectSameOnTwoThreads(op: string, feeds: Tensor[], attributes: Attribute[] = [], constants = feeds.length): Promise<void> {
  const model = oneNodeModel(op, feeds.map((f) => ({ dtype: DataType.FLOAT, shape: [...f.dims] })), DataType.FLOAT, attributes);
  const g = model.graph;
  for (let i = feeds.length - 1; i >= constants; i--) {
    const v = g.inputs[i]!;
    g.removeInput(v);
    g.addInitializer(v, new ArrayTensor(DataType.FLOAT, feeds[i]!.dims, feeds[i]!.data as Float32Array));
  }
  const named = Object.fromEntries(feeds.slice(0, constants).map((f, i) => [`x${i}`, f]));
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
    await expectSameOnTwoThreads('Gemm', [rand([200, 300], 3), rand([90, 300], 4), rand([90], 5)], [attr.int('transB', 1), attr.float('alpha', 0.5)]);
  });
  it('Conv with pads and a bias', async () => {
    await expectSameOnTwoThreads('Conv', [rand([2, 16, 30, 29], 6), rand([24, 16, 3, 3], 7), rand([24], 8)], [attr.ints('pads', [1, 0, 1, 2])]);
  });
  it('Conv and MatMul with constant weights', async () => {
    await expectSameOnTwoThreads('Conv', [rand([1, 64, 20, 20], 9), rand([64, 64, 3, 3], 10), rand([64], 11)], [attr.ints('pads', [1, 1, 1, 1])], 1);
    await expectSameOnTwoThreads('MatMul', [rand([400, 64], 12), rand([64, 200], 13)], [], 1);
  });
});

describe('SessionOptions.intraOpNumThreads', () => {
  it('is per session: 2 splits a large MatMul, 1 does not, each keeping its own', async () => {
    const model = oneNodeModel('MatMul', [{ dtype: DataType.FLOAT, shape: [256, 256] }, { dtype: DataType.FLOAT, shape: [256, 256] }], DataType.FLOAT);
    const feeds = { x0: rand([256, 256], 31), x1: rand([256, 256], 32) };
    const two = await Session.create(model, { intraOpNumThreads: 2 });
    const before = parallelRuns();
    const y2 = (await two.run(feeds)).y!;
    expect(parallelRuns()).toBe(before + 1);
    const one = await Session.create(model, { intraOpNumThreads: 1 });
    const y1 = (await one.run(feeds)).y!;
    expect(parallelRuns()).toBe(before + 1);
    // Each session keeps its own count: the 2-thread session still splits after the 1-thread one was made.
    await two.run(feeds);
    expect(parallelRuns()).toBe(before + 2);
    expect(Buffer.from((y2.data as Float32Array).buffer).equals(Buffer.from((y1.data as Float32Array).buffer))).toBe(true);
  });

  it('onOneThread keeps the pool but runs the products on the calling thread', async () => {
    const model = oneNodeModel('MatMul', [{ dtype: DataType.FLOAT, shape: [256, 256] }, { dtype: DataType.FLOAT, shape: [256, 256] }], DataType.FLOAT);
    const feeds = { x0: rand([256, 256], 33), x1: rand([256, 256], 34) };
    const session = await Session.create(model, { intraOpNumThreads: 2 });
    const before = parallelRuns();
    const serial = await onOneThread(() => session.run(feeds));
    expect(parallelRuns()).toBe(before);
    await session.run(feeds);
    expect(parallelRuns()).toBe(before + 1);
    expect(serial.y!.dims).toEqual([256, 256]);
  });
});

describe('fused epilogues on 2 intra-op threads', () => {
  it('MatMul + bias Add + Relu, constant weights', async () => {
    const [m, k, n] = [300, 96, 130];
    const g = new Graph('g');
    const x = g.addInput('x', tensorType(DataType.FLOAT, [m, k]));
    const w = g.addInitializer('w', new ArrayTensor(DataType.FLOAT, [k, n], rand([k, n], 21).data as Float32Array));
    const b = g.addInitializer('b', new ArrayTensor(DataType.FLOAT, [n], rand([n], 22).data as Float32Array));
    const mm = g.appendNode(new Node('MatMul', [x, w], { name: 'mm', outputs: ['t'] }));
    const add = g.appendNode(new Node('Add', [mm.output(0), b], { name: 'add', outputs: ['u'] }));
    const relu = g.appendNode(new Node('Relu', [add.output(0)], { name: 'relu', outputs: ['y'] }));
    for (const v of [mm.output(0), add.output(0), relu.output(0)]) v.type = tensorType(DataType.FLOAT, [m, n]);
    g.addOutput(relu.output(0));
    const model = new Model(g, new Map([['', 21]]));
    const feeds = { x: rand([m, k], 23) };
    await setIntraOpThreads(1);
    const one = (await (await Session.create(model)).run(feeds)).y!;
    expect(await setIntraOpThreads(2)).toBe(2);
    const before = parallelRuns();
    const two = (await (await Session.create(model)).run(feeds)).y!;
    expect(parallelRuns()).toBe(before + 1);
    expect(Buffer.from((two.data as Float32Array).buffer).equals(Buffer.from((one.data as Float32Array).buffer))).toBe(true);
  });
});

describe('a fused residual on 2 intra-op threads', () => {
  it('Conv -> Add(z) -> Relu, constant weights: one fused step the threads split', async () => {
    // A ResNet basic block's second half: the shortcut z is the block's input.
    const [C, S] = [64, 20];
    const g = new Graph('g');
    const x = g.addInput('x', tensorType(DataType.FLOAT, [1, C, S, S]));
    const w = g.addInitializer('w', new ArrayTensor(DataType.FLOAT, [C, C, 3, 3], rand([C, C, 3, 3], 41).data as Float32Array));
    const b = g.addInitializer('b', new ArrayTensor(DataType.FLOAT, [C], rand([C], 42).data as Float32Array));
    const conv = g.appendNode(new Node('Conv', [x, w, b], { name: 'conv', outputs: ['t'], attributes: [attr.ints('pads', [1, 1, 1, 1])] }));
    const add = g.appendNode(new Node('Add', [conv.output(0), x], { name: 'add', outputs: ['u'] }));
    const relu = g.appendNode(new Node('Relu', [add.output(0)], { name: 'relu', outputs: ['y'] }));
    for (const v of [conv.output(0), add.output(0), relu.output(0)]) v.type = tensorType(DataType.FLOAT, [1, C, S, S]);
    g.addOutput(relu.output(0));
    const model = new Model(g, new Map([['', 21]]));
    const feeds = { x: rand([1, C, S, S], 43) };
    const bits = (t: Tensor): Buffer => Buffer.from((t.data as Float32Array).buffer);
    await setIntraOpThreads(1);
    const unfused = (await (await Session.create(model, { graphOptimization: 'none' })).run(feeds)).y!;
    const one = (await (await Session.create(model)).run(feeds)).y!;
    expect(await setIntraOpThreads(2)).toBe(2);
    const session = await Session.create(model);
    const steps = (session as unknown as { plan: ExecutionPlan }).plan.steps.map((st) => st.label);
    expect(steps).toContain('Conv+Add+Relu');
    const before = parallelRuns();
    for (let run = 0; run < 2; run++) {
      const two = (await session.run(feeds)).y!;
      expect(bits(two).equals(bits(one))).toBe(true);
    }
    expect(parallelRuns()).toBe(before + 2);
    expect(bits(one).equals(bits(unfused))).toBe(true);
  });
});

describe('the torch fixture models on 2 intra-op threads', () => {
  const root = path.resolve(import.meta.dirname, '../../../..');
  const dir = path.join(root, 'fixtures', 'torch');
  const models = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'model.pt2'))).sort();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-threads-fixtures-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it.each(models)('%s splits no product (its products are below the threshold)', async (m) => {
    const artifact = path.join(dir, m, 'model.pt2');
    const { output } = await convert(artifact, { output: path.join(tmp, `${m}.onnx`) });
    const feeds = Object.fromEntries(loadReference(artifact).sets[0]!.inputs.map(({ name, tensor }) => [name, fromIrTensor(tensor)]));
    expect(await setIntraOpThreads(2)).toBe(2);
    const session = await Session.create(new Uint8Array(fs.readFileSync(output)));
    const before = parallelRuns();
    await session.run(feeds);
    expect(parallelRuns()).toBe(before);
  });
});
