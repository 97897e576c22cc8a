/**
 * RNN, GRU and LSTM against onnxruntime-node: the same one-node model run by both engines. onnxruntime's CPU
 * provider refuses layout 1, so batchwise runs are covered by the ONNX node tests (test_*_batchwise) only.
 */
import { attr } from '../../../../ir/attribute.js';
import { describe, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { encodeModel } from '../../../../api/model-io.js';
import type { Attribute } from '../../../../ir/attribute.js';
import { Graph } from '../../../../ir/graph.js';
import { Model } from '../../../../ir/model.js';
import { Node } from '../../../../ir/node.js';
import { tensorType } from '../../../../ir/types.js';
import { Session } from '../../../session.js';
import { dataTypeOf, Tensor, type TensorType } from '../../../tensor.js';

/** Runs one `op` node on `feeds` (null: an omitted input) in onnxruntime-node and in our engine; they must agree. */
async function compare(op: string, feeds: (Tensor | null)[], outs: TensorType[], attributes: Attribute[] = [], opset = 21, tol = 1e-5): Promise<void> {
  const g = new Graph('g');
  const ins = feeds.map((t, i) => (t ? g.addInput(`x${i}`, tensorType(dataTypeOf(t.type), [...t.dims])) : null));
  const n = g.appendNode(new Node(op, ins, { name: 'n', outputs: outs.map((_, i) => `y${i}`), attributes }));
  outs.forEach((t, i) => {
    n.output(i).type = tensorType(dataTypeOf(t));
    g.addOutput(n.output(i));
  });
  const model = new Model(g, new Map([['', opset]]));
  const named = Object.fromEntries(feeds.flatMap((t, i) => (t ? [[`x${i}`, t] as const] : [])));
  const ref = await ort.InferenceSession.create(encodeModel(model));
  const want = await ref.run(Object.fromEntries(Object.entries(named).map(([k, t]) => [k, new ort.Tensor(t.type, t.data as Float32Array, t.dims as number[])])));
  const got = await (await Session.create(model, { backend: 'cpu' })).run(named);
  outs.forEach((_, i) => {
    const w = want[`y${i}`]!;
    const o = got[`y${i}`]!;
    expect([o.type, o.dims]).toEqual([w.type, w.dims]);
    const ws = Array.from(w.data as ArrayLike<number>, Number);
    Array.from(o.data as ArrayLike<number>, Number).forEach((x, j) => expect(Math.abs(x - ws[j]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(ws[j]!))));
  });
}

/** Deterministic values in [-0.5, 0.5). */
const vals = (dims: number[], seed: number): Tensor => {
  const n = dims.reduce((p, q) => p * q, 1);
  return new Tensor('float32', Float32Array.from({ length: n }, (_, i) => (((i + 1) * 7919 * (seed + 3)) % 1000) / 1000 - 0.5), dims);
};
const lens = (v: number[]): Tensor => new Tensor('int32', v, [v.length]);
const OUT3: TensorType[] = ['float32', 'float32', 'float32'];
const OUT2: TensorType[] = ['float32', 'float32'];

// seq 4, batch 3, input 5, hidden 2.
const [S, N, I, H] = [4, 3, 5, 2];

describe('RNN', () => {
  it('runs forward with defaults', () => compare('RNN', [vals([S, N, I], 1), vals([1, H, I], 2), vals([1, H, H], 3)], OUT2, [attr.int('hidden_size', H)]));
  it('runs reverse with bias, sequence lengths, initial state and clip', () =>
    compare('RNN', [vals([S, N, I], 1), vals([1, H, I], 2), vals([1, H, H], 3), vals([1, 2 * H], 4), lens([4, 2, 3]), vals([1, N, H], 5)], OUT2,
      [attr.int('hidden_size', H), attr.string('direction', 'reverse'), attr.float('clip', 0.3)]));
  it('runs bidirectional with named activations', () =>
    compare('RNN', [vals([S, N, I], 1), vals([2, H, I], 2), vals([2, H, H], 3), vals([2, 2 * H], 4), null, vals([2, N, H], 5)], OUT2,
      [attr.int('hidden_size', H), attr.string('direction', 'bidirectional'), attr.strings('activations', ['Relu', 'Sigmoid'])]));
});

describe('GRU', () => {
  it('runs forward with defaults', () => compare('GRU', [vals([S, N, I], 1), vals([1, 3 * H, I], 2), vals([1, 3 * H, H], 3)], OUT2, [attr.int('hidden_size', H)]));
  it('runs bidirectional, linear_before_reset, sequence lengths, initial state', () =>
    compare('GRU', [vals([S, N, I], 1), vals([2, 3 * H, I], 2), vals([2, 3 * H, H], 3), vals([2, 6 * H], 4), lens([1, 4, 3]), vals([2, N, H], 5)], OUT2,
      [attr.int('hidden_size', H), attr.string('direction', 'bidirectional'), attr.int('linear_before_reset', 1)]));
  it('runs reverse without linear_before_reset', () =>
    compare('GRU', [vals([S, N, I], 1), vals([1, 3 * H, I], 2), vals([1, 3 * H, H], 3), vals([1, 6 * H], 4), lens([2, 4, 1])], OUT2,
      [attr.int('hidden_size', H), attr.string('direction', 'reverse')]));
});

describe('activation attributes', () => {
  it('hands activation_alpha/beta out in order (GRU, HardSigmoid then LeakyRelu)', () =>
    compare('GRU', [vals([S, N, I], 1), vals([1, 3 * H, I], 2), vals([1, 3 * H, H], 3)], OUT2,
      [attr.int('hidden_size', H), attr.strings('activations', ['HardSigmoid', 'LeakyRelu']), attr.floats('activation_alpha', [0.3, 0.05]), attr.floats('activation_beta', [0.4])]));
  it('takes Affine, ScaledTanh and Elu (LSTM)', () =>
    compare('LSTM', [vals([S, N, I], 1), vals([1, 4 * H, I], 2), vals([1, 4 * H, H], 3)], OUT3,
      [attr.int('hidden_size', H), attr.strings('activations', ['Affine', 'ScaledTanh', 'Elu']), attr.floats('activation_alpha', [0.7, 1.5, 0.9]), attr.floats('activation_beta', [0.1, 0.8])]));
});

describe('LSTM', () => {
  it('runs forward with defaults', () => compare('LSTM', [vals([S, N, I], 1), vals([1, 4 * H, I], 2), vals([1, 4 * H, H], 3)], OUT3, [attr.int('hidden_size', H)]));
  it('runs bidirectional with peepholes, sequence lengths and initial states', () =>
    compare('LSTM', [vals([S, N, I], 1), vals([2, 4 * H, I], 2), vals([2, 4 * H, H], 3), vals([2, 8 * H], 4), lens([3, 4, 2]), vals([2, N, H], 5), vals([2, N, H], 6), vals([2, 3 * H], 7)], OUT3,
      [attr.int('hidden_size', H), attr.string('direction', 'bidirectional')]));
  it('runs reverse with clip and input_forget', () =>
    compare('LSTM', [vals([S, N, I], 1), vals([1, 4 * H, I], 2), vals([1, 4 * H, H], 3), vals([1, 8 * H], 4), null, vals([1, N, H], 5), vals([1, N, H], 6)], OUT3,
      [attr.int('hidden_size', H), attr.string('direction', 'reverse'), attr.float('clip', 0.2), attr.int('input_forget', 1)]));
});
