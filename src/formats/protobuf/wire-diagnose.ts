/**
 * Finds where a protobuf message is broken, for the error message only: protobufjs says "index out of
 * range" but not which field, so after it fails we walk the same bytes again with the schema and report a
 * path like `graph.initializer[3].raw_data` (ONNX) or `meta_graphs[0].graph_def.node[3].attr["value"].tensor`
 * (TensorFlow). Used by both codecs. This runs only on the failure path; it must never throw, never recurse
 * without bound, and always advance, so that it cannot hang on any input.
 *
 * It follows protobufjs's decoder: a field the schema does not know, or a known one that arrives with
 * another wire type, is skipped as raw bytes (groups included); proto3 `map<>` fields are entries
 * {1: key, 2: value}, named in the path by their key.
 */
import protobuf from 'protobufjs/light.js';

export interface WireProblem {
  /** Dotted path of the field where decoding failed, e.g. `graph.node[2].attribute[0].t`; '' for the top. */
  path: string;
  /** Byte offset in the input where the bad field starts. */
  offset: number;
  problem: string;
}

/** Same as protobufjs's Reader.recursionLimit (and protoc's default): messages nested deeper are refused. */
export const MAX_NESTING = 100;

interface Cursor {
  buf: Uint8Array;
  pos: number;
}

/** A varint of at most `maxBytes` bytes, or a problem string. Values beyond 2^53 lose precision (unused). */
function readVarint(c: Cursor, end: number, maxBytes: number): number | string {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (c.pos >= end) return 'truncated varint (the data ends inside a number)';
    const b = c.buf[c.pos++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value;
    scale *= 128;
  }
  return `varint longer than ${maxBytes} bytes`;
}

const VARINT_SCALARS = new Set(['int32', 'uint32', 'sint32', 'int64', 'uint64', 'sint64', 'bool']);
const FIXED_SIZE: Record<string, number> = { float: 4, fixed32: 4, sfixed32: 4, double: 8, fixed64: 8, sfixed64: 8 };

/** Walks `type` over buf[start, end); returns the first problem found, or undefined when it looks valid. */
export function diagnoseWire(type: protobuf.Type, buf: Uint8Array, start = 0, end = buf.length): WireProblem | undefined {
  return walk(type, { buf, pos: start }, end, '', 0);
}

const join = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);

/** Skips one payload of wire type `wt` other than a start-group (see skipField); returns a problem or undefined. */
function skip(c: Cursor, end: number, wt: number): string | undefined {
  if (wt === 0) {
    const v = readVarint(c, end, 10);
    return typeof v === 'string' ? v : undefined;
  }
  if (wt === 1 || wt === 5) {
    const size = wt === 1 ? 8 : 4;
    if (c.pos + size > end) return `needs ${size} bytes but only ${end - c.pos} remain`;
    c.pos += size;
    return undefined;
  }
  if (wt === 2) {
    const len = readVarint(c, end, 5);
    if (typeof len === 'string') return `bad length: ${len}`;
    if (c.pos + len > end) return `length ${len} runs past the end of its enclosing message (${end - c.pos} bytes remain)`;
    c.pos += len;
    return undefined;
  }
  return wt === 4 ? 'end-group marker without a matching start' : `invalid wire type ${wt}`;
}

/** Skips a field protobufjs keeps as raw bytes, a group (wire type 3) included, whose tag was at `offset`. */
function skipField(c: Cursor, end: number, wt: number, fieldNo: number, path: string, offset: number, depth: number): WireProblem | undefined {
  if (wt === 3) return walkGroup(c, end, path, fieldNo, depth + 1);
  const p = skip(c, end, wt);
  return p === undefined ? undefined : { path, offset, problem: p };
}

function walk(type: protobuf.Type, c: Cursor, end: number, path: string, depth: number): WireProblem | undefined {
  if (depth > MAX_NESTING) return { path, offset: c.pos, problem: `messages nested more than ${MAX_NESTING} levels deep` };
  const counts = new Map<number, number>();
  while (c.pos < end) {
    const offset = c.pos;
    const tag = readVarint(c, end, 5);
    if (typeof tag === 'string') return { path, offset, problem: `bad field tag: ${tag}` };
    const fieldNo = Math.floor(tag / 8);
    const wt = tag % 8;
    if (fieldNo === 0) return { path, offset, problem: 'field number 0 (not a protobuf message here)' };
    const field = type.fieldsById[fieldNo];
    if (field === undefined || !wireTypeFits(field, wt)) {
      // protobufjs keeps an unknown field, or a known one of another wire type, as raw bytes.
      const p = skipField(c, end, wt, fieldNo, join(path, field?.name ?? `<field ${fieldNo}>`), offset, depth);
      if (p !== undefined) return p;
      continue;
    }
    let here = join(path, field.name);
    if (field.repeated && !field.map && (field.resolvedType instanceof protobuf.Type || field.type === 'string' || field.type === 'bytes')) {
      // Index elements that are one wire record each; a packed run of numbers is one record for many.
      const n = counts.get(fieldNo) ?? 0;
      counts.set(fieldNo, n + 1);
      here = `${here}[${n}]`;
    }
    if (wt !== 2) {
      const p = skip(c, end, wt);
      if (p !== undefined) return { path: here, offset, problem: p };
      continue;
    }
    const len = readVarint(c, end, 5);
    if (typeof len === 'string') return { path: here, offset, problem: `bad length: ${len}` };
    // A payload cut short (a truncated file) is walked as far as it goes, so that the error names the
    // innermost field that is incomplete rather than the outermost.
    const stop = Math.min(c.pos + len, end);
    const inner = field.map
      ? walkMapEntry(field as unknown as protobuf.MapField, c.buf, c.pos, stop, here, depth + 1)
      : payloadProblem(field, c.buf, c.pos, stop, here, depth);
    if (inner) return inner;
    if (c.pos + len > end) {
      return { path: here, offset, problem: `length ${len} runs past the end of its enclosing message (${end - c.pos} bytes remain)` };
    }
    c.pos += len;
  }
  return undefined;
}

