/**
 * The attn2 family against onnxruntime-node: each case is a one-node model run by both engines on the same
 * inputs; expected values come from onnxruntime, never from our code. onnxruntime-node 1.30 refuses opset 27
 * (LinearAttention, CausalConvWithState), so those, like ai.onnx.preview FlexAttention, are checked by the
 * ONNX node conformance suite only.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
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

interface Case {
  name: string;
  op: string;
  /** Undefined entries are omitted optional inputs. */
  inputs: (Tensor | undefined)[];
  attrs?: Attribute[];
  outputs?: { name: string; type: TensorType }[];
  opset?: number;
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
const f32 = (dims: number[], seed: number): Tensor => new Tensor('float32', Float32Array.from(rand(count(dims), seed)), dims);
const i64 = (dims: number[], values: number[]): Tensor => new Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);
const y = [{ name: 'y', type: 'float32' as const }];

const CASES: Case[] = [
  { name: 'deformconv group 2 offset_group 2 mask bias', op: 'DeformConv', opset: 22,
    inputs: [f32([1, 4, 5, 5], 1), f32([2, 2, 3, 3], 2), new Tensor('float32', Float32Array.from(rand(2 * 18 * 3 * 3, 3).map((v) => v * 1.5)), [1, 36, 3, 3]), f32([2], 4), f32([1, 18, 3, 3], 5)],
    attrs: [attr.int('group', 2), attr.int('offset_group', 2), attr.ints('pads', [1, 1, 1, 1]), attr.ints('strides', [2, 2]), attr.ints('kernel_shape', [3, 3])] },
  { name: 'deformconv dilation no bias', op: 'DeformConv', opset: 19,
    inputs: [f32([2, 2, 6, 5], 6), f32([3, 2, 2, 2], 7), f32([2, 8, 4, 3], 8)],
    attrs: [attr.ints('dilations', [2, 2])] },
];

const DT: Record<string, DataType> = { float32: DataType.FLOAT, int64: DataType.INT64, bool: DataType.BOOL };

function modelOf(c: Case): Model {
  const g = new Graph('g');
  const ins = c.inputs.map((t, i) => (t ? g.addInput(`x${i}`, tensorType(DT[t.type]!, t.dims)) : null));
  const outputs = c.outputs ?? y;
  const n = g.appendNode(new Node(c.op, ins, { name: 'n0', outputs: outputs.map((o) => o.name), attributes: c.attrs ?? [] }));
  outputs.forEach((o, i) => {
    n.output(i).type = tensorType(DT[o.type]!);
    g.addOutput(n.output(i));
  });
  return new Model(g, new Map([['', c.opset ?? 21]]));
}

describe('attn2 kernels match onnxruntime-node', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const model = modelOf(c);
    const feeds = c.inputs.flatMap((t, i) => (t ? [[`x${i}`, t] as const] : []));
    const ref = await ort.InferenceSession.create(encodeModel(model));
    const want = await ref.run(Object.fromEntries(feeds.map(([k, t]) => [k, new ort.Tensor(t.type, t.data as Float32Array, t.dims as number[])])));
    const ours = await Session.create(model, { backend: 'cpu' });
    const got = await ours.run(Object.fromEntries(feeds));
    for (const { name } of c.outputs ?? y) {
      const g = got[name]!;
      const w = want[name]!;
      expect(g.dims, name).toEqual(w.dims);
      const gv = Array.from(g.data as ArrayLike<number>);
      const wv = Array.from(w.data as ArrayLike<number>);
      expect(gv.length).toBe(wv.length);
      gv.forEach((v, i) => expect(Math.abs(v - wv[i]!), `${name}[${i}]`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(wv[i]!)));
    }
  });
});
