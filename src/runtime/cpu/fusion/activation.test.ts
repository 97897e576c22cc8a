/**
 * Fused activations (fuseActivations): each pattern runs as one step, bit-identical to the session that
 * runs every node on its own ('none'), and within rtol 1e-5 / atol 1e-6 of onnxruntime; the patterns
 * that must not fuse stay apart.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { attr, type Attribute } from '../../../ir/attribute.js';
import { DataType } from '../../../ir/dtype.js';
import { ArrayTensor } from '../../../ir/tensor.js';
import type { Value } from '../../../ir/value.js';
import { GraphBuilder, randoms, runOrt } from '../../../passes/optimize-transposes/test-helpers.js';
import type { ExecutionPlan } from '../../plan.js';
import { Session } from '../../session.js';
import { Tensor } from '../../tensor.js';
import { setWasmEnabled } from '../wasm/instance.js';

const planOf = (s: Session): ExecutionPlan => (s as unknown as { plan: ExecutionPlan }).plan;
const labels = (s: Session): string[] => planOf(s).steps.filter((st) => st.reuse === 'never').map((st) => st.label);

function weights(b: GraphBuilder, name: string, dims: number[], seed: number): Value {
  const size = dims.reduce((p, d) => p * d, 1);
  return b.init(name, dims, Array.from(randoms(size, seed), (x) => x / Math.sqrt(size / dims[0]!)));
}

/** `act(producer)` as the graph's output; the activation given as a function of the builder and the value. */
type Act = (b: GraphBuilder, v: Value) => Value;
const unary = (op: string, attributes: Attribute[] = []): Act => (b, v) => b.one(op, [v], attributes);
const clip = (lo: number | null, hi: number | null): Act => (b, v) =>
  b.one('Clip', [v, lo === null ? null : b.init(`lo${b.graph.nodes().length}`, [], [lo]), hi === null ? null : b.init(`hi${b.graph.nodes().length}`, [], [hi])]);

const ACTIVATIONS: [string, Act][] = [
  ['Relu', unary('Relu')],
  ['Clip', clip(0, 6)],
  ['Clip', clip(-0.25, null)],
  ['LeakyRelu', unary('LeakyRelu', [attr.float('alpha', 0.1)])],
  ['HardSigmoid', unary('HardSigmoid', [attr.float('alpha', 0.3), attr.float('beta', 0.4)])],
  ['HardSwish', unary('HardSwish')],
  ['Sigmoid', unary('Sigmoid')],
];

/** Conv (3x3 padded, 1x1, depthwise), Gemm (C as a row of n, transB) and MatMul (batched) producers. */
const PRODUCERS: [string, string, (b: GraphBuilder) => { x: Value; v: Value; dims: number[]; out: number[] }][] = [
  ['Conv', 'conv 3x3', (b) => {
    const x = b.input('x', [2, 3, 9, 9]);
    const v = b.one('Conv', [x, weights(b, 'w', [8, 3, 3, 3], 1), weights(b, 'bias', [8], 2)], [attr.ints('pads', [1, 1, 1, 1])]);
    return { x, v, dims: [2, 3, 9, 9], out: [2, 8, 9, 9] };
  }],
  ['Conv', 'conv 1x1 no bias', (b) => {
    const x = b.input('x', [1, 16, 5, 7]);
    return { x, v: b.one('Conv', [x, weights(b, 'w', [12, 16, 1, 1], 3)]), dims: [1, 16, 5, 7], out: [1, 12, 5, 7] };
  }],
  ['Conv', 'depthwise stride 2', (b) => {
    const x = b.input('x', [1, 8, 10, 10]);
    const v = b.one('Conv', [x, weights(b, 'w', [8, 1, 3, 3], 4), weights(b, 'bias', [8], 5)], [attr.int('group', 8), attr.ints('strides', [2, 2]), attr.ints('pads', [1, 1, 1, 1])]);
    return { x, v, dims: [1, 8, 10, 10], out: [1, 8, 5, 5] };
  }],
  ['Gemm', 'gemm transB + C', (b) => {
    const x = b.input('x', [6, 40]);
    const v = b.one('Gemm', [x, weights(b, 'w', [24, 40], 6), weights(b, 'c', [24], 7)], [attr.int('transB', 1), attr.float('alpha', 0.5)]);
    return { x, v, dims: [6, 40], out: [6, 24] };
  }],
  ['MatMul', 'batched matmul', (b) => {
    const x = b.input('x', [3, 5, 20]);
    return { x, v: b.one('MatMul', [x, weights(b, 'w', [20, 17], 8)]), dims: [3, 5, 20], out: [3, 5, 17] };
  }],
];