/** Whether protobufjs decodes wire type `wt` into `field` (otherwise it keeps the bytes as unknown). */
function wireTypeFits(field: protobuf.Field, wt: number): boolean {
  if (field.map || field.resolvedType instanceof protobuf.Type || field.type === 'string' || field.type === 'bytes') return wt === 2;
  const scalar = field.resolvedType instanceof protobuf.Enum ? 'int32' : field.type;
  const natural = FIXED_SIZE[scalar] === 8 ? 1 : FIXED_SIZE[scalar] === 4 ? 5 : 0;
  // Repeated scalars come packed or not, whatever the schema says (proto2 and proto3 readers take both).
  return wt === natural || (field.repeated && wt === 2);
}

/** Checks a length-delimited payload of a known field: a nested message or a packed run of scalars. */
function payloadProblem(field: protobuf.Field, buf: Uint8Array, start: number, end: number, path: string, depth: number): WireProblem | undefined {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return walk(resolved, { buf, pos: start }, end, path, depth + 1);
  if (!field.repeated || field.type === 'string' || field.type === 'bytes') return undefined;
  const scalar = resolved instanceof protobuf.Enum ? 'int32' : field.type; // enums travel as varints
  const size = FIXED_SIZE[scalar];
  if (size !== undefined && (end - start) % size !== 0) {
    return { path, offset: start, problem: `packed ${scalar} data of ${end - start} bytes is not a multiple of ${size}` };
  }
  if (VARINT_SCALARS.has(scalar)) {
    const c = { buf, pos: start };
    while (c.pos < end) {
      const v = readVarint(c, end, 10);
      if (typeof v === 'string') return { path, offset: start, problem: `packed ${scalar} data: ${v}` };
    }
  }
  return undefined;
}

/** A map entry {1: key, 2: value}; the path names it by its key once the key is known. */
function walkMapEntry(field: protobuf.MapField, buf: Uint8Array, start: number, end: number, path: string, depth: number): WireProblem | undefined {
  if (depth > MAX_NESTING) return { path, offset: start, problem: `messages nested more than ${MAX_NESTING} levels deep` };
  const c = { buf, pos: start };
  let here = `${path}[?]`;
  while (c.pos < end) {
    const offset = c.pos;
    const tag = readVarint(c, end, 5);
    if (typeof tag === 'string') return { path: here, offset, problem: `bad field tag in map entry: ${tag}` };
    const no = Math.floor(tag / 8);
    const wt = tag % 8;
    if (no === 0) return { path: here, offset, problem: 'field number 0 in map entry' };
    if (no === 1 && field.keyType === 'string' && wt === 2) {
      const len = readVarint(c, end, 5);
      if (typeof len === 'string' || c.pos + len > end) return { path: here, offset, problem: 'map key runs past the end of its entry' };
      here = `${path}[${JSON.stringify(new TextDecoder().decode(buf.subarray(c.pos, c.pos + len)))}]`;
      c.pos += len;
      continue;
    }
    if (no === 2 && wt === 2 && field.resolvedType instanceof protobuf.Type) {
      const len = readVarint(c, end, 5);
      if (typeof len === 'string') return { path: here, offset, problem: `bad length: ${len}` };
      const inner = walk(field.resolvedType, { buf, pos: c.pos }, Math.min(c.pos + len, end), here, depth + 1);
      if (inner) return inner;
      if (c.pos + len > end) return { path: here, offset, problem: 'map value runs past the end of its entry' };
      c.pos += len;
      continue;
    }
    const p = skipField(c, end, wt, no, here, offset, depth);
    if (p !== undefined) return p;
  }
  return undefined;
}

/** A group (wire type 3, proto2; protobufjs skips one in an unknown field): fields up to the end-group of `fieldNo`. */
function walkGroup(c: Cursor, end: number, path: string, fieldNo: number, depth: number): WireProblem | undefined {
  if (depth > MAX_NESTING) return { path, offset: c.pos, problem: `groups nested more than ${MAX_NESTING} levels deep` };
  while (c.pos < end) {
    const offset = c.pos;
    const tag = readVarint(c, end, 5);
    if (typeof tag === 'string') return { path, offset, problem: `bad field tag in group: ${tag}` };
    const wt = tag % 8;
    const no = Math.floor(tag / 8);
    if (no === 0) return { path, offset, problem: 'field number 0 in group' };
    if (wt === 4) return no === fieldNo ? undefined : { path, offset, problem: 'end-group marker does not match' };
    const p = skipField(c, end, wt, no, path, offset, depth);
    if (p !== undefined) return p;
  }
  return { path, offset: c.pos, problem: 'group not closed before the end of its message' };
}
