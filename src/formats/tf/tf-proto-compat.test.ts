/**
 * Our .proto files against TensorFlow's own: testdata/tf-proto-fields.json lists the fields of TF 2.21's
 * messages as its Python descriptors report them (make.py). Every message and enum we declare must match
 * TF's exactly: same fields with the same numbers, types and repeatedness (a map is TF's repeated
 * `XEntry` {key, value}), none missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { tfRoot } from './schema.js';
import { TESTDATA } from './test-helpers.js';

type FieldFacts = [number: number, type: string, repeated: boolean];
const tf = JSON.parse(fs.readFileSync(path.join(TESTDATA, 'tf-proto-fields.json'), 'utf8')) as {
  messages: Record<string, Record<string, FieldFacts>>;
  enums: Record<string, Record<string, number>>;
};

function all(ns: protobuf.NamespaceBase, types: protobuf.Type[] = [], enums: protobuf.Enum[] = []) {
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type) types.push(child);
    if (child instanceof protobuf.Enum) enums.push(child);
    if (child instanceof protobuf.Namespace) all(child, types, enums);
  }
  return { types, enums };
}

const { types, enums } = all(tfRoot);
const name = (r: protobuf.ReflectionObject): string => r.fullName.replace(/^\./, '');
/** Our description of a field in the form of tf-proto-fields.json. */
function typeOf(f: protobuf.Field): string {
  return f.resolvedType !== null ? name(f.resolvedType) : f.type;
}

describe('our TF schema matches TensorFlow 2.21', () => {
  const ours = types.filter((t) => !t.fullName.startsWith('.google.'));

  it('declares the messages TF has, with the same fields', () => {
    expect(ours.length).toBeGreaterThan(60);
    for (const t of ours) {
      const theirs = tf.messages[name(t)];
      expect(theirs, name(t)).toBeDefined();
      expect(t.fieldsArray.map((f) => f.name).sort(), name(t)).toEqual(Object.keys(theirs!).sort());
      for (const f of t.fieldsArray) {
        const [number, type, repeated] = theirs![f.name]!;
        const where = `${name(t)}.${f.name}`;
        expect(f.id, where).toBe(number);
        if (f.map) {
          const entry = tf.messages[type]!;
          expect(repeated, where).toBe(true);
          expect(entry['key']![1], `${where} key`).toBe((f as unknown as protobuf.MapField).keyType);
          expect(entry['value']![1], `${where} value`).toBe(typeOf(f));
        } else {
          expect(typeOf(f), where).toBe(type);
          expect(f.repeated, where).toBe(repeated);
        }
      }
    }
  });

  it('declares the enums TF has, with the same values', () => {
    for (const e of enums) expect(e.values, name(e)).toEqual(tf.enums[name(e)]);
  });
});
