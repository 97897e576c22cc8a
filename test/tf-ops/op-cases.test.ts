/**
 * TensorFlow op tables: every case in test/tf-ops/cases/*.json (made by fixtures/tf/op_cases/*.py from
 * TensorFlow's own outputs, with the NodeDef attributes of a real traced graph) becomes a one-op `tf`
 * source graph, is lowered through the TF table, validated, run in onnxruntime and compared with
 * TensorFlow's outputs. Cases we knowingly cannot convert sit in EXPECTED_UNSUPPORTED with a reason;
 * one that starts converting fails the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/api/model-io.js';
import { validate } from '../../src/api/validate.js';
import { UnsupportedOpsError } from '../../src/ir/errors.js';
import { Graph } from '../../src/ir/graph.js';
import { Model } from '../../src/ir/model.js';
import { tensorType } from '../../src/ir/types.js';
import type { Value } from '../../src/ir/value.js';
import { lowerToOnnx } from '../../src/importers/common/lower.js';
import { dtypeFromName } from '../../src/importers/tf/dtypes.js';
import '../../src/importers/tf/ops/index.js';
import { TfGraphBuilder, type TfAttr } from '../../src/importers/tf/source-graph.js';
import { tfTable } from '../../src/importers/tf/table.js';
import { compare, DTYPES, irTensor, ortTensor, type TensorJson } from '../support/op-cases.js';

type AttrJson =
  | { type: string }
  | { i: number }
  | { f: number | string }
  | { b: number }
  | { s: string }
  | { shape: number[] | null }
  | { list_i: number[] }
  | { list_f: (number | string)[] }
  | { list_type: string[] }
  | { list_s: string[] };

interface CaseJson {
  name: string;
  op: string;
  inputs: ({ tensor: TensorJson } | { const: TensorJson })[];
  attrs: Record<string, AttrJson>;
  outputs: TensorJson[];
  output_indices?: number[];
  rtol: number;
  atol: number;
}

/** family/case name -> why it cannot convert yet. */
const EXPECTED_UNSUPPORTED: Record<string, string> = {};

function dtype(name: string): number {
  const d = dtypeFromName(name);
  if (d === undefined) throw new Error(`unknown dtype ${name}`);
  return d;
}

function toAttr(a: AttrJson): TfAttr {
  if ('type' in a) return { kind: 'type', value: dtype(a.type) };
  if ('i' in a) return { kind: 'i', value: a.i };
  if ('f' in a) return { kind: 'f', value: Number(a.f === 'nan' ? NaN : a.f === 'inf' ? Infinity : a.f === '-inf' ? -Infinity : a.f) };
  if ('b' in a) return { kind: 'b', value: Boolean(a.b) };
  if ('s' in a) return { kind: 's', value: a.s };
  if ('shape' in a) return { kind: 'shape', value: a.shape ?? undefined };
  if ('list_i' in a) return { kind: 'list_i', value: a.list_i };
  if ('list_f' in a) return { kind: 'list_f', value: a.list_f.map(Number) };
  if ('list_type' in a) return { kind: 'list_type', value: a.list_type.map(dtype) };
  return { kind: 'list_s', value: a.list_s };
}

function buildCase(c: CaseJson): { model: Model; feeds: Record<string, ort.Tensor>; outputs: string[] } {
  const g = new Graph(c.name);
  const b = new TfGraphBuilder(g);
  const feeds: Record<string, ort.Tensor> = {};
  const inputs: Value[] = c.inputs.map((inp, i) => {
    if ('const' in inp) return b.constant(irTensor(inp.const), `const${i}`);
    const name = `in${i}`;
    feeds[name] = ortTensor(inp.tensor);
    return g.addInput(name, tensorType(DTYPES[inp.tensor.dtype]!.onnx, inp.tensor.shape));
  });
  const attrs = Object.fromEntries(Object.entries(c.attrs).map(([k, a]) => [k, toAttr(a)]));
  const count = Math.max(c.outputs.length, ...(c.output_indices ?? []).map((i) => i + 1));
  const node = b.op(c.op, inputs, attrs, Array.from({ length: count }, (_, i) => `out${i}`), c.name);
  const wanted = c.output_indices ?? c.outputs.map((_, i) => i);
  for (const i of wanted) g.addOutput(node.output(i));
  return { model: new Model(g, new Map([['tf', 1]]), 10), feeds, outputs: wanted.map((i) => `out${i}`) };
}

const dir = path.join(import.meta.dirname, 'cases');
const families = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

for (const file of families) {
  const family = file.replace(/\.json$/, '');
  const cases = (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { cases: CaseJson[] }).cases;
  describe(`TF op cases: ${family}`, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
      const key = `${family}/${c.name}`;
      const { model, feeds, outputs } = buildCase(c);
      const expectedGap = EXPECTED_UNSUPPORTED[key];
      try {
        lowerToOnnx(model, tfTable, { opset: 18 });
      } catch (e) {
        if (expectedGap !== undefined && e instanceof UnsupportedOpsError) return;
        throw e;
      }
      expect(expectedGap, `${key} now converts: remove it from EXPECTED_UNSUPPORTED`).toBeUndefined();
      expect(validate(model).errors).toEqual([]);
      const session = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1 });
      const out = await session.run(feeds);
      const problems = c.outputs.map((want, i) => compare(out[outputs[i]!]!, want, c, i)).filter(Boolean);
      expect(problems).toEqual([]);
    });
  });
}
