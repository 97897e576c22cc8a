/**
 * What the op-case tables (static shapes, one output per piece) cannot show: sizes that stay dynamic
 * through aten::size into view/expand/slice/chunk, and TorchScript's list form of split/chunk read by
 * prim::ListUnpack and by list consumers. Each graph is lowered, validated and run at two sizes.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../api/model-io.js';
import { validate } from '../../../api/validate.js';
import { DataType } from '../../../ir/dtype.js';
import { Graph } from '../../../ir/graph.js';
import { Model } from '../../../ir/model.js';
import { tensorType } from '../../../ir/types.js';
import type { Value } from '../../../ir/value.js';
import { lowerToOnnx } from '../../common/lower.js';
import { SourceGraphBuilder } from '../source-graph.js';
import { atenTable } from '../table.js';
import './index.js';

function lower(build: (b: SourceGraphBuilder, g: Graph) => void): Model {
  const g = new Graph('t');
  build(new SourceGraphBuilder(g), g);
  const m = new Model(g, new Map([['aten', 1]]), 10);
  lowerToOnnx(m, atenTable, { opset: 18 });
  expect(validate(m).errors).toEqual([]);
  expect([...m.graph].every((n) => n.domain === '')).toBe(true);
  return m;
}

async function run(m: Model, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const s = await ort.InferenceSession.create(encodeModel(m), { intraOpNumThreads: 1 });
  return s.run(feeds);
}

const iota = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i);
const ops = (m: Model): string[] => [...m.graph].map((n) => n.opType);

/** aten::<op>(args) with one output named `out`. */
function call(b: SourceGraphBuilder, op: string, args: (Value | null)[], out: string, outputs = [out]): Value {
  return b.call('aten', op, undefined, args, [], outputs, out).output(0);
}

describe('dynamic sizes through shape ops', () => {
  it('view(x, [size(x, 0), -1, 4]) keeps the batch dynamic', async () => {
    const m = lower((b, g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, ['n', 4, 8]));
      const n = call(b, 'size', [x, b.pyValue(0)], 'n0');
      const shape = b.list([n, b.pyValue(-1), b.pyValue(4)]);
      g.addOutput(call(b, 'view', [x, shape], 'y'));
      const ex = call(b, 'expand', [call(b, 'unsqueeze', [call(b, 'select', [x, b.pyValue(0), b.pyValue(0)], 's'), b.pyValue(0)], 'u'), b.list([n, b.pyValue(-1), b.pyValue(-1)])], 'e');
      g.addOutput(ex);
    });
    expect(ops(m)).toContain('Shape');
    for (const n of [1, 3]) {
      const out = await run(m, { x: new ort.Tensor('float32', iota(n * 32), [n, 4, 8]) });
      expect(out['y']!.dims).toEqual([n, 8, 4]);
      expect(out['e']!.dims).toEqual([n, 4, 8]);
      expect(Array.from(out['e']!.data as Float32Array).slice(-8)).toEqual(Array.from(iota(32)).slice(-8));
    }
  });

  it('a static dim gives a constant size and no Shape', () => {
    const m = lower((b, g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, ['n', 4, 8]));
      const c = call(b, 'size', [x, b.pyValue(-1)], 'c');
      g.addOutput(call(b, 'view', [x, b.list([b.pyValue(-1), c])], 'y'));
    });
    expect(ops(m)).not.toContain('Shape');
  });

  it('slice to a dynamic end, flatten and squeeze of a dynamic dim', async () => {
    const m = lower((b, g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, ['n', 3]));
      const n = call(b, 'size', [x, b.pyValue(0)], 'n0');
      g.addOutput(call(b, 'slice', [x, b.pyValue(1), b.pyValue(0), n], 'sl'));
      g.addOutput(call(b, 'flatten', [x], 'fl'));
      g.addOutput(call(b, 'squeeze', [x, b.pyValue(0)], 'sq'));
    });
    for (const n of [1, 2]) {
      const out = await run(m, { x: new ort.Tensor('float32', iota(n * 3), [n, 3]) });
      expect(out['sl']!.dims).toEqual([n, Math.min(n, 3)]);
      expect(out['fl']!.dims).toEqual([n * 3]);
      expect(out['sq']!.dims).toEqual(n === 1 ? [3] : [2, 3]);
    }
  });

  it('chunk of a dynamic dim into the pieces the program expects (.pt2 form)', async () => {
    const m = lower((b, g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, ['n', 2]));
      const node = b.call('aten', 'chunk', 'default', [x, b.pyValue(2)], [], ['c0', 'c1'], 'chunk');
      node.outputs.forEach((v) => g.addOutput(v));
    });
    const out = await run(m, { x: new ort.Tensor('float32', iota(10), [5, 2]) });
    expect(out['c0']!.dims).toEqual([3, 2]);
    expect(out['c1']!.dims).toEqual([2, 2]);
    expect(Array.from(out['c1']!.data as Float32Array)).toEqual([6, 7, 8, 9]);
  });
});

