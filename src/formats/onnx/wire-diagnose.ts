/**
 * Finds where a protobuf message is broken, for the error message only: protobufjs says "index out of
 * range" but not which field, so after it fails we walk the same bytes again with the schema and report
 * a path like `graph.initializer[3].raw_data`. This runs only on the failure path; it must never throw,
 * never recurse without bound, and always advance, so that it cannot hang on any input.
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

function walk(type: protobuf.Type, c: Cursor, end: number, path: string, depth: number): WireProblem | undefined {
  if (depth > MAX_NESTING) {
    return { path, offset: c.pos, problem: `messages nested more than ${MAX_NESTING} levels deep` };
  }
  const counts = new Map<number, number>();
  while (c.pos < end) {
    const offset = c.pos;
    const tag = readVarint(c, end, 5);
    if (typeof tag === 'string') return { path, offset, problem: `bad field tag: ${tag}` };
    const fieldNo = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (fieldNo === 0) return { path, offset, problem: 'field number 0 (not a protobuf message here)' };
    const field = type.fieldsById[fieldNo];
    let here: string;
    if (field === undefined) {
      here = `${path}${path ? '.' : ''}<field ${fieldNo}>`;
    } else if (field.repeated && (field.resolvedType instanceof protobuf.Type || field.type === 'string' || field.type === 'bytes')) {
      // Index elements that are one wire record each; a packed run of numbers is one record for many.
      const n = counts.get(fieldNo) ?? 0;
      counts.set(fieldNo, n + 1);
      here = `${path}${path ? '.' : ''}${field.name}[${n}]`;
    } else {
      here = `${path}${path ? '.' : ''}${field.name}`;
    }
    const fail = (problem: string): WireProblem => ({ path: here, offset, problem });
    switch (wireType) {
      case 0: {
        const v = readVarint(c, end, 10);
        if (typeof v === 'string') return fail(v);
        break;
      }
      case 1:
      case 5: {
        const size = wireType === 1 ? 8 : 4;
        if (c.pos + size > end) return fail(`needs ${size} bytes but only ${end - c.pos} remain`);
        c.pos += size;
        break;
      }
      case 2: {
        const len = readVarint(c, end, 5);
        if (typeof len === 'string') return fail(`bad length: ${len}`);
        if (c.pos + len > end) {
          return fail(`length ${len} runs past the end of its enclosing message (${end - c.pos} bytes remain)`);
        }
        const inner = innerProblem(field, c.buf, c.pos, c.pos + len, here, depth);
        if (inner) return inner;
        c.pos += len;
        break;
      }
      case 3: {
        // Groups: protobufjs skips them for unknown fields; ONNX never uses them.
        const inner = walkGroup(c, end, here, fieldNo, depth + 1);
        if (inner) return inner;
        break;
      }
      case 4:
        return fail('end-group marker without a matching start');
      default:
        return fail(`invalid wire type ${wireType}`);
    }
  }
  return undefined;
}

/** Checks a length-delimited payload: a nested message, or a packed run of scalars. */
function innerProblem(
  field: protobuf.Field | undefined,
  buf: Uint8Array,
  start: number,
  end: number,
  path: string,
  depth: number,
): WireProblem | undefined {
  if (field === undefined) return undefined;
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return walk(resolved, { buf, pos: start }, end, path, depth + 1);
  if (!field.repeated) return undefined;
  const scalar = resolved !== null ? 'int32' : field.type; // enums travel as varints
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
    let err: string | undefined;
    if (wt === 0) err = typeof readVarint(c, end, 10) === 'string' ? 'bad varint in group' : undefined;
    else if (wt === 1 || wt === 5) {
      const size = wt === 1 ? 8 : 4;
      if (c.pos + size > end) err = 'truncated group';
      else c.pos += size;
    } else if (wt === 2) {
      const len = readVarint(c, end, 5);
      if (typeof len === 'string' || c.pos + len > end) err = 'truncated group';
      else c.pos += len;
    } else if (wt === 3) {
      const inner = walkGroup(c, end, path, no, depth + 1);
      if (inner) return inner;
    } else err = `invalid wire type ${wt} in group`;
    if (err !== undefined) return { path, offset, problem: err };
  }
  return { path, offset: c.pos, problem: 'group not closed before the end of its message' };
}
