/** Einsum against onnxruntime-node: the same one-node model run by both engines. */
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

const ramp = (dims: number[], a = -1, step = 0.37): Tensor => {
  const n = dims.reduce((p, q) => p * q, 1);
  return new Tensor('float32', Float32Array.from({ length: n }, (_, i) => a + ((i * step) % 3)), dims);
};
const einsum = (eq: string, ...xs: Tensor[]): Promise<void> => compare('Einsum', xs, [xs[0]!.type], [attr.string('equation', eq)], 12, 1e-5);

describe('Einsum', () => {
  it('multiplies matrices', () => einsum('ij,jk->ik', ramp([3, 4]), ramp([4, 5])));
  it('multiplies batches with implicit output', () => einsum('bij,bjk', ramp([2, 3, 4]), ramp([2, 4, 2])));
  it('broadcasts ellipsis dims', () => einsum('...ij,...jk->...ik', ramp([2, 1, 3, 4]), ramp([1, 3, 4, 2])));
  it('takes a batch diagonal', () => einsum('...ii->...i', ramp([3, 4, 4])));
  it('transposes', () => einsum('ijk->kji', ramp([2, 3, 4])));
  it('sums everything to a scalar', () => einsum('ij->', ramp([3, 5])));
  it('computes a trace', () => einsum('ii', ramp([4, 4])));
  it('takes an outer product of three operands', () => einsum('i,j,k->ijk', ramp([2]), ramp([3]), ramp([4])));
  it('contracts two labels at once with a repeated label', () => einsum('abcc,cbd->ad', ramp([2, 3, 4, 4]), ramp([4, 3, 5])));
  it('works on float64', () => einsum('ij,ij->i', new Tensor('float64', [1, 2, 3, 4, 5, 6], [2, 3]), new Tensor('float64', [6, 5, 4, 3, 2, 1], [2, 3])));
});
