/**
 * Every model.onnx of the ONNX backend test data goes through the IR and back without loss:
 * decode -> import (loadModel) -> verifyModel -> export + encode -> decode gives a message deep-equal
 * (in the codec's canonical plain form) to the one decoded from the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../src/api/model-io.js';
import { decodeModelProto } from '../../src/formats/onnx/codec.js';
import { toPlainObject } from '../../src/formats/onnx/plain-object.js';
import { verifyModel } from '../../src/ir/verify.js';
import { listBackendModels, onnxTestDataDir } from '../support/test-data.js';

/** The first place two plain objects differ, as a dotted path, for a readable failure. */
export function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  if (Object.is(a, b)) return undefined; // NaN equals NaN here (the plain form cannot show payloads)
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return `${at || '<root>'}: ${JSON.stringify(a)?.slice(0, 80)} != ${JSON.stringify(b)?.slice(0, 80)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k);
    if (d !== undefined) return d;
  }
  return undefined;
}

describe('backend test data: file -> IR -> file', () => {
  it('round-trips every model.onnx losslessly', () => {
    const models = listBackendModels();
    expect(models.length, `no models under ${onnxTestDataDir()}`).toBeGreaterThan(1000);
    const failures: string[] = [];
    const started = performance.now();
    for (const m of models) {
      const rel = path.relative(onnxTestDataDir(), m.modelPath);
      try {
        const bytes = fs.readFileSync(m.modelPath);
        const original = toPlainObject('ModelProto', decodeModelProto(bytes, rel));
        const model = decodeModel(bytes, { file: rel, baseDir: m.dir });
        verifyModel(model);
        const again = toPlainObject('ModelProto', decodeModelProto(encodeModel(model), rel));
        const diff = firstDifference(again, original);
        if (diff !== undefined) failures.push(`${rel}: differs at ${diff}`);
      } catch (e) {
        failures.push(`${rel}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`${models.length - failures.length} of ${models.length} models round-trip (${seconds} s)`);
    expect(failures).toEqual([]);
  });
});