function feed(dims: number[], seed: number): Tensor {
  return new Tensor('float32', randoms(dims.reduce((a, b) => a * b, 1), seed), dims);
}

async function outputs(s: Session, feeds: Record<string, Tensor>): Promise<Float32Array> {
  return (await s.run(feeds))['y']!.data as Float32Array;
}

describe('fused activations', () => {
  for (const [op, what, make] of PRODUCERS) {
    for (const [act, apply] of ACTIVATIONS) {
      it(`${what} + ${act}: one step, bit-identical to the unfused steps, close to onnxruntime`, async () => {
        const b = new GraphBuilder();
        const { v, dims, out } = make(b);
        b.output(apply(b, v), 'y', out);
        const model = b.model(18);
        const feeds = { x: feed(dims, 11) };
        const none = await Session.create(model, { graphOptimization: 'none' });
        const all = await Session.create(model, { graphOptimization: 'all' });
        expect(labels(all)).toEqual([`${op}+${act}`]);
        const want = await outputs(none, feeds);
        for (let run = 0; run < 3; run++) expect(Array.from(await outputs(all, feeds)), `run ${run}`).toEqual(Array.from(want));
        const ref = (await runOrt(model, { x: new ort.Tensor('float32', feeds.x.data as Float32Array, dims) }))['y']!.data as Float32Array;
        want.forEach((g, i) => expect(Math.abs(g - ref[i]!), `element ${i}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(ref[i]!)));
      });
    }
  }

  it('applies the activation on the JavaScript paths too', async () => {
    const b = new GraphBuilder();
    const { v } = PRODUCERS[0]![2](b);
    b.output(b.one('Clip', [v, b.init('lo', [], [-0.1]), b.init('hi', [], [0.2])]), 'y', [2, 8, 9, 9]);
    const b2 = new GraphBuilder();
    const g = PRODUCERS[3]![2](b2);
    b2.output(b2.one('Relu', [g.v]), 'y', [6, 24]);
    setWasmEnabled(false);
    try {
      for (const [model, dims] of [[b.model(18), [2, 3, 9, 9]], [b2.model(18), [6, 40]]] as const) {
        const feeds = { x: feed([...dims], 3) };
        const all = await Session.create(model);
        expect(labels(all)).toHaveLength(1);
        expect(Array.from(await outputs(all, feeds))).toEqual(Array.from(await outputs(await Session.create(model, { graphOptimization: 'none' }), feeds)));
      }
    } finally {
      setWasmEnabled(true);
    }
  });

  it('takes Clip bounds from Constant nodes and opset 6 attributes', async () => {
    const b = new GraphBuilder();
    const { v } = PRODUCERS[2]![2](b);
    const k = (name: string, x: number) => b.op('Constant', [], [attr.tensor('value', new ArrayTensor(DataType.FLOAT, [], Float32Array.of(x)))])[0]!;
    b.output(b.one('Clip', [v, k('lo', 0), k('hi', 6)]), 'y', [1, 8, 5, 5]);
    const s = await Session.create(b.model(18));
    expect(labels(s)).toEqual(['Conv+Clip']);
    const feeds = { x: feed([1, 8, 10, 10], 2) };
    expect(Array.from(await outputs(s, feeds))).toEqual(Array.from(await outputs(await Session.create(b.model(18), { graphOptimization: 'none' }), feeds)));

    const b6 = new GraphBuilder();
    const g = PRODUCERS[4]![2](b6);
    b6.output(b6.one('Clip', [g.v], [attr.float('min', -0.5), attr.float('max', 0.5)]), 'y', [3, 5, 17]);
    const s6 = await Session.create(b6.model(6));
    expect(labels(s6)).toEqual(['MatMul+Clip']);
    const f6 = { x: feed([3, 5, 20], 4) };
    expect(Array.from(await outputs(s6, f6))).toEqual(Array.from(await outputs(await Session.create(b6.model(6), { graphOptimization: 'none' }), f6)));
  });

  it('leaves apart: a producer read twice or exposed, bounds that vary or are not float32, other activations', async () => {
    const cases: [string, (b: GraphBuilder, v: Value) => void, string[]][] = [
      ['read twice', (b, v) => b.output(b.one('Add', [b.one('Relu', [v]), v]), 'y', [6, 24]), ['Gemm', 'Relu+Add']],
      ['exposed', (b, v) => (b.output(b.one('Relu', [v]), 'y', [6, 24]), b.output(v, 'z', [6, 24])), ['Gemm', 'Relu']],
      ['bound fed', (b, v) => b.output(b.one('Clip', [v, b.input('lo', [])]), 'y', [6, 24]), ['Gemm', 'Clip']],
      ['bound NaN', (b, v) => b.output(b.one('Clip', [v, b.init('lo', [], [NaN])]), 'y', [6, 24]), ['Gemm', 'Clip']],
      ['bound not float32', (b, v) => b.output(b.one('Clip', [v], [attr.float('min', 0.1)]), 'y', [6, 24]), ['Gemm', 'Clip']],
      ['Tanh', (b, v) => b.output(b.one('Tanh', [v]), 'y', [6, 24]), ['Gemm', 'Tanh']],
    ];
    for (const [what, finish, want] of cases) {
      const b = new GraphBuilder();
      finish(b, PRODUCERS[3]![2](b).v);
      const model = b.model(what === 'bound not float32' ? 6 : 18);
      const s = await Session.create(model);
      expect(labels(s), what).toEqual(want);
      const feeds: Record<string, Tensor> = { x: feed([6, 40], 5), ...(what === 'bound fed' ? { lo: new Tensor('float32', [0.1], []) } : {}) };
      const none = await Session.create(model, { graphOptimization: 'none' });
      expect(Array.from(await outputs(s, feeds)), what).toEqual(Array.from(await outputs(none, feeds)));
    }
  });

  it('declines a float16 run and runs the two steps', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2, 4, 4], DataType.FLOAT16);
    const w = b.graph.addInitializer('w', new ArrayTensor(DataType.FLOAT16, [2, 2, 1, 1], Uint16Array.of(0x3c00, 0xbc00, 0x3800, 0x4000)));
    b.output(b.one('Sigmoid', [b.one('Conv', [x, w])]), 'y');
    const s = await Session.create(b.model(18));
    expect(labels(s)).toEqual(['Conv+Sigmoid']);
    const xs = new Tensor('float16', Uint16Array.from({ length: 32 }, (_, i) => 0x3000 + i * 97), [1, 2, 4, 4]);
    const got = (await s.run({ x: xs }))['y']!;
    const want = (await (await Session.create(b.model(18), { graphOptimization: 'none' })).run({ x: xs }))['y']!;
    expect(got.type).toBe('float16');
    expect(Array.from(got.data as Uint16Array)).toEqual(Array.from(want.data as Uint16Array));
  });

  it('gives NaN and signed zeros as the unfused steps and onnxruntime do (Note [fused activations])', async () => {
    // Gemm with alpha -1 and an identity B: the activation sees -x, and -0 for both zeros (a product
    // starts from +0). Conv 1x1 (weight 1) sees +0 for both zeros, and the NaNs and infinities.
    const special = [NaN, 0, -0, 1, -1, 2.5, -2.5, 3, -3, 6, -6, 7, -7, Infinity, -Infinity, 1e-40, -1e-40, 0.1];
    const x = new Float32Array(32).map((_, i) => special[i % special.length]!);
    const eye = Array.from({ length: 64 }, (_, i) => (i % 9 === 0 ? 1 : 0));
    const producers: [string, (b: GraphBuilder) => Value, number[]][] = [
      ['Gemm', (b) => b.one('Gemm', [b.input('x', [4, 8]), b.init('w', [8, 8], eye)], [attr.float('alpha', -1)]), [4, 8]],
      ['Conv', (b) => b.one('Conv', [b.input('x', [1, 2, 4, 4]), b.init('w', [2, 2, 1, 1], [1, 0, 0, 1])]), [1, 2, 4, 4]],
      ['depthwise', (b) => b.one('Conv', [b.input('x', [1, 2, 4, 4]), b.init('w', [2, 1, 1, 1], [1, 1])], [attr.int('group', 2)]), [1, 2, 4, 4]],
    ];
    for (const [act, apply] of [...ACTIVATIONS, ['Clip', clip(0, null)] as [string, Act], ['Clip', clip(-0, 0)] as [string, Act]]) {
      for (const [what, make, dims] of producers) {
        const b = new GraphBuilder();
        b.output(apply(b, make(b)), 'y', dims);
        const model = b.model(18);
        const feeds = { x: new Tensor('float32', x, dims) };
        const none = await outputs(await Session.create(model, { graphOptimization: 'none' }), feeds);
        for (const wasm of [true, false]) {
          setWasmEnabled(wasm);
          try {
            const s = await Session.create(model);
            expect(labels(s), `${what}+${act}`).toEqual([`${what === 'depthwise' ? 'Conv' : what}+${act}`]);
            const got = await outputs(s, feeds);
            none.forEach((v, i) => expect(Object.is(got[i], v), `${what}+${act} wasm=${wasm} x=${x[i]}: ${got[i]} vs ${v}`).toBe(true));
          } finally {
            setWasmEnabled(true);
          }
        }
        const ref = (await runOrt(model, { x: new ort.Tensor('float32', x, dims) }))['y']!.data as Float32Array;
        none.forEach((v, i) => {
          const r = ref[i]!;
          // onnxruntime's Clip without a bound clamps to the float32 maximum: infinities come out finite.
          if (act === 'Clip' && !Number.isFinite(v) && !Number.isNaN(v) && Math.abs(r) === 3.4028234663852886e38) return;
          if (Number.isNaN(r) || r === 0 || !Number.isFinite(r)) expect(Object.is(v, r), `${what}+${act} vs onnxruntime, x=${x[i]}: ${v} vs ${r}`).toBe(true);
          else expect(Math.abs(v - r), `${what}+${act} vs onnxruntime, x=${x[i]}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(r));
        });
      }
    }
  });

  it('absorbs a bias Add into MatMul, before an activation, on either side of the Add, on both paths', async () => {
    const cases: [string, number[], (b: GraphBuilder, v: Value, bias: Value) => Value, string[]][] = [
      ['bias', [17], (b, v, bias) => b.one('Add', [v, bias]), ['MatMul+Add']],
      ['bias on the left, Relu', [1, 17], (b, v, bias) => b.one('Relu', [b.one('Add', [bias, v])]), ['MatMul+Add+Relu']],
      ['bias, Sigmoid', [17], (b, v, bias) => b.one('Sigmoid', [b.one('Add', [v, bias])]), ['MatMul+Add+Sigmoid']],
      ['bias, Clip', [1, 1, 17], (b, v, bias) => b.one('Clip', [b.one('Add', [v, bias]), b.init('lo', [], [-0.2]), b.init('hi', [], [0.3])]), ['MatMul+Add+Clip']],
      // More dims than the product: the Add's result has another shape, so the fused form declines.
      ['bias of higher rank', [1, 1, 1, 17], (b, v, bias) => b.one('Add', [v, bias]), ['MatMul+Add']],
      ['a full matrix', [5, 17], (b, v, bias) => b.one('Relu', [b.one('Add', [v, bias])]), ['MatMul', 'Add+Relu']],
    ];
    for (const wasm of [true, false]) {
      setWasmEnabled(wasm);
      try {
        for (const [what, biasDims, finish, want] of cases) {
          const b = new GraphBuilder();
          const { v } = PRODUCERS[4]![2](b);
          b.output(finish(b, v, weights(b, 'bias', biasDims, 9)), 'y');
          const model = b.model(18);
          const s = await Session.create(model);
          expect(labels(s), what).toEqual(want);
          const feeds = { x: feed([3, 5, 20], 6) };
          const none = await Session.create(model, { graphOptimization: 'none' });
          const expected = (await none.run(feeds))['y']!;
          for (let run = 0; run < 2; run++) {
            const got = (await s.run(feeds))['y']!;
            expect(got.dims, what).toEqual(expected.dims);
            expect(Array.from(got.data as Float32Array), `${what} wasm=${wasm}`).toEqual(Array.from(expected.data as Float32Array));
          }
          if (!wasm) continue;
          const ref = (await runOrt(model, { x: new ort.Tensor('float32', feeds.x.data as Float32Array, [3, 5, 20]) }))['y']!.data as Float32Array;
          (expected.data as Float32Array).forEach((g, i) => expect(Math.abs(g - ref[i]!), `${what} element ${i}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(ref[i]!)));
        }
      } finally {
        setWasmEnabled(true);
      }
    }
  });
});
