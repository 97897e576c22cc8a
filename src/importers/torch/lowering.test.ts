import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../api/model-io.js';
import { validate } from '../../api/validate.js';
import { DataType } from '../../ir/dtype.js';
import { UnsupportedOpsError } from '../../ir/errors.js';
import { Graph } from '../../ir/graph.js';
import { Model } from '../../ir/model.js';
import { tensorType } from '../../ir/types.js';
import { lowerToOnnx } from '../common/lower.js';
import './ops/index.js';
import { SourceGraphBuilder } from './source-graph.js';
import { atenTable } from './table.js';

function aten(build: (b: SourceGraphBuilder, g: Graph) => void): Model {
  const g = new Graph('t');
  build(new SourceGraphBuilder(g), g);
  return new Model(g, new Map([['aten', 1]]), 10);
}

async function run(model: Model, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const s = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1 });
  return s.run(feeds);
}

describe('lowering source graphs through the ATen table', () => {
  it('lowers arithmetic with torch type promotion and floor division, and the result validates', async () => {
    const m = aten((b, g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, [4]));
      const k = g.addInput('k', tensorType(DataType.INT64, [4]));
      const r = b.call('aten', 'relu', undefined, [x], [], ['r'], 'relu').output(0);
      // relu(x) + 2 * k: int64 k promotes to float.
      const s = b.call('aten', 'add', 'Tensor', [r, k], [['alpha', b.pyValue(2)]], ['s'], 'add').output(0);
      // k // -3 on integers: floor division rounds toward -inf.
      const q = b.call('aten', 'div', 'Tensor_mode', [k, b.pyValue(-3)], [['rounding_mode', b.pyValue('floor')]], ['q'], 'div').output(0);
      g.addOutput(s);
      g.addOutput(q);
    });
    lowerToOnnx(m, atenTable, { opset: 18 });
    expect(validate(m).errors).toEqual([]);
    expect([...m.graph].every((n) => n.domain === '')).toBe(true);
    const out = await run(m, {
      x: new ort.Tensor('float32', Float32Array.from([-1, 0.5, 2, -3]), [4]),
      k: new ort.Tensor('int64', BigInt64Array.from([1n, -4n, 7n, 0n]), [4]),
    });
    expect([...(out['s']!.data as Float32Array)]).toEqual([2, -7.5, 16, 0]);
    // floor(1/-3) = -1, floor(-4/-3) = 1, floor(7/-3) = -3, floor(0/-3) = 0
    expect([...(out['q']!.data as BigInt64Array)]).toEqual([-1n, 1n, -3n, 0n]);
  });

  it('reports every unsupported op at once with counts and an example node', () => {
    const m = aten((b, g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, [4]));
      const a = b.call('aten', 'frobnicate', 'default', [x], [], ['a'], 'frob_1').output(0);
      const c = b.call('aten', 'frobnicate', 'default', [a], [], ['c'], 'frob_2').output(0);
      const d = b.call('aten', 'twiddle', undefined, [c], [], ['d'], 'twiddle_1').output(0);
      const e = b.call('aten', 'relu', undefined, [d], [], ['e'], 'relu').output(0);
      g.addOutput(e);
    });
    let err: unknown;
    try {
      lowerToOnnx(m, atenTable, { opset: 18, file: 'm.pt' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedOpsError);
    const ops = (err as UnsupportedOpsError).ops;
    expect(ops.map((o) => [o.op, o.count, o.exampleNode])).toEqual([
      ['aten::frobnicate.default', 2, 'frob_1'],
      ['aten::twiddle', 1, 'twiddle_1'],
    ]);
    expect((err as Error).message).toMatch(/^m\.pt: 2 unsupported ops:/);
  });
});
