import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../ir/errors.js';
import { decodeGraphDef, decodeSavedModel, encodeTfMessage } from './codec.js';
import { readGraphDefFile, readSavedModelDir } from './files.js';
import type { GraphDef } from './generated/tf-types.js';
import { mapEntries, mapGet, messageType } from './schema.js';
import { expected, plainValues, SAVED_MODEL, TESTDATA } from './test-helpers.js';
import { shapeDims, tensorFromProto } from './tensor-proto.js';

function opCounts(g: GraphDef): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of g.node ?? []) out[n.op ?? ''] = (out[n.op ?? ''] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('saved_model.pb written by TF 2.21', () => {
  const { savedModel } = readSavedModelDir(SAVED_MODEL);
  const want = expected.saved_model;
  const mg = savedModel.meta_graphs![0]!;

  it('has the meta graph, tags and versions TF reported', () => {
    expect(savedModel.saved_model_schema_version?.toString()).toBe(String(want.schema_version));
    expect(savedModel.meta_graphs).toHaveLength(want.meta_graph_count);
    expect(mg.meta_info_def?.tags).toEqual(want.tags);
    expect(mg.meta_info_def?.tensorflow_version).toBe(want.tensorflow_version);
    expect(mg.saver_def?.restore_op_name).toBe(want.saver_restore_op);
  });

  it('has the graph nodes and function library TF reported', () => {
    const g = mg.graph_def!;
    expect(g.node).toHaveLength(want.graph.node_count);
    expect(opCounts(g)).toEqual(want.graph.ops);
    expect(g.versions?.producer).toBe(want.graph.producer);
    expect((g.library?.function ?? []).map((f) => f.signature?.name).sort()).toEqual(want.function_names);
    // Function bodies: nodes with attr maps, ret maps from output arg to body tensor.
    const serve = g.library!.function!.find((f) => f.signature?.name?.startsWith('__inference_serve_'))!;
    expect(serve.node_def!.length).toBeGreaterThan(3);
    expect(mapEntries(serve.ret).length).toBe(serve.signature!.output_arg!.length);
    const matmul = serve.node_def!.find((n) => n.op === 'MatMul')!;
    expect(mapGet(matmul.attr, 'T')?.type).toBe(1);
    expect(mapGet(matmul.attr, 'constructor')).toBeUndefined();
  });

  it('has the signatures TF reported', () => {
    const sigs = Object.fromEntries(
      mapEntries(mg.signature_def).map(([key, s]) => {
        const info = (m: typeof s.inputs) =>
          Object.fromEntries(mapEntries(m).map(([k, t]) => [k, { name: t.name ?? '', dtype: t.dtype ?? 0, shape: (t.tensor_shape?.dim ?? []).map((d) => Number(d.size ?? 0)) }]));
        return [key, { method_name: s.method_name ?? '', inputs: info(s.inputs), outputs: info(s.outputs) }];
      }),
    );
    expect(sigs).toEqual(want.signatures);
    expect(mapGet(mg.signature_def, 'serving_default')?.inputs?.['x']?.encoding).toBe('name');
  });

  it('has the object graph TF reported', () => {
    const og = mg.object_graph_def!;
    expect(og.nodes).toHaveLength(want.object_graph.node_count);
    const kinds: Record<string, number> = {};
    for (const n of og.nodes!) kinds[n.kind ?? 'none'] = (kinds[n.kind ?? 'none'] ?? 0) + 1;
    expect(kinds).toEqual(want.object_graph.kinds);
    expect(mapEntries(og.concrete_functions)).toHaveLength(want.object_graph.concrete_function_count);
    const vars = Object.fromEntries(
      og.nodes!.filter((n) => n.kind === 'variable').map((n) => [n.variable!.name, { dtype: n.variable!.dtype, shape: shapeDims(n.variable!.shape) }]),
    );
    expect(vars).toEqual(want.object_graph.variables);
  });

  it('survives encode -> decode unchanged', () => {
    // Not byte-identical: TF's C++ writer puts map entries in hash order, protobufjs in object key order.
    const bytes = fs.readFileSync(path.join(SAVED_MODEL, 'saved_model.pb'));
    const once = decodeSavedModel(bytes);
    const again = decodeSavedModel(encodeTfMessage('SavedModel', once));
    const plain = (m: object) => messageType('SavedModel').toObject(m as never, { longs: String, bytes: String });
    expect(plain(again)).toEqual(plain(once));
  });
});

describe('frozen GraphDef written by TF 2.21', () => {
  const g = readGraphDefFile(path.join(TESTDATA, 'frozen.pb'));
  const want = expected.frozen;

  it('has the nodes TF reported', () => {
    expect(g.node).toHaveLength(want.node_count);
    expect(opCounts(g)).toEqual(want.ops);
    expect(g.versions?.producer).toBe(want.producer);
    expect(g.library?.function ?? []).toHaveLength(want.function_count);
    for (const name of [...want.inputs, ...want.outputs]) {
      expect(g.node!.some((n) => n.name === name.replace(/:0$/, ''))).toBe(true);
    }
  });

  it('holds the constant values TF reported', () => {
    const consts = g.node!.filter((n) => n.op === 'Const');
    expect(consts.map((n) => n.name).sort()).toEqual(Object.keys(want.consts).sort());
    for (const n of consts) {
      const w = want.consts[n.name!]!;
      const t = tensorFromProto(mapGet(n.attr, 'value')!.tensor!, { node: n.name });
      expect(t.dims, n.name).toEqual(w.shape);
      expect(plainValues(t.toArray() as ArrayLike<number>, w.dtype === 10), n.name).toEqual(w.values);
    }
  });
});

describe('bad input', () => {
  const pb = fs.readFileSync(path.join(SAVED_MODEL, 'saved_model.pb'));

  it('a truncated saved_model.pb is one FormatError naming the file and the field', () => {
    const cut = pb.subarray(0, Math.floor(pb.length * 0.6));
    const e = catchError(() => decodeSavedModel(cut, 'm/saved_model.pb'));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.file).toBe('m/saved_model.pb');
    expect(e.path).toMatch(/^meta_graphs\[0\]/);
    expect(e.message).toMatch(/runs past the end|truncated/);
  });

  it('names map entries by key in the path', () => {
    // Cut inside the serving_default signature: the path says which map entry.
    const at = pb.indexOf(Buffer.from('serving_default_x:0'));
    const e = catchError(() => decodeSavedModel(pb.subarray(0, at + 5), 'saved_model.pb'));
    expect(e.path).toMatch(/signature_def\["serving_default"\]/);
  });

  it('an empty file, a GraphDef or a SavedModel of the wrong kind is refused', () => {
    expect(() => decodeSavedModel(new Uint8Array(0), 'x.pb')).toThrow(/not a TensorFlow SavedModel: the file is empty/);
    const frozen = fs.readFileSync(path.join(TESTDATA, 'frozen.pb'));
    expect(() => decodeSavedModel(frozen, 'frozen.pb')).toThrow(FormatError);
    expect(() => decodeGraphDef(pb, 'saved_model.pb')).toThrow(FormatError);
    expect(() => decodeGraphDef(new Uint8Array(0), 'g.pb')).toThrow(/the file is empty/);
  });

  it('random damage gives FormatErrors only, never a hang or a raw exception', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const frozen = fs.readFileSync(path.join(TESTDATA, 'frozen.pb'));
    for (let round = 0; round < 1000; round++) {
      const src = round % 2 === 0 ? pb : frozen;
      let bytes = new Uint8Array(src);
      for (let k = 0; k < 1 + rand(4); k++) bytes[rand(bytes.length)] = rand(256);
      if (round % 5 === 1) {
        const at = rand(bytes.length);
        bytes = Buffer.concat([bytes.subarray(0, at), Uint8Array.from([rand(256), rand(256)]), bytes.subarray(at + rand(3))]);
      }
      const cut = round % 3 === 0 ? bytes.subarray(0, rand(bytes.length)) : bytes;
      try {
        if (src === pb) decodeSavedModel(cut, 'f.pb');
        else decodeGraphDef(cut, 'f.pb');
      } catch (e) {
        if (!(e instanceof FormatError)) throw new Error(`round ${round}: ${String(e)}`, { cause: e });
      }
    }
  });

  it('refuses to encode a message of the wrong shape', () => {
    expect(() => encodeTfMessage('NodeDef', { name: 3 } as never)).toThrow(/cannot encode NodeDef: name: string expected/);
  });
});

function catchError(f: () => unknown): FormatError {
  try {
    f();
  } catch (e) {
    return e as FormatError;
  }
  throw new Error('expected an error');
}
