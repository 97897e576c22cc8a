/**
 * End to end: `convert(fixtures/torch/<model>/model.pt2, {check: true})` lowers through the ATen table,
 * validates, runs in onnxruntime and matches PyTorch's saved outputs on every data set meta.json lists for
 * model.pt2, the second batch size included; the written model keeps each dynamic dim symbolic.
 *
 * Every fixture must convert: an UnsupportedOpsError fails the test, with its message (which ops, how
 * many). The summary line says how many fixtures pass.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { convert } from '../../../api/convert.js';
import { loadModel } from '../../../api/model-io.js';
import { UnsupportedOpsError } from '../../../ir/errors.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/torch');
const models = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((m) => existsSync(path.join(FIXTURES, m, 'model.pt2'))).sort() : [];

interface Meta {
  test_data_sets: { dir: string; varies: string | null; artifacts?: string[] }[];
  pt2: { dynamic_dims?: Record<string, Record<string, unknown>> };
}

const passed: string[] = [];
const blocked = new Map<string, UnsupportedOpsError>();
const out = mkdtempSync(path.join(tmpdir(), 'pt2-parity-'));

afterAll(() => {
  const lines = [`pt2 parity: ${passed.length} of ${models.length} fixtures pass`];
  for (const [model, e] of blocked) lines.push(`  ${model} blocked by ${e.ops.map((o) => `${o.op} x${o.count}`).join(', ')}`);
  console.log(lines.join('\n'));
  rmSync(out, { recursive: true, force: true });
});

describe('convert(model.pt2, {check: true}) on every fixture', () => {
  it.for(models)('%s matches PyTorch, at every batch size meta.json lists', async (model) => {
    const file = path.join(FIXTURES, model, 'model.pt2');
    const meta = JSON.parse(readFileSync(path.join(FIXTURES, model, 'meta.json'), 'utf8')) as Meta;
    const output = path.join(out, `${model}.onnx`);
    let result;
    try {
      result = await convert(file, { check: true, output });
    } catch (e) {
      if (e instanceof UnsupportedOpsError) blocked.set(model, e);
      throw e;
    }
    expect(result.validation.errors).toEqual([]);
    const parity = result.parity!;
    const table = parity.sets.flatMap((s) => s.outputs.map((o) => `${path.basename(s.dir)} ${o.name}: max abs ${o.maxAbsError}, max rel ${o.maxRelError}, ${o.mismatches} mismatches`));
    expect(parity.ok, table.join('\n')).toBe(true);

    const sets = meta.test_data_sets.filter((s) => s.artifacts === undefined || s.artifacts.includes('model.pt2'));
    expect(parity.sets.map((s) => path.basename(s.dir))).toEqual(sets.map((s) => s.dir));
    // The batch size changes between data sets (2, then 3), so a batch baked in as a constant fails above.
    expect(sets.some((s) => s.varies === 'batch')).toBe(true);

    // ... and the written model declares the dynamic dims as symbols, not the traced sizes.
    const saved = await loadModel(output);
    for (const [input, dims] of Object.entries(meta.pt2.dynamic_dims ?? {})) {
      const t = saved.graph.inputs.find((v) => v.name === input)?.type;
      expect(t?.kind).toBe('tensor');
      for (const j of Object.keys(dims)) expect(typeof (t?.kind === 'tensor' ? t.shape?.[Number(j)] : undefined)).toBe('string');
    }
    passed.push(model);
  });
});
