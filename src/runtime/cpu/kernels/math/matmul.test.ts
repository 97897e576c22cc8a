/**
 * MatMul and Gemm against onnxruntime-node, on the WebAssembly kernels and on the JavaScript path: each
 * case is a one-node model run by both engines on the same inputs; expected values come from onnxruntime,
 * never from our code. Shapes cover batch broadcast, 1-D operands, k = 1, n = 1, a large k, every
 * transA/transB pair and every way C broadcasts.
 */
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../../../api/model-io.js';
import type { Attribute } from '../../../../ir/attribute.js';
import { DataType } from '../../../../ir/dtype.js';
import { Graph } from '../../../../ir/graph.js';
import { Model } from '../../../../ir/model.js';
import { Node } from '../../../../ir/node.js';
import { tensorType } from '../../../../ir/types.js';
import { Session } from '../../../session.js';
import { Tensor, type TensorType } from '../../../tensor.js';
import { attr } from '../../../test-models.js';
import { floatArrayToHalf } from '../../float16.js';
import { setWasmEnabled } from '../../wasm/instance.js';

interface Case {
  name: string;
  op: 'MatMul' | 'Gemm';
  inputs: Tensor[];
  attrs?: Attribute[];
}

/** Deterministic pseudo-random values in [-1, 1). */
function rand(n: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

const count = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);

function tensor(type: TensorType, dims: number[], seed: number): Tensor {
  const v = rand(count(dims), seed);
  switch (type) {
    case 'float32':
      return new Tensor(type, Float32Array.from(v), dims);
    case 'float64':
      return new Tensor(type, Float64Array.from(v), dims);
    case 'float16':
      return new Tensor(type, floatArrayToHalf(v, new Uint16Array(v.length)), dims);
    case 'int32':
      return new Tensor(type, Int32Array.from(v, (x) => Math.round(x * 50)), dims);
    case 'int64':
      return new Tensor(type, BigInt64Array.from(v, (x) => BigInt(Math.round(x * 50))), dims);
    default:
      throw new Error(`no generator for ${type}`);
  }
}

const f32 = (dims: number[], seed: number): Tensor => tensor('float32', dims, seed);

const mm = (name: string, a: number[], b: number[], type: TensorType = 'float32'): Case => ({
  name: `${name} ${type}`, op: 'MatMul', inputs: [tensor(type, a, count(a) + 1), tensor(type, b, count(b) + 2)],
});

const gemm = (name: string, m: number, n: number, k: number, o: { ta?: boolean; tb?: boolean; c?: number[]; alpha?: number; beta?: number; type?: TensorType }): Case => {
  const type = o.type ?? 'float32';
  const inputs = [tensor(type, o.ta ? [k, m] : [m, k], m * 3 + k), tensor(type, o.tb ? [n, k] : [k, n], n * 5 + k)];
  if (o.c) inputs.push(tensor(type, o.c, 17));
  const attrs = [attr.int('transA', o.ta ? 1 : 0), attr.int('transB', o.tb ? 1 : 0)];
  if (o.alpha !== undefined) attrs.push(attr.float('alpha', o.alpha));
  if (o.beta !== undefined) attrs.push(attr.float('beta', o.beta));
  return { name: `${name} ${type}`, op: 'Gemm', inputs, attrs };
};

