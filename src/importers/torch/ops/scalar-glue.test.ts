/**
 * What the op-case tables cannot hold: TorchScript's number glue (aten::Int, prim::NumToTensor,
 * aten::ScalarImplicit), .pt2 SymInt arithmetic (prim::add ...), sizes and bounds computed in the graph,
 * an op with no output, and the opset branches (17 to 21) of the reduction and activation rules.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../api/model-io.js';
import { validate } from '../../../api/validate.js';
import { ArrayTensor } from '../../../ir/tensor.js';
import { DataType } from '../../../ir/dtype.js';
import { Graph } from '../../../ir/graph.js';
import { Model } from '../../../ir/model.js';
import { tensorType } from '../../../ir/types.js';
import type { Value } from '../../../ir/value.js';
import { lowerToOnnx } from '../../common/lower.js';
import { SourceGraphBuilder } from '../source-graph.js';
import { atenTable } from '../table.js';
import './index.js';

type Build = (b: SourceGraphBuilder, g: Graph, call: (op: string, args: (Value | null)[], kwargs?: [string, Value | null][], outs?: number) => Value[]) => void;

function sourceModel(build: Build): Model {
  const g = new Graph('t');
  const b = new SourceGraphBuilder(g);
  let n = 0;
  const call = (op: string, args: (Value | null)[], kwargs: [string, Value | null][] = [], outs = 1): Value[] => {
    const [domain, name] = op.split('::') as [string, string];
    const id = n++;
    return b.call(domain, name, undefined, args, kwargs, Array.from({ length: outs }, (_, k) => `${name}_${id}_${k}`), `${name}_${id}`).outputs;
  };
  build(b, g, call);
  return new Model(g, new Map([['aten', 1]]), 10);
}

async function lowerAndRun(model: Model, opset: number, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  lowerToOnnx(model, atenTable, { opset });
  expect(validate(model).errors).toEqual([]);
  expect([...model.graph].every((node) => node.domain === '')).toBe(true);
  const session = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1 });
  return session.run(feeds);
}

const values = (t: ort.Tensor | undefined): number[] => Array.from(t!.data as ArrayLike<number | bigint | boolean>, Number);

describe('TorchScript number glue and SymInt arithmetic', () => {
  it('turns sizes into numbers and back, and builds tensors from computed sizes', async () => {
    const m = sourceModel((b, g, call) => {
      const n = g.addInput('n', tensorType(DataType.INT64, [])); // a SymInt, e.g. x.size(1)
      const v = g.addInput('v', tensorType(DataType.FLOAT, [10]));
      // A traced constant tensor (CONSTANTS.c0), not a Python scalar.
      const two = b.tensorConstant(new ArrayTensor(DataType.INT64, [], BigInt64Array.of(2n)), 'CONSTANTS.c0');
      const t = call('prim::NumToTensor', [n])[0]!;
      const asInt = call('aten::Int', [call('aten::mul', [t, two])[0]!])[0]!;
      const half = call('aten::Int', [call('aten::floor_divide', [t, two])[0]!])[0]!;
      const cpu = [
        ['layout', null],
        ['device', b.pyValue('cpu')],
        ['pin_memory', b.pyValue(false)],
      ] as [string, Value | null][];
      const zeros = call('aten::zeros', [b.list([b.pyValue(2), call('aten::Int', [t])[0]!, b.pyValue(3)])], [['dtype', b.pyValue(6)], ...cpu])[0]!;
      const range = call('aten::arange', [call('aten::ScalarImplicit', [t])[0]!], [['dtype', b.pyValue(6)], ...cpu])[0]!;
      const [top, idx] = call('aten::topk', [v, call('prim::floordiv', [n, b.pyValue(2)])[0]!], [], 2) as [Value, Value];
      call('aten::_assert_tensor_metadata', [v], [['dtype', b.pyValue(6)]], 0);
      const sym = [
        call('prim::add', [n, b.pyValue(-1)])[0]!,
        call('prim::sub', [n, b.pyValue(10)])[0]!,
        call('prim::mul', [n, b.pyValue(3)])[0]!,
        call('prim::floordiv', [call('prim::mul', [n, b.pyValue(-1)])[0]!, b.pyValue(2)])[0]!,
        call('prim::mul', [n, b.pyValue(0.5, 'float')])[0]!,
      ];
      for (const out of [asInt, half, zeros, range, top, idx, ...sym]) g.addOutput(out);
    });
    const out = await lowerAndRun(m, 18, {
      n: new ort.Tensor('int64', BigInt64Array.of(7n), []),
      v: new ort.Tensor('float32', Float32Array.from([3, 9, 1, 7, 5, 0, 8, 2, 6, 4]), [10]),
    });
    const outs = m.graph.outputs.map((o) => out[o.name]);
    expect(outs.map((t) => t!.dims.length)).toEqual([0, 0, 3, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(values(outs[0])).toEqual([14]);
    expect(values(outs[1])).toEqual([3]);
    expect(outs[2]!.dims).toEqual([2, 7, 3]);
    expect(outs[2]!.type).toBe('float32');
    expect(values(outs[3])).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(values(outs[4])).toEqual([9, 8, 7]);
    expect(values(outs[5])).toEqual([1, 6, 3]);
    // 7 - 1, 7 - 10, 7 * 3, -7 // 2 (floors to -4), 7 * 0.5 (a Python float)
    expect(outs.slice(6).map((t) => values(t)[0])).toEqual([6, -3, 21, -4, 3.5]);
    expect(outs[10]!.type).toBe('float64');
  });
});

describe('opset branches', () => {
  const shape = [2, 3, 4];
  const data = Float32Array.from({ length: 24 }, (_, k) => Math.sin(k * 1.7) * 3);
  const build = (): Model =>
    sourceModel((b, g, call) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, shape));
      const outs = [
        call('aten::amax', [x, b.pyValue([1])])[0]!,
        call('aten::mean', [x, b.pyValue([-1]), b.pyValue(true)])[0]!,
        call('aten::sum', [x, b.pyValue([0, 2])])[0]!,
        ...call('aten::max', [x, b.pyValue(2)], [], 2),
        call('aten::max', [x])[0]!,
        call('aten::argmax', [x])[0]!,
        call('aten::gelu', [x])[0]!,
        call('aten::gelu', [x], [['approximate', b.pyValue('tanh')]])[0]!,
        call('aten::layer_norm', [x, b.pyValue([4])])[0]!,
      ];
      for (const o of outs) g.addOutput(o);
    });

  it('gives the same results at opsets 17 to 21, with the ops each opset has', async () => {
    const results: number[][][] = [];
    for (const opset of [17, 18, 19, 20, 21]) {
      const m = build();
      const out = await lowerAndRun(m, opset, { x: new ort.Tensor('float32', data, shape) });
      results.push(m.graph.outputs.map((o) => values(out[o.name])));
      const ops = [...m.graph].map((n) => n.opType);
      expect(ops.includes('Gelu')).toBe(opset >= 20);
      const reduceMax = [...m.graph].find((n) => n.opType === 'ReduceMax')!;
      // axes: an attribute before opset 18, an input from 18.
      expect(reduceMax.attr('axes') !== undefined).toBe(opset < 18);
    }
    for (const r of results.slice(1)) {
      r.forEach((vals, k) => vals.forEach((v, j) => expect(Math.abs(v - results[0]![k]![j]!)).toBeLessThan(1e-5)));
    }
  });
});
