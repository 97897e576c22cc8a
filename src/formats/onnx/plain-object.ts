/**
 * A canonical plain form of a decoded message for deep-equality checks and golden files: only fields that
 * are set, in field-number order, int64 as decimal strings, bytes as lowercase hex, enums as numbers,
 * unknown fields under `$unknowns` as hex. Empty repeated fields count as absent, as on the wire.
 */
import protobuf from 'protobufjs/light.js';
import type { OnnxMessages } from './generated/onnx-types.js';
import { isLong, messageType, type OnnxMessageName } from './schema.js';

export type PlainValue = string | number | boolean | PlainValue[] | { [field: string]: PlainValue };
export type PlainObject = { [field: string]: PlainValue };

const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  // Chunks keep the intermediate array small for multi-megabyte tensors.
  const parts: string[] = [];
  for (let start = 0; start < bytes.length; start += 65536) {
    const chunk = bytes.subarray(start, start + 65536);
    const out = new Array<string>(chunk.length);
    for (let i = 0; i < chunk.length; i++) out[i] = HEX[chunk[i]!]!;
    parts.push(out.join(''));
  }
  return parts.join('');
}

export function toPlainObject<K extends OnnxMessageName>(kind: K, message: OnnxMessages[K]): PlainObject {
  return plainMessage(messageType(kind), message as Record<string, unknown>);
}

function plainMessage(type: protobuf.Type, m: Record<string, unknown>): PlainObject {
  const out: PlainObject = {};
  const fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
  for (const field of fields) {
    if (!Object.prototype.hasOwnProperty.call(m, field.name)) continue;
    const v = m[field.name];
    if (v === undefined || v === null) continue;
    if (field.repeated) {
      const list = v as unknown[];
      if (list.length === 0) continue;
      out[field.name] = list.map((x) => plainScalarOrMessage(field, x));
    } else {
      out[field.name] = plainScalarOrMessage(field, v);
    }
  }
  const unknowns = m['$unknowns'];
  if (Array.isArray(unknowns) && unknowns.length > 0) out['$unknowns'] = unknowns.map((u) => toHex(u as Uint8Array));
  return out;
}

function plainScalarOrMessage(field: protobuf.Field, v: unknown): PlainValue {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return plainMessage(resolved, v as Record<string, unknown>);
  if (LONG_TYPES.has(field.type)) {
    if (isLong(v)) return v.toString();
    // A number from user code: print integers exactly; anything else shows up as a difference.
    return typeof v === 'number' ? String(v) : `<not an integer: ${String(v)}>`;
  }
  if (field.type === 'bytes') return toHex(v as Uint8Array);
  return v as PlainValue;
}
