/**
 * The protobufjs reflection of our TensorFlow schema, built once from the generated JSON descriptor
 * (protobufjs/light: no .proto parser in the bundle).
 */
import type Long from 'long';
import protobuf from 'protobufjs/light.js';
import { tfDescriptor } from './generated/tf-descriptor.js';
import type { TfMessages } from './generated/tf-types.js';

export type TfMessageName = keyof TfMessages;

// Without the `long` package protobufjs decodes int64 as a JS number and rounds values above 2^53
// (TensorProto.int64_val, AttrValue.i such as INT64_MAX slice ends). Refuse to run rather than corrupt graphs.
if (!protobuf.util.Long) {
  throw new Error('onnxbridge: protobufjs has no Long support (package "long" missing); int64 values would lose precision');
}

/** long.js's Long class as protobufjs loaded it. */
export const LongClass = protobuf.util.Long as unknown as typeof Long;

// resolveAll links field types now; wire-diagnose.ts and proto-json.ts read field.resolvedType.
export const tfRoot: protobuf.Root = protobuf.Root.fromJSON(tfDescriptor);
tfRoot.resolveAll();

/** Flat name (as in generated/tf-types.ts) to reflected type, e.g. `AttrValue_ListValue`. */
const byName = new Map<string, protobuf.Type>();
(function collect(ns: protobuf.NamespaceBase): void {
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type) {
      byName.set(flatName(child), child);
      stripPrototypeDefaults(child);
    }
    if (child instanceof protobuf.Namespace) collect(child); // a Type is a Namespace: nested messages
  }
})(tfRoot);

export function flatName(type: protobuf.ReflectionObject): string {
  return type.fullName.replace(/^\.(tensorflow|google\.protobuf)\./, '').replace(/\./g, '_');
}

// Note [no prototype defaults]: protobufjs puts each field's default on the decoded message's prototype,
// so an absent `op` would read as "" and an absent `tensor_shape` as null. We remove them so that every
// absent singular field reads as undefined, as generated/tf-types.ts says, whether the message came from
// protobuf bytes or from TF.js JSON (proto-json.ts). Repeated fields and maps are own values set by the
// constructor, so they stay arrays and objects.
//
// Note [maps are plain objects]: a map field decodes into a plain object (`node.attr['T']`). Keys are
// whatever the file says, so read them with Object.hasOwn or mapEntries(): a lookup of "constructor" on a
// plain object finds Object.prototype's. protobufjs stores a "__proto__" key as an own property.
function stripPrototypeDefaults(type: protobuf.Type): void {
  const proto = type.ctor.prototype as Record<string, unknown>;
  for (const field of type.fieldsArray) delete proto[field.name];
}

export function messageType(name: TfMessageName): protobuf.Type {
  const t = byName.get(name);
  if (t === undefined) throw new Error(`tf schema: no message ${name}`);
  return t;
}

/** Whether `v` is a protobufjs Long (int64 fields decode to these). */
export function isLong(v: unknown): v is Long {
  return LongClass.isLong(v);
}

/** An int64 field's value as a JS number (absent = 0, as in proto3), or undefined when beyond 2^53. */
export function safeInt(v: Long | number | undefined): number | undefined {
  if (v === undefined) return 0;
  const n = typeof v === 'number' ? v : v.toNumber();
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The value under `key` of a decoded map field, own properties only (see Note [maps are plain objects]). */
export function mapGet<V>(map: { [key: string]: V } | undefined, key: string): V | undefined {
  return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}

/** The entries of a decoded map field (JS object order: integer-like keys ascending, then file order). */
export function mapEntries<V>(map: { [key: string]: V } | undefined): [string, V][] {
  return map === undefined ? [] : Object.entries(map);
}
