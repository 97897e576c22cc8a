/**
 * Session graph optimizations (SessionOptions.graphOptimization): Conv+BatchNormalization folding on a
 * copy of the model, fused elementwise chains, in-place elementwise steps and cached constant/shape steps.
 * Each optimized session is checked against the same model run with 'none' (bit-identical where the
 * optimization only reorders work, within rtol 1e-5 / atol 1e-6 against onnxruntime where weights change).
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { attr } from '../ir/attribute.js';
import { DataType } from '../ir/dtype.js';
import { UsageError } from '../ir/errors.js';
import { Graph } from '../ir/graph.js';
import { Model } from '../ir/model.js';
import { Node } from '../ir/node.js';
import { ArrayTensor } from '../ir/tensor.js';
import { tensorType } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { GraphBuilder, opTypes, randoms, runOrt } from '../passes/optimize-transposes/test-helpers.js';
import type { Backend } from './backend.js';
import { cpuKernels } from './cpu/index.js';
import type { Kernel } from './kernel.js';
import type { ExecutionPlan } from './plan.js';
import { KernelRegistry } from './registry.js';
import { Session, type SessionOptions } from './session.js';
import { Tensor } from './tensor.js';

const planOf = (s: Session): ExecutionPlan => (s as unknown as { plan: ExecutionPlan }).plan;
const labels = (s: Session): string[] => planOf(s).steps.map((st) => st.label);

function feed(dims: number[], seed: number): Tensor {
  return new Tensor('float32', randoms(dims.reduce((a, b) => a * b, 1), seed), dims);
}

/** Runs `model` at each level and expects every output bit-identical to the unoptimized run. */
async function expectSameAsUnoptimized(model: Model, feeds: Record<string, Tensor>, levels: SessionOptions['graphOptimization'][] = ['basic', 'all']): Promise<Session[]> {
  const want = await (await Session.create(model, { graphOptimization: 'none' })).run(feeds);
  const sessions: Session[] = [];
  for (const level of levels) {
    const s = await Session.create(model, { graphOptimization: level });
    for (let run = 0; run < 2; run++) {
      const got = await s.run(feeds);
      expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
      for (const [name, t] of Object.entries(want)) {
        expect(got[name]!.dims, `${level} ${name}`).toEqual(t.dims);
        expect(Array.from(got[name]!.data as Float32Array), `${level} ${name} run ${run}`).toEqual(Array.from(t.data as Float32Array));
      }
    }
    sessions.push(s);
  }
  return sessions;
}

function scaled(b: GraphBuilder, name: string, dims: number[], seed: number, positive = false): Value {
  const size = dims.reduce((p, d) => p * d, 1);
  const fanIn = dims.length > 1 ? size / dims[0]! : 1;
  return b.init(name, dims, Array.from(randoms(size, seed), (x) => (positive ? 1 + x / 4 : x / Math.sqrt(fanIn) / 2)));
}

