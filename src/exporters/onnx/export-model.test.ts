import { describe, expect, it } from 'vitest';
import { DataType } from '../../ir/dtype.js';
import { Graph } from '../../ir/graph.js';
import { Model } from '../../ir/model.js';
import { Node } from '../../ir/node.js';
import { ArrayTensor } from '../../ir/tensor.js';
import { tensorType } from '../../ir/types.js';
import { decodeModelProto, encodeModelProto } from '../../formats/onnx/codec.js';
import type { ModelProto } from '../../formats/onnx/generated/onnx-types.js';
import { kitchenSinkModel } from '../../formats/onnx/kitchen-sink.js';
import { toPlainObject } from '../../formats/onnx/plain-object.js';
import { importModel } from '../../importers/onnx/import-model.js';
import { richModel } from '../../../test/roundtrip/rich-model.js';
import { exportModel } from './export-model.js';

const decoded = (m: ModelProto): ModelProto => decodeModelProto(encodeModelProto(m));
const plain = (m: ModelProto): unknown => toPlainObject('ModelProto', m);

/**
 * The codec's kitchen sink sets every field of the schema; its tensors are deliberately contradictory
 * (raw and typed and external at once), its dims pass 2^53 and its nodes read names nothing defines.
 * Made valid in those respects only, it must survive import -> export unchanged.
 */
function validKitchenSink(): ModelProto {
  const fix = (o: unknown): void => {
    if (o === null || typeof o !== 'object' || o instanceof Uint8Array) return;
    const r = o as Record<string, unknown>;
    if ('data_type' in r && 'dims' in r) {
      for (const k of Object.keys(r)) if (!['name', 'doc_string', 'metadata_props'].includes(k)) delete r[k];
      Object.assign(r, { dims: [2], data_type: 1, raw_data: new Uint8Array(8) });
    }
    if ('dim_value' in r) r['dim_value'] = 5;
    if ('values' in r && 'indices' in r) r['dims'] = [4];
    if (r['domain'] === 'com.example' && 'version' in r) r['version'] = 3;
    if (Array.isArray(r['input']) && r['input'][0] === 'x') r['input'] = ['in0', '', 'in1'];
    Object.values(r).forEach(fix);
  };
  const m = kitchenSinkModel();
  fix(m);
  return m;
}

function tinyModel(): Model {
  const g = new Graph('g');
  const x = g.addInput('x', tensorType(DataType.FLOAT, [2]));
  const w = g.addInitializer('w', new ArrayTensor(DataType.FLOAT, [2], new Float32Array([1, 2])));
  const add = g.appendNode(new Node('Add', [x, w]));
  const relu = g.appendNode(new Node('Relu', [add.output(0)], { outputs: ['_v0'] })); // a name a generator might pick
  g.addOutput(relu.output(0));
  return new Model(g, new Map([['', 21]]), 10);
}

describe('exportModel', () => {
  it('round-trips the kitchen-sink model (every field of the schema)', () => {
    const proto = decoded(validKitchenSink());
    expect(plain(decoded(exportModel(importModel(proto))))).toEqual(plain(proto));
  });

  it('names values that need a name without clashing, and leaves the IR alone', () => {
    const model = tinyModel();
    const out = exportModel(model);
    const [add, relu] = out.graph!.node!;
    expect(add!.output![0]).toBe('_v1'); // _v0 is taken
    expect(relu!.input![0]).toBe('_v1');
    expect(model.graph.firstNode!.output(0).name).toBe('');
  });

  it('writes canonical fields where a pass changed what the hints describe', () => {
    const model = importModel(decoded(richModel()));
    model.metadataProps = [['changed', 'yes']];
    model.opsetImports.set('', 22);
    const node = model.graph.firstNode!;
    node.domain = 'x.y';
    const out = exportModel(model);
    expect(out.metadata_props).toEqual([{ key: 'changed', value: 'yes' }]);
    expect(out.opset_import).toEqual([
      { domain: '', version: 22 },
      { domain: 'custom', version: 1 },
      { domain: 'ai.onnx.preview.training', version: 1 },
    ]);
    expect(out.graph!.node![0]!.domain).toBe('x.y');
  });

  it("writes value_info for every typed node output with valueInfo: 'all'", () => {
    const model = importModel(decoded(richModel()));
    const relu = model.graph.appendNode(new Node('Relu', [model.graph.inputs[0]!], { outputs: ['r'] }));
    relu.output(0).type = tensorType(DataType.FLOAT, [2]);
    const declared = exportModel(model).graph!.value_info!.map((v) => v.name);
    const all = exportModel(model, { valueInfo: 'all' }).graph!.value_info!;
    expect(declared).toEqual(['t', 't', 'nowhere', 'sum', 'w']);
    expect(all.map((v) => v.name)).toEqual([...declared, 'r']);
    expect(all[5]!.type).toEqual({ tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 2 }] } } });
  });

  it('writes typed tensors back in their typed field', () => {
    const model = tinyModel();
    const w = model.graph.initializers.get('w')!.constValue!;
    w.encoding = 'typed';
    expect(exportModel(model).graph!.initializer![0]).toEqual({ name: 'w', dims: [2], data_type: 1, float_data: [1, 2] });
    w.encoding = 'raw';
    expect(exportModel(model).graph!.initializer![0]!.raw_data).toEqual(new Uint8Array(new Float32Array([1, 2]).buffer));
  });
});

describe('unnamed node outputs', () => {
  it('names an unused variadic output (Split piece) but keeps an unused optional one omitted', async () => {
    const { Graph } = await import('../../ir/graph.js');
    const { Model } = await import('../../ir/model.js');
    const { Node } = await import('../../ir/node.js');
    const { tensorType } = await import('../../ir/types.js');
    const { DataType } = await import('../../ir/dtype.js');
    const { attr } = await import('../../ir/attribute.js');
    const g = new Graph('g');
    const x = g.addInput('x', tensorType(DataType.FLOAT, [4]));
    const split = g.appendNode(new Node('Split', [x], { name: 'split', outputs: 2, attributes: [attr.int('num_outputs', 2)] }));
    const drop = g.appendNode(new Node('Dropout', [split.output(0)], { name: 'drop', outputs: 2 }));
    g.addOutput(drop.output(0));
    const proto = exportModel(new Model(g, new Map([['', 18]])));
    const nodes = proto.graph!.node!;
    expect(nodes[0]!.output!.every((n) => n !== '')).toBe(true);
    expect(nodes[1]!.output![1]).toBe('');
  });
});