describe("TorchScript's list values", () => {
  it('split gives a list that prim::ListUnpack reads, chunk one that cat reads', async () => {
    const m = lower((b, g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, [2, 9]));
      const parts = call(b, 'split', [x, b.pyValue(3), b.pyValue(1)], 'parts');
      const un = b.call('prim', 'ListUnpack', undefined, [parts], [], ['p0', 'p1', 'p2'], 'unpack');
      // Every piece is read: an unread Split output is written with an empty name, which onnxruntime
      // does not accept for Split (reported to the exporter's owner).
      g.addOutput(un.output(1));
      g.addOutput(un.output(2));
      const halves = call(b, 'chunk', [un.output(0), b.pyValue(3), b.pyValue(1)], 'halves');
      g.addOutput(call(b, 'cat', [halves, b.pyValue(0)], 'joined'));
    });
    const out = await run(m, { x: new ort.Tensor('float32', iota(18), [2, 9]) });
    expect(Array.from(out['p2']!.data as Float32Array)).toEqual([6, 7, 8, 15, 16, 17]);
    expect(out['joined']!.dims).toEqual([6, 1]);
    expect(Array.from(out['joined']!.data as Float32Array)).toEqual([0, 9, 1, 10, 2, 11]);
  });

  it('split of a dynamic dim takes its piece count from ListUnpack', async () => {
    const m = lower((b, g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, ['n']));
      const parts = call(b, 'split', [x, b.pyValue(2)], 'parts');
      b.call('prim', 'ListUnpack', undefined, [parts], [], ['a', 'z'], 'unpack').outputs.forEach((v) => g.addOutput(v));
    });
    const out = await run(m, { x: new ort.Tensor('float32', iota(3), [3]) });
    expect(Array.from(out['a']!.data as Float32Array)).toEqual([0, 1]);
    expect(Array.from(out['z']!.data as Float32Array)).toEqual([2]);
  });

  it('unpacks the int list of size(x) and a tuple', async () => {
    const m = lower((b, g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, ['n', 'm']));
      const sizes = call(b, 'size', [x], 'sizes');
      const un = b.call('prim', 'ListUnpack', undefined, [sizes], [], ['rows', 'cols'], 'unpack');
      const tup = b.call('prim', 'TupleConstruct', undefined, [un.output(1), x], [], ['tup'], 'tuple').output(0);
      const back = b.call('prim', 'TupleUnpack', undefined, [tup], [], ['c', 'xx'], 'untuple');
      g.addOutput(back.output(0));
      g.addOutput(back.output(1));
    });
    const out = await run(m, { x: new ort.Tensor('float32', iota(6), [2, 3]) });
    expect(out['c']!.data).toEqual(BigInt64Array.of(3n));
    expect(out['xx']!.dims).toEqual([2, 3]);
  });
});