describe('Conv+BatchNormalization folding', () => {
  it('folds on a copy: outputs match onnxruntime, the Model passed in and its weights are untouched', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 3, 8, 8]);
    const bn = (v: Value, c: number, k: number) =>
      b.one('BatchNormalization', [v, scaled(b, `s${k}`, [c], k, true), scaled(b, `b${k}`, [c], k + 1), scaled(b, `m${k}`, [c], k + 2), scaled(b, `v${k}`, [c], k + 3, true)]);
    const c1 = b.one('Conv', [x, scaled(b, 'w1', [8, 3, 3, 3], 1), scaled(b, 'bias1', [8], 2)], [attr.ints('pads', [1, 1, 1, 1])]);
    const r = b.one('Relu', [bn(c1, 8, 10)]);
    const c2 = b.one('Conv', [r, scaled(b, 'w2', [4, 8, 1, 1], 3)]);
    b.output(bn(c2, 4, 20), 'y', [1, 4, 8, 8]);
    const model = b.model();
    const before = opTypes(model);
    const weights = [...model.graph.initializers.values()].map((v) => v.constValue);

    const xs = feed([1, 3, 8, 8], 7);
    const want = (await runOrt(model, { x: new ort.Tensor('float32', xs.data as Float32Array, xs.dims) }))['y']!.data as Float32Array;
    for (const level of ['none', 'basic', 'all'] as const) {
      const s = await Session.create(model, { graphOptimization: level });
      expect(labels(s).includes('BatchNormalization'), level).toBe(level === 'none');
      const got = (await s.run({ x: xs }))['y']!.data as Float32Array;
      got.forEach((v, i) => expect(Math.abs(v - want[i]!), `${level} element ${i}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(want[i]!)));
    }
    expect(opTypes(model)).toEqual(before);
    expect([...model.graph.initializers.values()].map((v) => v.constValue)).toEqual(weights);
  });

  it('keeps weights zero-copy: the plan reads the very bytes of the IR tensors it did not rewrite', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2, 4, 4]);
    const w = scaled(b, 'w', [2, 2, 1, 1], 1);
    b.output(b.one('Relu', [b.one('Conv', [x, w])]), 'y', [1, 2, 4, 4]);
    const s = await Session.create(b.model(), { graphOptimization: 'all' });
    const plan = planOf(s);
    const ir = w.constValue!.toArray() as Float32Array;
    expect(plan.constants.some((c) => (c.tensor.data as Float32Array).buffer === ir.buffer)).toBe(true);
  });
});

describe('fused elementwise chains', () => {
  it('runs a biased GELU as one step, bit-identical to the unfused steps', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 3, 64]);
    const t = b.one('Add', [x, b.init('bias', [64], Array.from(randoms(64, 3)))]);
    const erf = b.one('Erf', [b.one('Div', [t, b.init('sqrt2', [], [Math.SQRT2])])]);
    const gelu = b.one('Mul', [b.one('Mul', [t, b.one('Add', [erf, b.init('one', [], [1])])]), b.init('half', [], [0.5])]);
    b.output(gelu, 'y', [2, 3, 64]);
    const [, all] = await expectSameAsUnoptimized(b.model(), { x: feed([2, 3, 64], 1) });
    // The biased value has two readers, both in the chain: the second reads a saved copy of its block.
    expect(labels(all!)).toEqual(['Add+Div+Erf+Add+Mul+Mul']);
  });

  it('takes operands on either side, short and long trailing-dims vectors, same-shape tensors and Clip', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [4, 3, 80]);
    const other = b.input('z', [4, 3, 80]);
    const one = b.init('one', [1], [1]);
    let v = b.one('Sigmoid', [b.one('Sub', [one, x])]); // the chain's value on the right
    v = b.one('Div', [b.init('k', [1, 80], Array.from(randoms(80, 2), (r) => r + 3)), v]);
    v = b.one('Mul', [v, b.init('row', [3, 80], Array.from(randoms(240, 4)))]);
    v = b.one('Pow', [b.one('Abs', [v]), b.init('p', [], [0.5])]);
    v = b.one('Sub', [other, v]);
    v = b.one('Clip', [v, b.init('lo', [], [-1]), b.init('hi', [], [1.5])]);
    v = b.one('PRelu', [v, b.init('slope', [80], Array.from(randoms(80, 5)))]);
    b.output(b.one('Max', [v, b.init('floor', [3, 1], [-0.5, 0, 0.25])]), 'y', [4, 3, 80]);
    b.graph.nodes().at(-1)!.input(1)!.type = tensorType(DataType.FLOAT, [3, 1]);
    b.graph.nodes().at(-1)!.input(0)!.type = tensorType(DataType.FLOAT, [4, 3, 80]);
    const [, all] = await expectSameAsUnoptimized(b.model(), { x: feed([4, 3, 80], 1), z: feed([4, 3, 80], 2) });
    // Max against a [3, 1] operand is general broadcasting (known from the types): a step of its own.
    expect(labels(all!)).toEqual(['Sub+Sigmoid+Div+Mul+Abs+Pow+Sub+Clip+PRelu', 'Max']);
  });

  it('clips as the Clip kernel does: NaN, signed zeros, min above max, opset 6 attributes', async () => {
    const values = [0, -0, NaN, -3, 2, 7, Infinity, -Infinity];
    const run = async (opset: number, clip: (b: GraphBuilder, v: Value) => Value) => {
      const b = new GraphBuilder();
      const x = b.input('x', [8]);
      b.output(b.one('Abs', [clip(b, b.one('Neg', [x]))]), 'y', [8]);
      const model = b.model(opset);
      const [, all] = await expectSameAsUnoptimized(model, { x: new Tensor('float32', values, [8]) });
      expect(labels(all!)).toEqual(['Neg+Clip+Abs']);
    };
    await run(18, (b, v) => b.one('Clip', [v, b.init('lo', [], [0]), b.init('hi', [], [6])]));
    await run(18, (b, v) => b.one('Clip', [v, b.init('lo', [], [1]), b.init('hi', [], [-1])]));
    await run(18, (b, v) => b.one('Clip', [v, null, b.init('hi', [], [-0])]));
    await run(6, (b, v) => b.one('Clip', [v], [attr.float('min', -0), attr.float('max', 2)]));
  });

  it('declines shapes and types it does not take, running the steps one by one', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [4, 1]);
    const y = b.input('y', [1, 5]);
    b.output(b.one('Relu', [b.one('Add', [b.one('Neg', [x]), y])]), 'out', [4, 5]);
    const [, all] = await expectSameAsUnoptimized(b.model(), { x: feed([4, 1], 1), y: feed([1, 5], 2) });
    expect(labels(all!)).toEqual(['Neg+Add+Relu']);

    const g = new Graph('g');
    const xd = g.addInput('x', tensorType(DataType.DOUBLE, [3]));
    const n = g.appendNode(new Node('Neg', [xd], { name: 'n', outputs: ['t'] }));
    const m = g.appendNode(new Node('Exp', [n.output(0)], { name: 'm', outputs: ['y'] }));
    g.addOutput(m.output(0));
    const s = await Session.create(new Model(g, new Map([['', 18]])));
    const out = await s.run({ x: new Tensor('float64', Float64Array.of(0, 1, -2), [3]) });
    expect(Array.from(out['y']!.data as Float64Array)).toEqual([1, Math.exp(-1), Math.exp(2)]);
  });

  it('fuses values read twice inside the chain (SiLU, squares), and not those read outside it', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [3, 700]);
    const w = b.input('w', [700, 2]);
    const t = b.one('Add', [x, b.init('bias', [700], Array.from(randoms(700, 1)))]);
    const silu = b.one('Mul', [t, b.one('Sigmoid', [t])]);
    const sq = b.one('Neg', [b.one('Mul', [silu, silu])]);
    b.output(b.one('Exp', [sq]), 'y', [3, 700]);
    const u = b.one('Tanh', [b.one('Sub', [x, b.init('c', [], [0.5])])]);
    b.output(b.one('MatMul', [b.one('Abs', [u]), w]), 'm', [3, 2]);
    b.output(b.one('MatMul', [u, w]), 'n', [3, 2]);
    const [, all] = await expectSameAsUnoptimized(b.model(), { x: feed([3, 700], 1), w: feed([700, 2], 2) });
    // u has a reader outside its chain (the second MatMul): Sub+Tanh ends there.
    expect(labels(all!)).toEqual(['Add+Sigmoid+Mul+Mul+Neg+Exp', 'Sub+Tanh', 'Abs', 'MatMul', 'MatMul']);
  });

  it('keeps a value whose readers sit in two chains out of both', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [5, 7]);
    const t = b.one('Neg', [x]);
    const left = b.one('Relu', [b.one('Exp', [t])]);
    const right = b.one('Cos', [b.one('Sin', [t])]);
    b.output(b.one('MatMul', [left, b.one('Transpose', [right])]), 'y', [5, 5]);
    const [, all] = await expectSameAsUnoptimized(b.model(), { x: feed([5, 7], 3) });
    expect(labels(all!)).toEqual(['Neg', 'Exp+Relu', 'Sin+Cos', 'Transpose', 'MatMul']);
  });

  it('never fuses a graph output away', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [8]);
    const mid = b.one('Abs', [b.one('Neg', [x])]);
    b.output(b.one('Sqrt', [b.one('Exp', [mid])]), 'y', [8]);
    b.output(mid, 'mid', [8]);
    const [, all] = await expectSameAsUnoptimized(b.model(), { x: feed([8], 1) });
    expect(labels(all!)).toEqual(['Neg+Abs', 'Exp+Sqrt']);
  });
});

describe('in-place elementwise steps', () => {
  it('writes an elementwise output over an input that dies there, never over a feed or a live value', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [4, 4]);
    const w = b.init('w', [4, 4], Array.from(randoms(16, 9)));
    const t = b.one('MatMul', [x, w]);
    const r = b.one('Relu', [t]); // t is still read by Neg below: not in place
    const n = b.one('Neg', [t]); // t dies here: in place
    b.output(b.one('MatMul', [r, n]), 'y', [4, 4]);
    b.output(b.one('Sigmoid', [x]), 'sx', [4, 4]); // a feed: never written
    const xs = feed([4, 4], 1);
    const copy = Float32Array.from(xs.data as Float32Array);
    const [, all] = await expectSameAsUnoptimized(b.model(), { x: xs });
    expect(Array.from(xs.data as Float32Array)).toEqual(Array.from(copy));
    expect(planOf(all!).steps.map((s) => [s.label, s.inPlace])).toEqual([
      ['MatMul', []],
      ['Relu', []],
      ['Neg', [0]],
      ['MatMul', []],
      ['Sigmoid', []],
    ]);
    // The first run of a fresh session: t, r and n need three buffers; in place, n takes t's.
    const firstRun = async (level: 'basic' | 'all') => {
      const s = await Session.create(b.model(), { graphOptimization: level });
      await s.run({ x: xs });
      return s.lastRunStats;
    };
    expect(await firstRun('basic')).toEqual({ allocated: 3, reused: 0 });
    expect(await firstRun('all')).toEqual({ allocated: 2, reused: 1 });
  });
});

describe('cached steps', () => {
  /** The CPU kernels, with a call count per op (a backend of its own: no fusion, caching still on). */
  function countingBackend(): { backend: Backend; calls: Map<string, number> } {
    const calls = new Map<string, number>();
    const table: Record<string, Kernel> = {};
    for (const { domain, op } of cpuKernels.ops()) {
      const k = domain === '' ? cpuKernels.lookup('', op, 18) : undefined;
      if (k) table[op] = (ctx) => (calls.set(op, (calls.get(op) ?? 0) + 1), k(ctx));
    }
    return { backend: { name: 'counting', kernels: new KernelRegistry().add('', table) }, calls };
  }

  it('computes shape-only and constant-only steps once per input shape', async () => {
    // y = Reshape(x, [N * 4]) with the target built from Shape(x); z = x + Exp(c) + Cos(k), k a Constant
    // node (fold-constants leaves transcendental functions to the runtime).
    const b = new GraphBuilder();
    const x = b.input('x', ['N', 4] as unknown as number[]);
    const dim0 = b.one('Gather', [b.one('Shape', [x]), b.ints('zero', [0])]);
    const total = b.one('Mul', [dim0, b.ints('four', [4])]);
    b.output(b.one('Reshape', [x, total]), 'y', undefined);
    const c = b.init('c', [4, 1], [1, 2, 3, 4]);
    const k = b.op('Constant', [], [attr.tensor('value', new ArrayTensor(DataType.FLOAT, [1], Float32Array.of(10)))])[0]!;
    b.output(b.one('Add', [x, b.one('Add', [b.t(b.one('Exp', [c]), [1, 0]), b.one('Cos', [k])])]), 'z', undefined);
    const model = b.model();
    const run = async (level: 'none' | 'basic', dims: number[][]) => {
      const { backend, calls } = countingBackend();
      const s = await Session.create(model, { backend, graphOptimization: level });
      for (const d of dims) {
        const out = await s.run({ x: feed(d, 1) });
        expect(out['y']!.dims).toEqual([d[0]! * 4]);
      }
      return ['Shape', 'Gather', 'Mul', 'Exp', 'Transpose', 'Constant', 'Cos', 'Reshape'].map((op) => calls.get(op) ?? 0);
    };
    const dims = [[2, 4], [2, 4], [3, 4], [3, 4]];
    expect(await run('none', dims)).toEqual([4, 4, 4, 4, 4, 4, 4, 4]);
    // Shape and its readers run when the dims change; the steps on constants run once.
    expect(await run('basic', dims)).toEqual([2, 2, 2, 1, 1, 1, 1, 4]);
  });
});

describe('SessionOptions.graphOptimization', () => {
  it('refuses an unknown level', async () => {
    const b = new GraphBuilder();
    b.output(b.one('Neg', [b.input('x', [1])]), 'y', [1]);
    await expect(Session.create(b.model(), { graphOptimization: 'max' as never })).rejects.toThrow(UsageError);
  });

  it('falls back on the initializer of an IR < 4 input on every run it is not fed', async () => {
    const g = new Graph('g');
    const x = g.addInput('x', tensorType(DataType.FLOAT, [2]));
    const w = g.addInput('w', tensorType(DataType.FLOAT, [2]));
    g.addInitializer(w, new ArrayTensor(DataType.FLOAT, [2], Float32Array.of(10, 20)));
    const n = g.appendNode(new Node('Add', [x, w], { name: 'add', outputs: ['y'] }));
    g.addOutput(n.output(0));
    const s = await Session.create(new Model(g, new Map([['', 18]]), 3));
    const x1 = new Tensor('float32', [1, 2], [2]);
    const y = async (feeds: Record<string, Tensor>) => Array.from((await s.run(feeds))['y']!.data as Float32Array);
    expect(await y({ x: x1 })).toEqual([11, 22]);
    expect(await y({ x: x1, w: new Tensor('float32', [1, 1], [2]) })).toEqual([2, 3]);
    expect(await y({ x: x1 })).toEqual([11, 22]);
  });

  it('still checks a feed whose dtype changed while its dims did not', async () => {
    const b = new GraphBuilder();
    b.output(b.one('Neg', [b.input('x', [2])]), 'y', [2]);
    const s = await Session.create(b.model());
    await s.run({ x: feed([2], 1) });
    await expect(s.run({ x: new Tensor('int32', Int32Array.of(1, 2), [2]) })).rejects.toThrow(/must be float32/);
    await expect(s.run({ x: feed([2], 1), extra: feed([2], 1) })).rejects.toThrow(/"extra" is not an input/);
    expect(Array.from((await s.run({ x: new Tensor('float32', [1, -2], [2]) }))['y']!.data as Float32Array)).toEqual([-1, 2]);
  });
});
