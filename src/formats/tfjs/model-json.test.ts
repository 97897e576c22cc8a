import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataType } from '../../ir/dtype.js';
import { FormatError } from '../../ir/errors.js';
import { StringTensor, type Tensor } from '../../ir/tensor.js';
import { mapGet } from '../tf/schema.js';
import { copyOfTestdata, expected, removeCopies, TESTDATA } from '../tf/test-helpers.js';
import { readTfjsModel } from './files.js';
import { parseTfjsModelJson } from './model-json.js';

afterAll(removeCopies);

const values = (t: Tensor) => (t instanceof StringTensor ? t.texts() : Array.from(t.toArray() as ArrayLike<number>));

describe.each(Object.keys(expected.tfjs))('the TF.js graph model %s written by tensorflowjs 4.22', (variant) => {
  const want = expected.tfjs[variant]!;
  const model = readTfjsModel(path.join(TESTDATA, variant, 'model.json'));

  it('has the graph and signature the converter wrote', () => {
    expect(model.json.format).toBe(want.format);
    expect(model.graph.node).toHaveLength(want.node_count);
    const ops: Record<string, number> = {};
    for (const n of model.graph.node!) ops[n.op!] = (ops[n.op!] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(ops).sort(([a], [b]) => (a < b ? -1 : 1)))).toEqual(want.ops);
    expect(Object.keys(model.signature?.inputs ?? {}).sort()).toEqual(want.signature_inputs);
    expect(Object.keys(model.signature?.outputs ?? {}).sort()).toEqual(want.signature_outputs);
    expect(model.json.weightsManifest.flatMap((g) => g.paths)).toEqual(want.shard_files);
    // The GraphDef JSON mapping became protobuf messages: enums as numbers, bytes decoded, int64 as Long.
    const fused = model.graph.node!.find((n) => n.op === '_FusedMatMul')!;
    expect(mapGet(fused.attr, 'T')?.type).toBe(1);
    expect(mapGet(fused.attr, 'fused_ops')?.list?.s?.map((s) => new TextDecoder().decode(s))).toEqual(['BiasAdd', 'Relu']);
    expect(mapGet(fused.attr, 'num_args')?.i?.toString()).toBe('1');
    expect(model.signature?.inputs?.['x']?.dtype).toBe(1);
  });

  it('decodes every weight to the values tensorflowjs reads back', () => {
    expect([...model.weights.keys()].sort()).toEqual(Object.keys(want.weights).sort());
    for (const [name, w] of Object.entries(want.weights)) {
      const t = model.weights.get(name)!;
      expect(t.dims, name).toEqual(w.shape);
      expect(t.dtype, name).toBe(w.dtype === 'int32' ? DataType.INT32 : DataType.FLOAT);
      expect(values(t), name).toEqual(w.values);
    }
  });
});

