/**
 * Cross-check against an independent codec: npm `onnx-proto` 8.0.1 (ONNX 1.10.2 schema, protobufjs 6,
 * camelCase names). What we encode must decode there to the same values for every field it knows, and
 * what it encodes must decode here to the same values. Fields newer than ONNX 1.10 are left out of the
 * comparison (the old codec skips them as unknown fields).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type protobuf from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { onnxTestDataDir } from '../../../test/support/test-data.js';
import { decodeModelProto, encodeModelProto } from './codec.js';
import type { ModelProto } from './generated/onnx-types.js';
import { kitchenSinkModel } from './kitchen-sink.js';
import { toPlainObject, type PlainObject, type PlainValue } from './plain-object.js';
import { messageType } from './schema.js';

interface OldType {
  decode(bytes: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
  toObject(message: object, options: object): Record<string, unknown>;
  prototype: object;
  [nested: string]: unknown;
}
const require = createRequire(import.meta.url);
const old = (require('onnx-proto') as { onnx: Record<string, OldType> }).onnx;
const OLD_OPTIONS = { longs: String, bytes: String }; // int64 as decimal, bytes as base64

/** The old codec's class for one of our types, or undefined when ONNX 1.10 had no such message. */
function oldTypeFor(type: protobuf.Type): OldType | undefined {
  let t: unknown = old;
  for (const part of type.fullName.replace(/^\.onnx\./, '').split('.')) t = (t as Record<string, unknown> | undefined)?.[part];
  return t as OldType | undefined;
}

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Our plain object as the old codec's toObject would print it, restricted to the fields it knows. */
function project(type: protobuf.Type, plain: PlainObject, oldType: OldType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(plain)) {
    const field = type.fields[name];
    if (field === undefined || !(camel(name) in oldType.prototype)) continue; // $unknowns, or newer than 1.10
    const resolved = field.resolvedType;
    const sub = resolved !== null && 'fieldsArray' in resolved ? (resolved as protobuf.Type) : undefined;
    const subOld = sub && oldTypeFor(sub);
    if (sub && !subOld) continue;
    const convert = (v: PlainValue): unknown =>
      sub ? project(sub, v as PlainObject, subOld!) : field.type === 'bytes' ? Buffer.from(v as string, 'hex').toString('base64') : v;
    out[camel(name)] = Array.isArray(value) ? value.map(convert) : convert(value);
  }
  return out;
}

function modelFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) modelFiles(p, out);
    else if (e.name.endsWith('.onnx')) out.push(p);
  }
  return out;
}

describe('cross-check with npm onnx-proto 8.0.1 (ONNX 1.10)', () => {
  const modelType = messageType('ModelProto');
  const OldModel = old['ModelProto']!;

  function checkBothWays(ours: ModelProto): void {
    const expected = project(modelType, toPlainObject('ModelProto', ours), OldModel);
    // ours -> old
    const oldDecoded = OldModel.decode(encodeModelProto(ours));
    expect(OldModel.toObject(oldDecoded, OLD_OPTIONS)).toEqual(expected);
    // old -> ours: the old codec drops what it does not know, so compare on its fields only
    const fromOld = decodeModelProto(OldModel.encode(oldDecoded).finish());
    expect(project(modelType, toPlainObject('ModelProto', fromOld), OldModel)).toEqual(expected);
  }

  it('agrees on the kitchen-sink model (int64 extremes, -0, non-UTF-8 bytes, new fields skipped)', () => {
    const model = kitchenSinkModel();
    checkBothWays(model);
    // The old codec knows the int64 beyond 2^53 exactly, through its own Long.
    const oldModel = OldModel.toObject(OldModel.decode(encodeModelProto(model)), OLD_OPTIONS);
    expect(oldModel['modelVersion']).toBe('9007199254740993');
    // ...and silently drops what it does not know: NodeProto.overload (field 8) and configuration (26).
    expect(oldModel['configuration']).toBeUndefined();
    const oldNode = (oldModel['graph'] as { node: Record<string, unknown>[] }).node[0]!;
    expect(oldNode['opType']).toBe('Custom');
    expect(oldNode['overload']).toBeUndefined();
  });

  it('agrees on every model of the ONNX backend test data', () => {
    const files = modelFiles(onnxTestDataDir());
    for (const file of files) {
      try {
        checkBothWays(decodeModelProto(fs.readFileSync(file), file));
      } catch (e) {
        throw new Error(`${path.relative(onnxTestDataDir(), file)}: ${(e as Error).message}`, { cause: e });
      }
    }
    console.log(`onnx-proto cross-check: ${files.length} models agree in both directions`);
    expect(files.length).toBeGreaterThan(1900);
  });
});
