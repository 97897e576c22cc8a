/**
 * ONNX bytes <-> protobufjs messages (shapes in generated/onnx-types.ts). Wire level only: nothing here
 * knows the IR, and nothing checks ONNX semantics beyond "these bytes are a message of this schema".
 *
 * Note [zero-copy bytes]: protobufjs returns `bytes` fields (raw_data, string_data, AttributeProto.s) as
 * views into the input: Reader#raw is `subarray` for a Uint8Array and Buffer#slice (also a view) for a
 * Buffer. A decoded model therefore pins the whole input buffer, and writing into the input changes the
 * decoded tensors. Callers that want to drop the file bytes must copy what they keep.
 *
 * Note [unknown fields]: we decode with discardUnknown = false, so fields this schema does not know (a
 * newer ONNX) land in a non-enumerable `$unknowns` list of raw bytes, and encode writes them back after
 * the known fields. A decode-encode round trip therefore keeps them (at the end of their message).
 */
import protobuf from 'protobufjs/light.js';
import { FormatError } from '../../ir/errors.js';
import { diagnoseWire } from '../protobuf/wire-diagnose.js';
import { ChunkWriter, LARGE_BYTES } from './chunk-writer.js';
import type { ModelProto, OnnxMessages, TensorProto } from './generated/onnx-types.js';
import { messageType, type OnnxMessageName } from './schema.js';

/** protobuf's hard limit on one serialized message (a signed 32-bit size); ONNX's C++ refuses more. */
export const MAX_MESSAGE_BYTES = 2 ** 31 - 1;

/** Decodes `bytes` as the named message; any malformation becomes one FormatError naming the field path. */
export function decodeMessage<K extends OnnxMessageName>(kind: K, bytes: Uint8Array, file?: string): OnnxMessages[K] {
  if (!(bytes instanceof Uint8Array)) {
    throw new FormatError(`expected the bytes of an ONNX ${kind}, got ${describeValue(bytes)}`, { file });
  }
  const type = messageType(kind);
  try {
    const reader = protobuf.Reader.create(bytes);
    reader.discardUnknown = false; // Note [unknown fields]
    return type.decode(reader) as unknown as OnnxMessages[K];
  } catch (e) {
    throw decodeError(kind, type, bytes, file, e);
  }
}

/** Encodes the named message; the result may be a view into a larger pooled buffer (mind byteOffset). */
export function encodeMessage<K extends OnnxMessageName>(kind: K, message: OnnxMessages[K], file?: string): Uint8Array {
  const out = encodeChecked(kind, message, file, protobuf.Writer.create(), (w) => w.finish());
  checkSize(kind, out.length, file);
  return out;
}

/**
 * The verify-then-encode of a message into `writer`, then `finish`. protobufjs's encoder trusts its
 * input (a string or a float where an int64 belongs is written as some other number, without a word),
 * so check the shapes first: one pass, small next to the encode itself (under 1 ms for a 500 MiB model
 * of raw_data, which it checks by `.length` only).
 */
function encodeChecked<W extends protobuf.Writer, R>(
  kind: OnnxMessageName,
  message: unknown,
  file: string | undefined,
  writer: W,
  finish: (w: W) => R,
): R {
  const type = messageType(kind);
  try {
    const wrong = type.verify(message as Record<string, unknown>);
    if (wrong !== null) throw new FormatError(`cannot encode ${kind}: ${shortenPath(wrong)}`, { file });
    type.encode(message as Record<string, unknown>, writer);
    return finish(writer);
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`cannot encode ${kind}: ${errorText(e)}`, { file }, { cause: e });
  }
}

function checkSize(kind: OnnxMessageName, bytes: number, file: string | undefined): void {
  if (bytes > MAX_MESSAGE_BYTES) {
    throw new FormatError(
      `encoded ${kind} is ${bytes} bytes, over protobuf's 2 GiB limit; store large tensors as external data`,
      { file },
    );
  }
}

/**
 * Decodes a .onnx file. Besides wire errors, refuses input in which no ModelProto field is present
 * (an empty file, or bytes that only parse as unknown fields), which is never an ONNX model.
 */
export function decodeModelProto(bytes: Uint8Array, file?: string): ModelProto {
  const m = decodeMessage('ModelProto', bytes, file);
  const set = Object.values(m).some((v) => !(Array.isArray(v) && v.length === 0));
  if (!set) {
    const what = bytes.length === 0 ? 'the input is empty' : `none of its ${bytes.length} bytes form a ModelProto field`;
    throw new FormatError(`not an ONNX model: ${what}`, { file });
  }
  return m;
}

export function encodeModelProto(m: ModelProto, file?: string): Uint8Array {
  return encodeMessage('ModelProto', m, file);
}

/**
 * The bytes of `encodeModelProto(m)` as consecutive chunks, for `writev`: every byte string of at least
 * `largeBytes` (raw_data, mostly) is its own chunk, the very array in `m` and not a copy, and the small
 * parts between them are views into one buffer that holds only them. See Note [streaming encode]. Same checks
 * and errors as encodeModelProto (the 2 GiB limit applies to the total).
 */
export function encodeModelProtoChunks(m: ModelProto, file?: string, largeBytes: number = LARGE_BYTES): Uint8Array[] {
  return encodeChecked('ModelProto', m, file, new ChunkWriter(largeBytes), (w) => {
    checkSize('ModelProto', w.byteLength, file);
    return w.chunks();
  });
}

/** Decodes a serialized TensorProto, e.g. a backend test's input_0.pb. */
export function decodeTensorProto(bytes: Uint8Array, file?: string): TensorProto {
  return decodeMessage('TensorProto', bytes, file);
}

export function encodeTensorProto(t: TensorProto, file?: string): Uint8Array {
  return encodeMessage('TensorProto', t, file);
}

function decodeError(kind: string, type: protobuf.Type, bytes: Uint8Array, file: string | undefined, e: unknown): FormatError {
  const found = diagnoseWire(type, bytes);
  const where = `${bytes.length}-byte input`;
  if (found !== undefined) {
    return new FormatError(
      `not a valid ONNX ${kind}: ${found.problem} (at byte ${found.offset} of the ${where})`,
      { file, path: found.path === '' ? undefined : shortenPath(found.path) },
      { cause: e },
    );
  }
  // The walker found nothing, so this is a protobufjs rule we do not mirror; pass its words on.
  return new FormatError(`not a valid ONNX ${kind}: ${errorText(e)} (${where})`, { file }, { cause: e });
}

/** A path 100 messages deep is ~2 KB; keep its start and end, which say where (and, for verify, what). */
function shortenPath(p: string): string {
  return p.length <= 240 ? p : `${p.slice(0, 100)}...${p.slice(-120)}`;
}

function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text === 'max depth exceeded' ? 'messages nested more than 100 levels deep' : text;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return (v as object).constructor?.name ?? 'an object';
}
