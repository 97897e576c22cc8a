/**
 * Sequence and optional kernels against onnxruntime-node: one model chaining the ops, its tensor outputs
 * compared with onnxruntime's on the same inputs; plus the session's sequence/optional feeds and outputs.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../../api/model-io.js';
import { attr, type Attribute } from '../../../../ir/attribute.js';
import { DataType } from '../../../../ir/dtype.js';
import { Graph } from '../../../../ir/graph.js';
import { Model } from '../../../../ir/model.js';
import { Node } from '../../../../ir/node.js';
import { tensorType, type ValueType } from '../../../../ir/types.js';
import type { Value } from '../../../../ir/value.js';
import { Session } from '../../../session.js';
import { Tensor } from '../../../tensor.js';
import { OptionalValue, TensorSequence } from '../../../values.js';

const F = DataType.FLOAT;
const I = DataType.INT64;
const seqF: ValueType = { kind: 'sequence', elem: tensorType(F) };

function add(g: Graph, op: string, inputs: (Value | null)[], name: string, type: ValueType, attributes: Attribute[] = []): Value {
  const v = g.appendNode(new Node(op, inputs, { name, outputs: [name], attributes })).output(0);
  v.type = type;
  return v;
}

/** x: float[2,3], p: int64 scalar; every output a tensor, so onnxruntime can give the expected values. */
function chainModel(): Model {
  const g = new Graph('seq');
  const x = g.addInput('x', tensorType(F, [2, 3]));
  const p = g.addInput('p', tensorType(I, []));
  const r = add(g, 'Relu', [x], 'r', tensorType(F, [2, 3]));
  const split = add(g, 'SplitToSequence', [x], 'split', seqF, [attr.int('axis', 1)]);
  const ins = add(g, 'SequenceInsert', [split, r, p], 'ins', seqF);
  const cons = add(g, 'SequenceConstruct', [r, x], 'cons', seqF);
  add(g, 'Neg', [x], 'neg', tensorType(F, [2, 3])); // may reuse r's buffer: the sequences must not see it
  const era = add(g, 'SequenceErase', [ins], 'era', seqF);
  const opt = add(g, 'Optional', [x], 'opt', { kind: 'optional', elem: tensorType(F) });
  const outs = [
    add(g, 'SequenceLength', [era], 'len', tensorType(I, [])),
    add(g, 'SequenceAt', [ins, p], 'at', tensorType(F)),
    add(g, 'ConcatFromSequence', [era], 'cat', tensorType(F), [attr.int('axis', 1)]),
    add(g, 'ConcatFromSequence', [cons], 'stack', tensorType(F), [attr.int('axis', -1), attr.int('new_axis', 1)]),
    add(g, 'OptionalHasElement', [opt], 'has', tensorType(DataType.BOOL, [])),
    add(g, 'OptionalGetElement', [opt], 'get', tensorType(F)),
  ];
  for (const o of outs) g.addOutput(o);
  return new Model(g, new Map([['', 18]]));
}

describe('sequence and optional kernels', () => {
  it('match onnxruntime on a chain of sequence ops', async () => {
    const model = chainModel();
    const g = model.graph;
    const x = new Tensor('float32', Float32Array.of(1, -2, 3, -4, 5, -6), [2, 3]);
    for (const pos of [0, 2, -1]) {
      const p = new Tensor('int64', BigInt64Array.of(BigInt(pos)), []);
      const ref = await ort.InferenceSession.create(encodeModel(model));
      const want = await ref.run({ x: new ort.Tensor('float32', x.data as Float32Array, [2, 3]), p: new ort.Tensor('int64', p.data as BigInt64Array, []) });
      const got = await (await Session.create(model)).run({ x, p });
      for (const v of g.outputs) {
        const w = want[v.name]!;
        const t = got[v.name]!;
        expect([v.name, t.type, t.dims]).toEqual([v.name, w.type, w.dims]);
        expect(Array.from(t.data as ArrayLike<number | bigint>, Number)).toEqual(Array.from(w.data as ArrayLike<number | bigint>, Number));
      }
    }
  });

  it('takes and returns sequences and optionals through runValues', async () => {
    const g = new Graph('io');
    const s = g.addInput('s', seqF);
    const o = g.addInput('o', { kind: 'optional', elem: tensorType(F) });
    g.addOutput(add(g, 'SequenceInsert', [s, add(g, 'OptionalGetElement', [o], 'e', tensorType(F))], 'out', seqF));
    g.addOutput(add(g, 'OptionalHasElement', [o], 'has', tensorType(DataType.BOOL, [])));
    const session = await Session.create(new Model(g, new Map([['', 18]])));
    const a = new Tensor('float32', [1, 2]);
    const b = new Tensor('float32', [3]);
    const got = await session.runValues({ s: new TensorSequence([a], 'float32'), o: new OptionalValue(b) });
    const out = got.out as TensorSequence;
    expect(out).toBeInstanceOf(TensorSequence);
    expect(out.tensors.map((t) => Array.from(t.data as Float32Array))).toEqual([[1, 2], [3]]);
    expect(out.tensors[1]).not.toBe(b);
    expect(Array.from((got.has as Tensor).data as Uint8Array)).toEqual([1]);
    await expect(session.run({ s: new TensorSequence([a]), o: new OptionalValue(b) } as never)).rejects.toThrow(/use runValues/);
    await expect(session.runValues({ s: a, o: new OptionalValue(b) })).rejects.toThrow(/must be a sequence/);
    await expect(session.runValues({ s: new TensorSequence([a]), o: new OptionalValue() })).rejects.toThrow(/holds no value/);
  });
});
