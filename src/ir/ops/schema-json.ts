/**
 * Reading the generated schema JSON: the domain rule and attribute defaults. Kept apart from registry.ts
 * (which imports the ~520 KiB schemas.json) so that the runtime's compact op table can share them without
 * pulling that file into the browser bundle.
 */
import { AttributeType, type AttributeDefault } from './schema.js';

/** '' and 'ai.onnx' name the same domain (ONNX treats them as equal). */
export function normalizeDomain(domain: string): string {
  return domain === 'ai.onnx' ? '' : domain;
}

/** Non-finite floats and ints past 2^53 are strings in the JSON (JSON has no form for them). */
function jsonNumber(v: unknown, type: 'float' | 'int'): number | bigint {
  if (typeof v === 'number') return v;
  const s = String(v);
  if (type === 'int') return BigInt(s);
  return s === 'inf' ? Infinity : s === '-inf' ? -Infinity : NaN;
}

/** An attribute default as the JSON holds it, in the AttributeSchema form of `type`. */
export function convertDefault(type: AttributeType, v: unknown): AttributeDefault {
  switch (type) {
    case AttributeType.FLOAT:
      return jsonNumber(v, 'float') as number;
    case AttributeType.INT:
      return jsonNumber(v, 'int');
    case AttributeType.FLOATS:
      return (v as unknown[]).map((x) => jsonNumber(x, 'float') as number);
    case AttributeType.INTS:
      return (v as unknown[]).map((x) => jsonNumber(x, 'int'));
    default:
      return v as AttributeDefault;
  }
}
