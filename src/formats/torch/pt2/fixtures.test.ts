/**
 * Every committed torch.export fixture (fixtures/torch/<model>/model.pt2, written by torch 2.13) opens
 * through the zip reader and reads completely: program valid, every payload present and in bounds, and
 * the dynamic dims meta.json declares come out as symbols bounded by range_constraints.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataType } from '../../../ir/dtype.js';
import { openZipArchive } from '../zip-archive.js';
import type { Pt2Tensor } from './payloads.js';
import { readPt2 } from './read-pt2.js';
import { graphInputRoles } from './signature.js';
import { symbolRanges, tensorDims } from './sym-dims.js';

/** The elements as_strided(sizes, strides, storage_offset) selects, read little-endian. */
function float32Elements(t: Pt2Tensor): number[] {
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const out: number[] = [];
  const walk = (dim: number, at: number): void => {
    if (dim === t.sizes.length) {
      out.push(view.getFloat32(at * 4, true));
      return;
    }
    for (let i = 0; i < t.sizes[dim]!; i++) walk(dim + 1, at + i * t.strides[dim]!);
  };
  walk(0, t.storage_offset);
  return out;
}

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/torch');
const models = existsSync(FIXTURES)
  ? readdirSync(FIXTURES).filter((m) => existsSync(path.join(FIXTURES, m, 'model.pt2'))).sort()
  : [];

type DynamicDims = Record<string, Record<string, { symbol: string; min?: number; max?: number }>>;

/** What fixtures/torch/make_fixtures.py recorded from the live ExportedProgram in Python. */
interface Meta {
  dynamic_dims?: DynamicDims;
  pt2?: {
    dynamic_dims?: DynamicDims;
    range_constraints?: Record<string, { min_val: number | null; max_val: number | null }>;
    targets?: Record<string, number>;
  };
}

describe('fixtures/torch/*/model.pt2', () => {
  it('exist', () => {
    expect(models.length).toBeGreaterThanOrEqual(5);
  });

  it.each(models)('%s reads completely', async (model) => {
    const file = path.join(FIXTURES, model, 'model.pt2');
    const archive = await openZipArchive(new Uint8Array(readFileSync(file)), file);
    const r = readPt2(archive, { file });
    expect(r.program.schema_version.major).toBe(8);
    expect(r.program.graph_module.graph.nodes.length).toBeGreaterThan(0);
    for (const [, role] of graphInputRoles(r.program)) {
      if (role.fqn !== undefined) expect(r.tensors.has(role.fqn), role.fqn).toBe(true);
    }
    for (const t of r.tensors.values()) {
      expect(t.zeroFilled, t.fqn).toBe(false);
      if (t.dtype !== DataType.FLOAT) continue;
      // Real weights: finite everywhere, and a BatchNorm's running variance is positive.
      const values = float32Elements(t);
      expect(values.every(Number.isFinite), t.fqn).toBe(true);
      if (t.fqn.endsWith('running_var')) expect(values.every((v) => v > 0), t.fqn).toBe(true);
    }

    const metaFile = path.join(FIXTURES, model, 'meta.json');
    const meta = existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as Meta) : {};
    const ranges = symbolRanges(r.program);
    if (meta.pt2?.range_constraints !== undefined) {
      const want = Object.entries(meta.pt2.range_constraints).map(([k, v]) => [k, { min: v.min_val ?? undefined, max: v.max_val ?? undefined }]);
      expect([...ranges]).toEqual(want);
    }
    if (meta.pt2?.targets !== undefined) {
      const counts: Record<string, number> = {};
      for (const n of r.program.graph_module.graph.nodes) counts[n.target] = (counts[n.target] ?? 0) + 1;
      expect(counts).toEqual(meta.pt2.targets);
    }
    // The pt2 section says which dims torch.export kept dynamic (it specializes some, e.g. an LSTM's sequence).
    for (const [input, dims] of Object.entries(meta.pt2?.dynamic_dims ?? meta.dynamic_dims ?? {})) {
      const tensor = r.program.graph_module.graph.tensor_values[input];
      expect(tensor, `graph input ${input}`).toBeDefined();
      const shape = tensorDims(tensor!);
      for (const [axis, want] of Object.entries(dims)) {
        const dim = shape[Number(axis)];
        expect(typeof dim, `${input}[${axis}] is symbolic`).toBe('string');
        expect(ranges.get(dim as string), `range of ${String(dim)}`).toEqual({ min: want.min, max: want.max });
      }
    }
  });
});
