/**
 * Protobuf's JSON mapping (what Python's MessageToDict and TF.js's converter write) -> the same message
 * objects the binary decoder produces, so a GraphDef from a TF.js model.json and one from a .pb go through
 * one code path. Rules of the mapping: field names in lowerCamelCase (the proto name is accepted too), int64
 * as decimal strings (numbers accepted), bytes as base64, enums by name (numbers accepted), floats may be
 * "NaN"/"Infinity"/"-Infinity", maps as objects, null = absent, google.protobuf.BoolValue as a bare bool.
 * Unknown fields are a FormatError: our schema declares every field of the messages TF.js writes.
 */
import protobuf from 'protobufjs/light.js';
import { FormatError } from '../../ir/errors.js';
import type { TfMessages } from './generated/tf-types.js';
import { LongClass, messageType, type TfMessageName } from './schema.js';

/** Converts `json` (already parsed) into the named message; `file` and a JSON path name any problem. */
export function fromProtoJson<K extends TfMessageName>(kind: K, json: unknown, file: string, at = '$'): TfMessages[K] {
  return message(messageType(kind), json, { file, path: at, depth: 0 }) as TfMessages[K];
}

interface Where {
  file: string;
  path: string;
  /** Messages entered so far; bounded like the binary decoder's recursion limit. */
  depth: number;
}

const MAX_DEPTH = 100;

const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const INT32_TYPES = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32_TYPES = new Set(['uint32', 'fixed32']);

function fail(where: Where, message: string): never {
  throw new FormatError(message, { file: where.file, path: where.path });
}

/** Field lookup by JSON name or proto name, built once per type. */
const fieldIndex = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();
function fieldsOf(type: protobuf.Type): Map<string, protobuf.Field> {
  let m = fieldIndex.get(type);
  if (m === undefined) {
    m = new Map();
    for (const f of type.fieldsArray) {
      m.set(f.name, f);
      m.set(f.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), f);
    }
    fieldIndex.set(type, m);
  }
  return m;
}

function message(type: protobuf.Type, json: unknown, where: Where): protobuf.Message {
  if (type.fullName === '.google.protobuf.BoolValue' && typeof json === 'boolean') return type.create({ value: json });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    fail(where, `expected an object for ${type.name}, got ${describe(json)}`);
  }
  if (type.fullName === '.google.protobuf.Any') fail(where, 'google.protobuf.Any values in JSON are not supported');
  if (where.depth >= MAX_DEPTH) fail(where, `messages nested more than ${MAX_DEPTH} levels deep`);
  const inner = (path: string): Where => ({ file: where.file, path, depth: where.depth + 1 });
  const out = new type.ctor() as unknown as Record<string, unknown>;
  const seenOneofs = new Map<string, string>();
  const fields = fieldsOf(type);
  for (const [key, value] of Object.entries(json)) {
    const field = fields.get(key);
    const here = inner(`${where.path}.${key}`);
    if (field === undefined) fail(here, `${type.name} has no field "${key}"`);
    if (value === null) continue;
    if (field.partOf !== null) {
      const other = seenOneofs.get(field.partOf.name);
      if (other !== undefined) fail(here, `"${key}" and "${other}" are members of the same oneof; at most one may be set`);
      seenOneofs.set(field.partOf.name, key);
    }
    if (field.map) {
      if (typeof value !== 'object' || Array.isArray(value)) fail(here, `expected an object (a map), got ${describe(value)}`);
      const map: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as object)) {
        const entryAt = inner(`${here.path}[${JSON.stringify(k)}]`);
        const key = mapKey((field as unknown as protobuf.MapField).keyType, k, entryAt);
        Object.defineProperty(map, key, { value: single(field, v, entryAt), enumerable: true, writable: true, configurable: true });
      }
      out[field.name] = map;
    } else if (field.repeated) {
      if (!Array.isArray(value)) fail(here, `expected an array, got ${describe(value)}`);
      out[field.name] = value.map((v, i) => single(field, v, inner(`${here.path}[${i}]`)));
    } else {
      out[field.name] = single(field, value, here);
    }
  }
  return out as unknown as protobuf.Message;
}

/** The property name protobufjs's decoder would use for map key `k` (64-bit keys as its 8-char hash). */
function mapKey(keyType: string, k: string, where: Where): string {
  if (keyType === 'string') return k;
  if (!/^-?\d+$/.test(k)) fail(where, `map key ${JSON.stringify(k)} is not an integer`);
  if (!LONG_TYPES.has(keyType)) return String(Number(k));
  const unsigned = keyType === 'uint64' || keyType === 'fixed64';
  return protobuf.util.longToHash(longValue(k, where, unsigned) as protobuf.Long);
}

function single(field: protobuf.Field, v: unknown, where: Where): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return message(resolved, v, where);
  if (resolved instanceof protobuf.Enum) return enumValue(resolved, v, where);
  const t = field.type;
  if (t === 'string') return typeof v === 'string' ? v : fail(where, `expected a string, got ${describe(v)}`);
  if (t === 'bool') return typeof v === 'boolean' ? v : fail(where, `expected true or false, got ${describe(v)}`);
  if (t === 'bytes') return base64(v, where);
  if (t === 'float' || t === 'double') return floatValue(v, where, t === 'float');
  if (LONG_TYPES.has(t)) return longValue(v, where, t === 'uint64' || t === 'fixed64');
  if (INT32_TYPES.has(t)) return intValue(v, where, -(2 ** 31), 2 ** 31 - 1);
  if (UINT32_TYPES.has(t)) return intValue(v, where, 0, 2 ** 32 - 1);
  return fail(where, `field type ${t} is not supported in JSON`);
}

function enumValue(e: protobuf.Enum, v: unknown, where: Where): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && Object.hasOwn(e.values, v)) return e.values[v]!;
  return fail(where, `${describe(v)} is not a value of ${e.name}`);
}

function floatValue(v: unknown, where: Where, single: boolean): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (v === 'NaN') n = NaN;
  else if (v === 'Infinity') n = Infinity;
  else if (v === '-Infinity') n = -Infinity;
  else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) n = Number(v);
  else return fail(where, `expected a number, got ${describe(v)}`);
  return single ? Math.fround(n) : n;
}

function intValue(v: unknown, where: Where, min: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) fail(where, `expected an integer in [${min}, ${max}], got ${describe(v)}`);
  return n;
}

function longValue(v: unknown, where: Where, unsigned: boolean): unknown {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) fail(where, `expected an integer (int64 beyond 2^53 must be a string), got ${v}`);
    return LongClass.fromNumber(v, unsigned);
  }
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) return fail(where, `expected an integer string, got ${describe(v)}`);
  const big = BigInt(v);
  const [min, max] = unsigned ? [0n, 2n ** 64n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
  if (big < min || big > max) fail(where, `${v} is out of range for ${unsigned ? 'uint64' : 'int64'}`);
  return LongClass.fromString(v, unsigned);
}

function base64(v: unknown, where: Where): Uint8Array {
  // Standard or URL-safe alphabet, padding optional (both are valid in the JSON mapping).
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v) || v.replace(/=+$/, '').length % 4 === 1) {
    fail(where, `expected base64 bytes, got ${describe(v)}`);
  }
  const bin = atob((v as string).replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
