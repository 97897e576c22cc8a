/**
 * The TF fixtures (fixtures/tf/<model>: SavedModel, frozen GraphDef, TF.js graph models, made by real
 * TensorFlow 2.21) imported into `tf` source nodes, checked against what meta.json records about each
 * artifact: its ops (with their counts), its interface names, and for SavedModels the frozen variables.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSavedModelDir } from '../../formats/tf/files.js';
import type { Graph } from '../../ir/graph.js';
import type { Model } from '../../ir/model.js';
import { verifyModel } from '../../ir/verify.js';
import { importGraphDef, importSavedModel, importTfjs } from './index.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/tf');
const MODELS = fs.readdirSync(FIXTURES).filter((m) => fs.existsSync(path.join(FIXTURES, m, 'meta.json')));

type Ops = Record<string, number>;
interface Meta {
  inputs: { name: string }[];
  outputs: { name: string }[];
  saved_model: { signature_defs: Record<string, { function_ops: Ops }> };
  frozen: { graph_ops: Ops; function_ops: Ops; outputs: Record<string, string> };
  tfjs: Record<string, { graph_ops: Ops; function_ops: Ops; signature: { outputs: Record<string, string> } }>;
}

/** Ops the importer resolves itself (Note [frozen variables], inlined calls), so none is left. */
const STRUCTURAL = ['Placeholder', 'NoOp', 'PartitionedCall', 'StatefulPartitionedCall', 'ReadVariableOp', 'VarHandleOp'];
/** TF1 loop ops, rebuilt as While (Note [v1 control flow]). */
const V1_LOOP = ['Enter', 'Exit', 'Merge', 'Switch', 'NextIteration', 'LoopCond'];

/** Source ops of a model, subgraphs included, with Constant counted as TF's Const. */
function opCounts(g: Graph, out: Ops = {}): Ops {
  for (const n of g) {
    if (n.domain === 'tf' || n.opType === 'Constant') {
      const k = n.domain === 'tf' ? n.opType : 'Const';
      out[k] = (out[k] ?? 0) + 1;
    }
    for (const s of n.subgraphs()) opCounts(s, out);
  }
  return out;
}

function plus(a: Ops, b: Ops): Ops {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/**
 * Every op the import has is one the artifact has, at most as often: only what the outputs need is
 * imported, and Keras' functions carry dead code (a first RNN step computed for its shape, an unused
 * strided slice) that TF prunes as well. `exact` (frozen and TF.js graphs, already pruned by TF's
 * tools) wants equal counts and every op present, except for Identity: freezing leaves Identity nodes
 * that nothing reads.
 */
function checkOps(model: Model, meta: Ops, exact: boolean, extra: string[] = []): void {
  const got = opCounts(model.graph);
  const want = Object.fromEntries(Object.entries(meta).filter(([k]) => !STRUCTURAL.includes(k) && !V1_LOOP.includes(k)));
  for (const k of extra) want[k] = got[k] ?? 0;
  for (const [op, n] of Object.entries(got)) {
    expect(want[op], `${op} is not an op of the artifact`).toBeDefined();
    if (exact && op !== 'Identity') expect(n, op).toBe(want[op]);
    else expect(n, op).toBeLessThanOrEqual(want[op]!);
  }
  if (exact) expect(Object.keys(want).filter((op) => got[op] === undefined && op !== 'Identity')).toEqual([]);
}

function checkNoStructuralOps(model: Model): void {
  const got = Object.keys(opCounts(model.graph));
  expect(got.filter((op) => STRUCTURAL.includes(op) || V1_LOOP.includes(op))).toEqual([]);
}

for (const name of MODELS) {
  const dir = path.join(FIXTURES, name);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Meta;
  const inputNames = meta.inputs.map((i) => i.name).sort();
  const outputNames = meta.outputs.map((o) => o.name).sort();

  describe(`TF fixture ${name}`, () => {
    it('SavedModel: the serving signature inlined, variables frozen from the bundle', () => {
      const model = importSavedModel(path.join(dir, 'saved_model'));
      verifyModel(model);
      expect(model.graph.inputs.map((v) => v.name)).toEqual(inputNames);
      expect(model.graph.outputs.map((v) => v.name)).toEqual(outputNames);
      checkOps(model, meta.saved_model.signature_defs['serving_default']!.function_ops, false);
      checkNoStructuralOps(model);
      // Each initializer is a variable's checkpoint value, byte for byte.
      const { variables } = readSavedModelDir(path.join(dir, 'saved_model'));
      expect(model.graph.initializers.size).toBeGreaterThan(0);
      for (const [init, v] of model.graph.initializers) {
        const saved = variables!.tensor(`${init}/.ATTRIBUTES/VARIABLE_VALUE`);
        expect([...v.constValue!.dims], init).toEqual([...saved.dims]);
        expect(Buffer.from(v.constValue!.bytes()).equals(Buffer.from(saved.bytes())), init).toBe(true);
      }
    });

    it('frozen GraphDef: Placeholders in, Identity sinks out (Note [frozen graph outputs])', () => {
      const model = importGraphDef(path.join(dir, 'frozen.pb'));
      verifyModel(model);
      expect(model.graph.inputs.map((v) => v.name).sort()).toEqual(inputNames);
      expect(model.graph.outputs.map((v) => v.name).sort()).toEqual(Object.values(meta.frozen.outputs).map((t) => t.replace(/:0$/, '')).sort());
      checkOps(model, plus(meta.frozen.graph_ops, meta.frozen.function_ops), true);
      checkNoStructuralOps(model);
      expect(model.graph.initializers.size).toBe(0);
    });

    for (const [artifact, info] of Object.entries(meta.tfjs)) {
      it(`TF.js ${artifact}: signature names, weights as constants${info.graph_ops['Enter'] ? ', TF1 loops rebuilt as While' : ''}`, () => {
        const model = importTfjs(path.join(dir, artifact, 'model.json'));
        verifyModel(model);
        expect(model.graph.inputs.map((v) => v.name)).toEqual(inputNames);
        expect(model.graph.outputs.map((v) => v.name)).toEqual(Object.keys(info.signature.outputs).sort());
        const v1 = info.graph_ops['Enter'] !== undefined;
        // Rebuilt loops add a While and the Identity that passes each loop invariant through.
        checkOps(model, plus(info.graph_ops, info.function_ops), !v1, v1 ? ['While'] : []);
        checkNoStructuralOps(model);
      });
    }
  });
}
