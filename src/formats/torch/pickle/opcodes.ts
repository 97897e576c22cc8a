/**
 * The pickle opcodes of protocols 0-5, one small handler each, in a table keyed by the opcode byte
 * (names and layouts as in CPython's pickletools). PyTorch writes protocol 2 (FORMATS.md §1.3); the rest
 * are here so that any ordinary pickle of plain data decodes. What is refused: EXT* (the copyreg
 * extension registry) and NEXT_BUFFER (out-of-band buffers), which name data outside the pickle.
 */
import { decodeUtf8, latin1 } from './byte-reader.js';
import type { Unpickler } from './unpickler.js';
import { kindOf, PyDict, PyTuple, type PickleValue } from './values.js';

export interface OpCode {
  readonly name: string;
  run(u: Unpickler): void;
}

export const OPCODES: (OpCode | undefined)[] = new Array<OpCode | undefined>(256);

function def(code: string | number, name: string, run: (u: Unpickler) => void): void {
  OPCODES[typeof code === 'string' ? code.charCodeAt(0) : code] = { name, run };
}

// --- framing and control
def(0x80, 'PROTO', (u) => {
  u.protocol = u.reader.u8();
  if (u.protocol > 5) throw u.error(`pickle protocol ${u.protocol} is newer than 5`);
});
def(0x95, 'FRAME', (u) => {
  const n = u.reader.u64();
  if (n > u.reader.remaining) throw u.error(`a frame of ${n} bytes runs past the end of the pickle`);
});
def('.', 'STOP', (u) => {
  u.done = true;
});
def('(', 'MARK', (u) => u.mark());
def('0', 'POP', (u) => {
  if (u.stack.length === 0 && u.hasMark) u.popMark();
  else u.pop();
});
def('1', 'POP_MARK', (u) => void u.popMark());
def('2', 'DUP', (u) => u.push(u.top()));

// --- scalars
def('N', 'NONE', (u) => u.push(null));
def(0x88, 'NEWTRUE', (u) => u.push(true));
def(0x89, 'NEWFALSE', (u) => u.push(false));
def('K', 'BININT1', (u) => u.push(u.reader.u8()));
def('M', 'BININT2', (u) => u.push(u.reader.u16()));
def('J', 'BININT', (u) => u.push(u.reader.i32()));
def(0x8a, 'LONG1', (u) => u.push(decodeLong(u.reader.take(u.reader.u8(), 'LONG1'))));
def(0x8b, 'LONG4', (u) => {
  const n = u.reader.i32();
  if (n > u.limits.maxLongBytes) throw u.error(`a LONG4 of ${n} bytes is longer than the ${u.limits.maxLongBytes} allowed`);
  u.push(decodeLong(u.reader.take(n, 'LONG4')));
});
def('I', 'INT', (u) => {
  const s = u.reader.line(u.limits.maxLongBytes * 3, 'INT');
  // Protocol 0 spells booleans as INT 00 / 01.
  u.push(s === '00' ? false : s === '01' ? true : parseDecimal(u, s, 'INT'));
});
def('L', 'LONG', (u) => {
  const s = u.reader.line(u.limits.maxLongBytes * 3, 'LONG');
  u.push(parseDecimal(u, s.endsWith('L') ? s.slice(0, -1) : s, 'LONG'));
});
def('G', 'BINFLOAT', (u) => u.push(u.reader.f64be()));
def('F', 'FLOAT', (u) => {
  const s = u.reader.line(u.limits.maxLineBytes, 'FLOAT').trim();
  const special: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: NaN };
  const v = special[s] ?? (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : undefined);
  if (v === undefined) throw u.error(`FLOAT ${JSON.stringify(s)} is not a number`);
  u.push(v);
});