const CASES: Case[] = [
  mm('2-D', [3, 5], [5, 7]),
  mm('tile multiples', [8, 16], [16, 16]),
  mm('stacked batch over a 2-D weight', [2, 8, 32], [32, 96]),
  mm('broadcast batch dims', [3, 1, 4, 6], [2, 6, 9]),
  mm('batch of one against a batch', [1, 5, 3], [4, 3, 2]),
  mm('attention-like', [2, 4, 8, 8], [2, 4, 8, 8]),
  mm('1-D left', [6], [6, 5]),
  mm('1-D right', [4, 6], [6]),
  mm('1-D both', [7], [7]),
  mm('batched 1-D right', [2, 3, 6], [6]),
  mm('k = 1', [5, 1], [1, 9]),
  mm('n = 1', [9, 13], [13, 1]),
  mm('m = 1', [1, 33], [33, 17]),
  mm('large k', [3, 700], [700, 5]),
  mm('large', [70, 150], [150, 90]),
  mm('empty k', [3, 0], [0, 4]),
  mm('2-D', [3, 5], [5, 7], 'float64'),
  mm('broadcast batch dims', [3, 1, 4, 6], [2, 6, 9], 'float64'),
  mm('2-D', [3, 5], [5, 7], 'int32'),
  mm('2-D', [3, 5], [5, 7], 'int64'),
  mm('broadcast batch dims', [3, 1, 4, 6], [2, 6, 9], 'float16'),
  gemm('plain', 4, 9, 7, {}),
  gemm('transB bias row', 16, 32, 32, { tb: true, c: [32] }),
  gemm('transA', 5, 3, 6, { ta: true, c: [5, 3] }),
  gemm('transA transB alpha beta', 6, 10, 11, { ta: true, tb: true, c: [6, 10], alpha: 0.5, beta: -2 }),
  gemm('C column', 7, 5, 3, { c: [7, 1] }),
  gemm('C [1, n] beta', 2, 10, 16, { tb: true, c: [1, 10], beta: 0.25 }),
  gemm('C scalar', 3, 4, 5, { c: [] }),
  gemm('C [1, 1]', 3, 4, 5, { c: [1, 1], alpha: 2 }),
  gemm('beta 0', 3, 4, 5, { c: [3, 4], beta: 0 }),
  gemm('k = 1 n = 1', 5, 1, 1, { c: [1] }),
  gemm('large k', 3, 9, 600, { tb: true, c: [9] }),
  gemm('transB bias row', 6, 10, 11, { tb: true, c: [10], type: 'float64' }),
  gemm('transA C [m, n] alpha beta', 5, 9, 12, { ta: true, c: [5, 9], alpha: 0.5, beta: 2, type: 'float16' }),
  gemm('transA transB alpha beta', 6, 10, 11, { ta: true, tb: true, c: [6, 10], alpha: 0.5, beta: -2, type: 'float64' }),
];

const DT: Record<string, DataType> = {
  float32: DataType.FLOAT, float64: DataType.DOUBLE, float16: DataType.FLOAT16, int32: DataType.INT32, int64: DataType.INT64,
};

function modelOf(c: Case): Model {
  const g = new Graph('g');
  const ins = c.inputs.map((t, i) => g.addInput(`x${i}`, tensorType(DT[t.type]!, t.dims)));
  const n = g.appendNode(new Node(c.op, ins, { name: 'n0', outputs: ['y'], attributes: c.attrs ?? [] }));
  n.output(0).type = tensorType(DT[c.inputs[0]!.type]!);
  g.addOutput(n.output(0));
  return new Model(g, new Map([['', 19]]));
}

function values(data: unknown, type: TensorType): number[] {
  if (type === 'float16') return Array.from(data as Uint16Array, halfBits);
  return Array.from(data as ArrayLike<number | bigint>, Number);
}

/** An IEEE half's bits as a number (independent of our float16 module). */
function halfBits(h: number): number {
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  const v = e === 0 ? f * 2 ** -24 : e === 31 ? (f ? NaN : Infinity) : (1 + f / 1024) * 2 ** (e - 15);
  return h & 0x8000 ? -v : v;
}

for (const [label, on] of [['WebAssembly', true], ['JavaScript', false]] as const) {
  describe(`MatMul and Gemm match onnxruntime-node (${label})`, () => {
    beforeAll(() => setWasmEnabled(on));
    afterAll(() => setWasmEnabled(true));

    it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
      const model = modelOf(c);
      const ref = await ort.InferenceSession.create(encodeModel(model));
      const feeds = Object.fromEntries(c.inputs.map((t, i) => [`x${i}`, new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims as number[])]));
      const want = (await ref.run(feeds)).y!;
      const ours = await Session.create(model, { backend: 'cpu' });
      const got = (await ours.run(Object.fromEntries(c.inputs.map((t, i) => [`x${i}`, t])))).y!;
      expect(got.dims).toEqual(want.dims);
      expect(got.type).toBe(c.inputs[0]!.type);
      const type = c.inputs[0]!.type;
      const gv = values(got.data, type);
      const wv = values(want.data, type);
      // float16 results round to 11 bits: one half ulp of the larger magnitude either way.
      const rtol = type === 'float16' ? 2 ** -10 : 1e-5;
      gv.forEach((v, i) => expect(Math.abs(v - wv[i]!), `y[${i}]: ${v} vs ${wv[i]}`).toBeLessThanOrEqual(1e-5 + rtol * Math.abs(wv[i]!)));
    });
  });
}
