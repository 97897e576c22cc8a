/**
 * End to end on every TF fixture and artifact: `convert(artifact, { check: true })` against TensorFlow's
 * own outputs (fixtures/tf/<model>/test_data_set_N, tolerances from meta.json), and the layout result of
 * issue 4 on the Keras CNNs: at most one Transpose at each graph input and output, none inside.
 * Prints `TF parity: N of M artifacts pass` with the ops that block the others.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convert } from '../../api/convert.js';
import { UnsupportedOpsError } from '../../ir/errors.js';
import type { Graph } from '../../ir/graph.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/tf');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-tf-parity-'));

interface Case {
  model: string;
  artifact: string;
  signature?: string;
}

const CASES: Case[] = fs
  .readdirSync(FIXTURES)
  .filter((m) => fs.existsSync(path.join(FIXTURES, m, 'meta.json')))
  .sort()
  .flatMap((model) => {
    const dir = path.join(FIXTURES, model);
    const artifacts = ['saved_model', 'frozen.pb', 'tfjs/model.json', 'tfjs_cfv2/model.json'].filter((a) => fs.existsSync(path.join(dir, a)));
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { test_data_sets: { artifacts: string[] }[] };
    // Other signatures with reference data (`saved_model:<signature>`).
    const signatures = [...new Set(meta.test_data_sets.flatMap((s) => s.artifacts).filter((a) => a.startsWith('saved_model:')))].map((a) => a.slice('saved_model:'.length));
    return [...artifacts.map((artifact) => ({ model, artifact })), ...signatures.map((signature) => ({ model, artifact: 'saved_model', signature }))];
  });

/** Transposes reading a graph input, producing a graph output, and anywhere else (subgraphs included). */
function transposes(g: Graph): { atInputs: Map<string, number>; atOutputs: number; inside: number } {
  const atInputs = new Map<string, number>();
  let atOutputs = 0;
  let inside = 0;
  const walk = (graph: Graph, top: boolean): void => {
    for (const n of graph) {
      for (const s of n.subgraphs()) walk(s, false);
      if (n.opType !== 'Transpose' || n.domain !== '') continue;
      const x = n.input(0);
      if (top && x?.isGraphInput()) atInputs.set(x.name, (atInputs.get(x.name) ?? 0) + 1);
      else if (top && n.output(0).isGraphOutput()) atOutputs++;
      else inside++;
    }
  };
  walk(g, true);
  return { atInputs, atOutputs, inside };
}

const CNNS = ['keras-cnn', 'mobilenetv2-block'];
const results: { label: string; ok: boolean; note: string }[] = [];

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  const passed = results.filter((r) => r.ok).length;
  const lines = results.map((r) => `  ${r.ok ? 'pass' : 'FAIL'}  ${r.label}${r.note ? `  ${r.note}` : ''}`);
  console.log(`TF parity: ${passed} of ${results.length} artifacts pass\n${lines.join('\n')}`);
});

describe('TF fixtures convert and match TensorFlow', () => {
  it.each(CASES.map((c) => [`${c.model}/${c.artifact}${c.signature ? ` --signature ${c.signature}` : ''}`, c] as const))('%s', async (label, c) => {
    const output = path.join(tmp, `${label.replace(/[^\w.-]+/g, '_')}.onnx`);
    let result;
    try {
      result = await convert(path.join(FIXTURES, c.model, c.artifact), { check: true, reference: path.join(FIXTURES, c.model), output, ...(c.signature ? { signature: c.signature } : {}) });
    } catch (e) {
      const note = e instanceof UnsupportedOpsError ? `blocked by ${e.ops.map((o) => o.op).join(', ')}` : `error: ${e instanceof Error ? e.message : String(e)}`;
      results.push({ label, ok: false, note });
      throw e;
    }
    const parity = result.parity!;
    const worst = Math.max(...parity.sets.flatMap((s) => s.outputs.map((o) => o.maxAbsError)));
    const t = transposes(result.model.graph);
    const count = [...t.atInputs.values()].reduce((a, b) => a + b, 0) + t.atOutputs + t.inside;
    results.push({ label, ok: parity.ok && result.validation.ok, note: `${parity.sets.length} data sets, max abs error ${worst.toExponential(2)}, ${result.model.graph.nodeCount} nodes, ${count} Transposes` });
    expect(result.validation.errors).toEqual([]);
    expect(parity.sets.length).toBeGreaterThan(0);
    expect(parity.sets.flatMap((s) => s.outputs.filter((o) => !o.ok).map((o) => `${s.dir} ${o.name}: max abs ${o.maxAbsError}`))).toEqual([]);
    if (CNNS.includes(c.model)) {
      for (const [input, n] of t.atInputs) expect(n, `Transposes at input ${input}`).toBeLessThanOrEqual(1);
      expect(t.atOutputs).toBeLessThanOrEqual(result.model.graph.outputs.length);
      expect(t.inside, `Transposes inside ${label}`).toBe(0);
    }
  });
});