// --- strings and bytes
def('X', 'BINUNICODE', (u) => u.push(utf8(u, u.reader.take(u.reader.u32(), 'BINUNICODE'))));
def(0x8c, 'SHORT_BINUNICODE', (u) => u.push(utf8(u, u.reader.take(u.reader.u8(), 'SHORT_BINUNICODE'))));
def(0x8d, 'BINUNICODE8', (u) => u.push(utf8(u, u.reader.take(u.reader.u64(), 'BINUNICODE8'))));
def('V', 'UNICODE', (u) => u.push(rawUnicodeEscape(u, u.reader.line(u.limits.maxLineBytes, 'UNICODE'))));
// Python 2 `str` values: kept as text of code points 0-255.
def('T', 'BINSTRING', (u) => u.push(latin1(u.reader.take(u.reader.i32(), 'BINSTRING'))));
def('U', 'SHORT_BINSTRING', (u) => u.push(latin1(u.reader.take(u.reader.u8(), 'SHORT_BINSTRING'))));
def('S', 'STRING', (u) => u.push(pythonStringLiteral(u, u.reader.line(u.limits.maxLineBytes, 'STRING'))));
def('B', 'BINBYTES', (u) => u.push(u.reader.take(u.reader.u32(), 'BINBYTES')));
def('C', 'SHORT_BINBYTES', (u) => u.push(u.reader.take(u.reader.u8(), 'SHORT_BINBYTES')));
def(0x8e, 'BINBYTES8', (u) => u.push(u.reader.take(u.reader.u64(), 'BINBYTES8')));
def(0x96, 'BYTEARRAY8', (u) => u.push(u.reader.take(u.reader.u64(), 'BYTEARRAY8')));
def(0x97, 'NEXT_BUFFER', (u) => {
  throw u.error('out-of-band buffers (NEXT_BUFFER) are not supported');
});
def(0x98, 'READONLY_BUFFER', (u) => void u.top());

// --- containers
def(']', 'EMPTY_LIST', (u) => u.push([]));
def('}', 'EMPTY_DICT', (u) => u.push(new PyDict()));
def(')', 'EMPTY_TUPLE', (u) => u.push(new PyTuple([])));
def(0x8f, 'EMPTY_SET', (u) => u.push(new Set()));
def('l', 'LIST', (u) => u.push(u.popMark()));
def('t', 'TUPLE', (u) => u.push(new PyTuple(u.popMark())));
def(0x85, 'TUPLE1', (u) => u.push(new PyTuple(popN(u, 1))));
def(0x86, 'TUPLE2', (u) => u.push(new PyTuple(popN(u, 2))));
def(0x87, 'TUPLE3', (u) => u.push(new PyTuple(popN(u, 3))));
def('d', 'DICT', (u) => u.push(setItems(u, new PyDict(), u.popMark())));
def(0x91, 'FROZENSET', (u) => u.push(new Set(u.popMark())));
def('a', 'APPEND', (u) => {
  const v = u.pop();
  listOn(u, u.top()).push(v);
});
def('e', 'APPENDS', (u) => {
  const items = u.popMark();
  const list = listOn(u, u.top());
  for (const v of items) list.push(v);
});
def('s', 'SETITEM', (u) => {
  const [k, v] = popN(u, 2) as [PickleValue, PickleValue];
  setItems(u, u.top(), [k, v]);
});
def('u', 'SETITEMS', (u) => {
  const items = u.popMark();
  setItems(u, u.top(), items);
});
def(0x90, 'ADDITEMS', (u) => {
  const items = u.popMark();
  const set = u.top();
  if (!(set instanceof Set)) throw u.error(`ADDITEMS on a ${kindOf(set)}, not a set`);
  for (const v of items) set.add(v);
});

// --- memo
def('p', 'PUT', (u) => u.memoPut(memoIndex(u, u.reader.line(u.limits.maxLineBytes, 'PUT')), u.top()));
def('q', 'BINPUT', (u) => u.memoPut(u.reader.u8(), u.top()));
def('r', 'LONG_BINPUT', (u) => u.memoPut(u.reader.u32(), u.top()));
def(0x94, 'MEMOIZE', (u) => u.memoPut(u.memo.size, u.top()));
def('g', 'GET', (u) => u.push(u.memoGet(memoIndex(u, u.reader.line(u.limits.maxLineBytes, 'GET')))));
def('h', 'BINGET', (u) => u.push(u.memoGet(u.reader.u8())));
def('j', 'LONG_BINGET', (u) => u.push(u.memoGet(u.reader.u32())));