describe('TF.js weights of every kind', () => {
  const manifest = (weights: object[], paths = ['w.bin']) => JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [{ paths, weights }] });

  function read(json: string, shards: Record<string, Uint8Array>) {
    const dir = copyOfTestdata('tfjs');
    for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));
    fs.writeFileSync(path.join(dir, 'model.json'), json);
    for (const [name, bytes] of Object.entries(shards)) fs.writeFileSync(path.join(dir, name), bytes);
    return readTfjsModel(path.join(dir, 'model.json'));
  }

  it('reads bool, string, complex64 and quantized int32 weights, straddling shard boundaries', () => {
    const str = (s: string) => {
      const b = new TextEncoder().encode(s);
      return Buffer.concat([new Uint8Array(new Uint32Array([b.length]).buffer), b]);
    };
    const all = Buffer.concat([
      Uint8Array.from([1, 0, 1]),
      str('hi'),
      str(''),
      new Uint8Array(new Float32Array([1.5, -2]).buffer),
      Uint8Array.from([0, 1, 255]),
      new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x7c00]).buffer),
    ]);
    const m = read(
      manifest(
        [
          { name: 'b', shape: [3], dtype: 'bool' },
          { name: 's', shape: [2], dtype: 'string' },
          { name: 'c', shape: [1], dtype: 'complex64' },
          { name: 'q', shape: [3], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
          { name: 'h', shape: [3], dtype: 'float32', quantization: { dtype: 'float16' } },
        ],
        ['a.bin', 'b.bin'],
      ),
      { 'a.bin': all.subarray(0, 7), 'b.bin': all.subarray(7) },
    );
    expect(values(m.weights.get('b')!)).toEqual([1, 0, 1]);
    expect(m.weights.get('b')!.dtype).toBe(DataType.BOOL);
    expect(values(m.weights.get('s')!)).toEqual(['hi', '']);
    expect(values(m.weights.get('c')!)).toEqual([1.5, -2]);
    expect(values(m.weights.get('q')!)).toEqual([-1, 0, 127]); // Math.round(-0.5) rounds up, as in TF.js
    expect(values(m.weights.get('h')!)).toEqual([1, -2, Infinity]);
  });

  it('a missing shard is a FormatError naming the file', () => {
    const dir = copyOfTestdata('tfjs');
    const shard = path.join(dir, 'group1-shard2of2.bin');
    fs.rmSync(shard);
    expect(() => readTfjsModel(path.join(dir, 'model.json'))).toThrow(new RegExp(`^${shard.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: weight shard is missing`));
  });

  it('shards that are too short are a FormatError naming the weight', () => {
    expect(() => read(manifest([{ name: 'w', shape: [4], dtype: 'float32' }]), { 'w.bin': new Uint8Array(12) })).toThrow(
      /weightsManifest\[0\] \(w\.bin\)\.weights\[0\] "w": needs bytes 0\.\.16 but the group's shards hold 12 bytes/,
    );
    expect(() => read(manifest([{ name: 's', shape: [1], dtype: 'string' }]), { 'w.bin': Uint8Array.from([9, 0, 0, 0, 1]) })).toThrow(/needs bytes/);
  });

  it('refuses shard paths outside the model folder and duplicate names', () => {
    expect(() => read(manifest([], ['../x.bin']), {})).toThrow(/leaves the model's folder/);
    expect(() => read(manifest([{ name: 'w', shape: [], dtype: 'bool' }, { name: 'w', shape: [], dtype: 'bool' }]), { 'w.bin': new Uint8Array(2) })).toThrow(/appears twice/);
  });
});

describe('model.json checks', () => {
  const real = fs.readFileSync(path.join(TESTDATA, 'tfjs', 'model.json'), 'utf8');
  const edit = (f: (j: Record<string, unknown>) => void) => {
    const j = JSON.parse(real) as Record<string, unknown>;
    f(j);
    return JSON.stringify(j);
  };
  const fails = (json: string, re: RegExp) => {
    let err: unknown;
    try {
      parseTfjsModelJson(json, 'web/model.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).file).toBe('web/model.json');
    expect((err as Error).message).toMatch(re);
  };

  it('a missing field is a FormatError naming the file and the field', () => {
    fails(edit((j) => delete j['weightsManifest']), /is not a TF\.js graph model manifest \(model\.json\):\n {2}\$: must have required property 'weightsManifest'/);
    fails(
      edit((j) => delete (j['weightsManifest'] as { weights: { dtype?: string }[] }[])[0]!.weights[1]!.dtype),
      /\$\.weightsManifest\[0\]\.weights\[1\]: must have required property 'dtype'/,
    );
    fails(edit((j) => ((j['weightsManifest'] as { weights: object[] }[])[0]!.weights[0] = { name: 'a', shape: [1], dtype: 'float64' })), /dtype: must be equal to one of the allowed values/);
    fails(
      edit((j) => ((j['weightsManifest'] as { weights: object[] }[])[0]!.weights[0] = { name: 'a', shape: [1], dtype: 'float32', quantization: { dtype: 'uint8' } })),
      /quantization: must have required property 'scale'/,
    );
  });

  it('refuses layers models, bad JSON and bad GraphDef JSON, each naming the file', () => {
    fails(edit((j) => (j['format'] = 'layers-model')), /is a TF\.js layers model/);
    fails('{"format": "graph-model",', /is not valid JSON/);
    fails(edit((j) => ((j['modelTopology'] as { node: object[] }).node[0] = { name: 'n', op: 'Const', attr: { dtype: { type: 'DT_WHAT' } } })), /\$\.modelTopology\.node\[0\]\.attr\["dtype"\]\.type: "DT_WHAT" is not a value of DataType/);
  });

  it('drops the TF.js-only resourceId of signature tensors', () => {
    const m = parseTfjsModelJson(edit((j) => ((j['signature'] as { inputs: { x: { resourceId?: number } } }).inputs.x.resourceId = 3)), 'm.json');
    expect(m.signature?.inputs?.['x']?.name).toBe('x:0');
  });
});
