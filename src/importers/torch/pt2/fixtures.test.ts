/**
 * Every committed torch.export fixture (fixtures/torch/<model>/model.pt2, torch 2.13) imports into a
 * source graph that mirrors its program: one source node per program node with the same target, one
 * initializer per lifted parameter/buffer/constant with the payload's type and bytes, the user inputs
 * with symbolic dims exactly where meta.json says the export was dynamic, and the user outputs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataType } from '../../../ir/dtype.js';
import type { Model } from '../../../ir/model.js';
import { AttributeType } from '../../../ir/attribute.js';
import { graphInputRoles, readPt2, type Pt2Program } from '../../../formats/torch/pt2/index.js';
import { openTorchArchive } from '../../../formats/torch/torch-archive.js';
import { KWARG_NAMES } from '../../common/lower-context.js';
import { sourceOpName } from '../../common/lowering-table.js';
import { importPt2Archive } from './index.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/torch');
const models = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((m) => existsSync(path.join(FIXTURES, m, 'model.pt2'))).sort() : [];

interface TensorInfo {
  name: string;
  shape: number[];
  dtype: string;
}

/** What fixtures/torch/make_fixtures.py recorded from the live ExportedProgram in Python. */
interface Meta {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  pt2: {
    dynamic_dims?: Record<string, Record<string, { symbol: string }>>;
    range_constraints: Record<string, unknown>;
    targets: Record<string, number>;
  };
}

/** meta.json writes numpy dtype names. */
const NUMPY_DTYPES: Record<string, DataType> = { float32: DataType.FLOAT, int64: DataType.INT64, int32: DataType.INT32, bool: DataType.BOOL };

async function load(model: string): Promise<{ m: Model; pt2: Pt2Program; meta: Meta }> {
  const file = path.join(FIXTURES, model, 'model.pt2');
  const archive = await openTorchArchive(new Uint8Array(readFileSync(file)), file);
  const meta = JSON.parse(readFileSync(path.join(FIXTURES, model, 'meta.json'), 'utf8')) as Meta;
  return { m: importPt2Archive(archive), pt2: readPt2(archive, { file }), meta };
}

/** The source op name a target should import as (written independently of targets.ts). */
function expectedOp(target: string): string {
  const aten = /^torch\.ops\.aten\.(\w+)\.(\w+)$/.exec(target);
  if (aten) return `aten::${aten[1]}.${aten[2]}`;
  const op = /^_operator\.(\w+)$/.exec(target);
  return op ? `prim::${op[1]}` : `prim::${target}`;
}

describe('importing fixtures/torch/*/model.pt2', () => {
  it('finds the fixtures', () => {
    expect(models.length).toBe(11);
  });

  it.each(models)('%s: one source node per program node, same targets in order', async (model) => {
    const { m, pt2, meta } = await load(model);
    const nodes = pt2.program.graph_module.graph.nodes;
    const source = [...m.graph].filter((n) => (n.domain === 'aten' || n.domain === 'prim') && n.opType !== 'ListConstruct');
    expect(source.map(sourceOpName)).toEqual(nodes.map((n) => expectedOp(n.target)));
    expect(source.map((n) => n.name)).toEqual(nodes.map((n) => n.name));
    // meta.json counted the targets in Python.
    const counts: Record<string, number> = {};
    for (const n of nodes) counts[n.target] = (counts[n.target] ?? 0) + 1;
    expect(counts).toEqual(meta.pt2.targets);

    // Arguments: positional ones first, keyword ones after with their names (Note [source node arguments]).
    nodes.forEach((pn, i) => {
      const n = source[i]!;
      const keywords = pn.inputs.filter((a) => a.kind === 2).map((a) => a.name);
      const attr = n.attr(KWARG_NAMES);
      expect(attr?.type === AttributeType.STRINGS ? attr.value : []).toEqual(keywords);
      expect(n.inputs.length).toBe(pn.inputs.length);
      // Every named output carries torch's type for it.
      const named = n.outputs.filter((v) => v.name !== '');
      expect(named.every((v) => v.type?.kind === 'tensor')).toBe(true);
    });
  });

  it.each(models)('%s: initializers are the lifted state, by FQN, with the payload bytes', async (model) => {
    const { m, pt2 } = await load(model);
    const lifted = [...graphInputRoles(pt2.program).values()].filter((r) => r.fqn !== undefined).map((r) => r.fqn!);
    expect([...m.graph.initializers.keys()].sort()).toEqual(lifted.sort());
    for (const fqn of lifted) {
      const t = m.graph.initializers.get(fqn)!.constValue!;
      const p = pt2.tensors.get(fqn)!;
      expect([t.dtype, [...t.dims]]).toEqual([p.dtype, p.sizes]);
      // Contiguous payloads stay views of the archive's bytes (no copy).
      const bytes = t.bytes();
      expect(bytes.buffer).toBe(p.bytes.buffer);
      expect(Buffer.from(bytes).equals(Buffer.from(p.bytes.subarray(0, bytes.length)))).toBe(true);
    }
  });

  it.each(models)('%s: user inputs keep dynamic dims as the program symbols, outputs in order', async (model) => {
    const { m, pt2, meta } = await load(model);
    const symbols = Object.keys(meta.pt2.range_constraints);
    expect(m.graph.inputs.map((v) => v.name)).toEqual(meta.inputs.map((i) => i.name));
    meta.inputs.forEach((info, i) => {
      const t = m.graph.inputs[i]!.type;
      expect(t?.kind).toBe('tensor');
      if (t?.kind !== 'tensor') return;
      expect(t.dtype).toBe(NUMPY_DTYPES[info.dtype]);
      const dynamic = meta.pt2.dynamic_dims?.[info.name] ?? {};
      t.shape!.forEach((d, j) => {
        if (String(j) in dynamic) expect(symbols).toContain(d);
        else expect(d).toBe(info.shape[j]);
      });
      if (Object.keys(dynamic).length > 0) expect(m.graph.inputs[i]!.docString).toMatch(/^dynamic dims: s\d+ in \[1, 64\]/);
    });
    const outs = pt2.program.graph_module.signature.output_specs.filter((s) => s.user_output);
    expect(m.graph.outputs.map((v) => v.name)).toEqual(outs.map((s) => s.user_output!.arg.as_tensor!.name));
    meta.outputs.forEach((info, i) => {
      const t = m.graph.outputs[i]!.type;
      expect(t?.kind === 'tensor' ? t.dtype : undefined).toBe(NUMPY_DTYPES[info.dtype]);
    });
  });
});