// --- globals, calls and objects: all through the allow-list (Unpickler.global / call)
def('c', 'GLOBAL', (u) => {
  const module = u.reader.line(u.limits.maxLineBytes, 'GLOBAL module');
  const name = u.reader.line(u.limits.maxLineBytes, 'GLOBAL name');
  u.push(u.global(module, name));
});
def(0x93, 'STACK_GLOBAL', (u) => {
  const name = u.pop();
  const module = u.pop();
  if (typeof module !== 'string' || typeof name !== 'string') throw u.error('STACK_GLOBAL needs two strings on the stack');
  u.push(u.global(module, name));
});
def('i', 'INST', (u) => {
  const module = u.reader.line(u.limits.maxLineBytes, 'INST module');
  const name = u.reader.line(u.limits.maxLineBytes, 'INST name');
  const cls = u.global(module, name);
  u.push(u.call(cls, u.popMark()));
});
def('o', 'OBJ', (u) => {
  const [cls, ...args] = u.popMark();
  u.push(u.call(cls ?? null, args));
});
def('R', 'REDUCE', (u) => {
  const args = u.pop();
  const callee = u.pop();
  if (!(args instanceof PyTuple)) throw u.error(`REDUCE arguments must be a tuple, not a ${kindOf(args)}`);
  u.push(u.call(callee, args.items));
});
def(0x81, 'NEWOBJ', (u) => {
  const args = u.pop();
  const cls = u.pop();
  if (!(args instanceof PyTuple)) throw u.error(`NEWOBJ arguments must be a tuple, not a ${kindOf(args)}`);
  u.push(u.call(cls, args.items));
});
def(0x92, 'NEWOBJ_EX', (u) => {
  const kwargs = u.pop();
  const args = u.pop();
  const cls = u.pop();
  if (!(args instanceof PyTuple)) throw u.error(`NEWOBJ_EX arguments must be a tuple, not a ${kindOf(args)}`);
  if (!(kwargs instanceof PyDict) || kwargs.size > 0) throw u.error('NEWOBJ_EX with keyword arguments is not supported');
  u.push(u.call(cls, args.items));
});
def('b', 'BUILD', (u) => {
  const state = u.pop();
  u.build(u.top(), state);
});
def('Q', 'BINPERSID', (u) => u.persistent(u.pop()));
def('P', 'PERSID', (u) => u.persistent(u.reader.line(u.limits.maxLineBytes, 'PERSID')));
for (const [code, name] of [[0x82, 'EXT1'], [0x83, 'EXT2'], [0x84, 'EXT4']] as const) {
  def(code, name, (u) => {
    throw u.error(`${name} (a copyreg extension code) is not supported`);
  });
}

// --- helpers

function popN(u: Unpickler, n: number): PickleValue[] {
  if (u.stack.length < n) throw u.error(`needs ${n} items on the stack, has ${u.stack.length}`);
  return u.stack.splice(u.stack.length - n, n);
}

function listOn(u: Unpickler, v: PickleValue): PickleValue[] {
  if (!Array.isArray(v)) throw u.error(`APPEND to a ${kindOf(v)}, not a list`);
  return v;
}

function setItems(u: Unpickler, target: PickleValue, items: readonly PickleValue[]): PyDict {
  if (!(target instanceof PyDict)) throw u.error(`SETITEM on a ${kindOf(target)}, not a dict`);
  if (items.length % 2 !== 0) throw u.error(`an odd number (${items.length}) of keys and values`);
  for (let i = 0; i < items.length; i += 2) target.set(items[i]!, items[i + 1]!);
  return target;
}

function utf8(u: Unpickler, bytes: Uint8Array): string {
  const s = decodeUtf8(bytes);
  if (s === undefined) throw u.error('a string that is not valid UTF-8');
  return s;
}

/** A little-endian two's-complement integer (LONG1/LONG4): a number when safe, else a bigint. */
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let hex = '';
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i]!.toString(16).padStart(2, '0');
  let v = BigInt(`0x${hex}`);
  if (bytes[bytes.length - 1]! & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return narrow(v);
}

function narrow(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function parseDecimal(u: Unpickler, s: string, what: string): number | bigint {
  if (!/^[+-]?\d+$/.test(s)) throw u.error(`${what} ${JSON.stringify(s.slice(0, 40))} is not an integer`);
  return narrow(BigInt(s));
}

function memoIndex(u: Unpickler, s: string): number {
  const v = parseDecimal(u, s, 'memo index');
  if (typeof v !== 'number' || v < 0) throw u.error(`memo index ${s} is out of range`);
  return v;
}

/** Protocol 0 UNICODE: raw-unicode-escape, i.e. latin-1 text with \uXXXX and \UXXXXXXXX escapes. */
function rawUnicodeEscape(u: Unpickler, s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, a: string | undefined, b: string | undefined) => {
    const cp = parseInt(a ?? b!, 16);
    if (cp > 0x10ffff) throw u.error(`UNICODE escape \\U${b} is past U+10FFFF`);
    return String.fromCodePoint(cp);
  });
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Protocol 0 STRING: a quoted Python 2 string literal (repr), with its escapes. */
function pythonStringLiteral(u: Unpickler, s: string): string {
  const q = s[0];
  if (s.length < 2 || (q !== "'" && q !== '"') || s[s.length - 1] !== q) throw u.error('STRING argument is not a quoted literal');
  return s.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8) & 0xff);
    return SIMPLE_ESCAPES[e] ?? `\\${e}`;
  });
}
