/**
 * generated/op-table.json is derived from the IR's schema JSON (scripts/gen-runtime-op-table.mjs): it is
 * current, and it tells the engine exactly what the IR's registry would (every op, every version, every
 * opset in between), so reading it instead of the registry changes no behaviour.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionBodies, functionBodyFor } from '../ir/ops/function-bodies.js';
import { allOps, getSchema, latestOpset } from '../ir/ops/registry.js';
import { normalizeDomain } from '../ir/ops/schema-json.js';
import { runtimeFunctionBody, runtimeSchema } from './op-table.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Key order matters: function-expand's sameInterface compares attribute schemas as JSON. */
const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

describe('runtime op table', () => {
  it('is current (node scripts/gen-runtime-op-table.mjs regenerates it)', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-runtime-op-table.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('matches the IR registry for every version of every op', () => {
    let n = 0;
    for (const entry of allOps()) {
      for (const s of entry.versions) {
        const r = runtimeSchema(entry.domain, entry.opType, s.sinceVersion);
        const where = `${entry.domain}::${entry.opType}-${s.sinceVersion}`;
        expect(r, where).toBeDefined();
        expect(r!.sinceVersion, where).toBe(s.sinceVersion);
        expect(normalizeDomain(r!.domain), where).toBe(normalizeDomain(s.domain));
        expect(r!.name, where).toBe(s.name);
        expect(json(r!.attributes), where).toBe(json(s.attributes));
        const params = (ps: readonly { name: string; option: string }[]) => ps.map((p) => [p.name, p.option]);
        expect(params(r!.inputs), where).toEqual(params(s.inputs));
        expect(params(r!.outputs), where).toEqual(params(s.outputs));
        expect(r!.hasFunction, where).toBe(s.hasFunction);
        expect(r!.functionBodies, where).toEqual(functionBodies(s));
        for (let opset = 1; opset <= 30; opset++) expect(runtimeFunctionBody(r!, opset), `${where} @${opset}`).toEqual(functionBodyFor(s, opset));
        n++;
      }
      const last = latestOpset(entry.domain) ?? 1;
      for (let opset = 0; opset <= last + 1; opset++) {
        expect(runtimeSchema(entry.domain, entry.opType, opset)?.sinceVersion).toBe(getSchema(entry.domain, entry.opType, opset)?.sinceVersion);
      }
    }
    expect(n).toBeGreaterThan(600);
  });

  it('resolves domains and unknown ops as the registry does', () => {
    expect(runtimeSchema('ai.onnx', 'Relu', 14)).toBe(runtimeSchema('', 'Relu', 14));
    expect(runtimeSchema('', 'NoSuchOp', 14)).toBeUndefined();
    expect(runtimeSchema('', 'toString', 14)).toBeUndefined();
    expect(runtimeSchema('com.microsoft', 'FusedConv', 1)).toBeUndefined();
  });
});
