/**
 * TensorFlow protobuf bytes <-> protobufjs messages (shapes in generated/tf-types.ts). Wire level only:
 * nothing here knows the IR or what the graph means.
 *
 * Note [zero-copy bytes]: protobufjs returns `bytes` fields (tensor_content, string_val, AttrValue.s) as
 * views into the input, so a decoded SavedModel pins the file's buffer, and writing into the buffer changes
 * the decoded tensors. Callers that want to drop the file bytes must copy what they keep.
 *
 * Note [unknown fields]: we decode with discardUnknown = false, so fields this schema does not know (a newer
 * TF) land in a non-enumerable `$unknowns` list, and encode writes them back.
 */
import protobuf from 'protobufjs/light.js';
import { FormatError } from '../../ir/errors.js';
import { diagnoseWire } from '../protobuf/wire-diagnose.js';
import type { GraphDef, SavedModel, TfMessages } from './generated/tf-types.js';
import { messageType, type TfMessageName } from './schema.js';

/** Decodes `bytes` as the named message; any malformation becomes one FormatError naming the field path. */
export function decodeTfMessage<K extends TfMessageName>(kind: K, bytes: Uint8Array, file?: string): TfMessages[K] {
  if (!(bytes instanceof Uint8Array)) {
    throw new FormatError(`expected the bytes of a TensorFlow ${kind}, got ${bytes === null ? 'null' : typeof bytes}`, { file });
  }
  const type = messageType(kind);
  try {
    const reader = protobuf.Reader.create(bytes);
    reader.discardUnknown = false; // Note [unknown fields]
    return type.decode(reader) as unknown as TfMessages[K];
  } catch (e) {
    throw decodeError(kind, type, bytes, file, e);
  }
}

/** Encodes the named message after checking its shape (protobufjs's encoder trusts its input). */
export function encodeTfMessage<K extends TfMessageName>(kind: K, message: TfMessages[K], file?: string): Uint8Array {
  const type = messageType(kind);
  const wrong = type.verify(message as Record<string, unknown>);
  if (wrong !== null) throw new FormatError(`cannot encode ${kind}: ${shortenPath(wrong)}`, { file });
  try {
    return type.encode(message as Record<string, unknown>).finish();
  } catch (e) {
    throw new FormatError(`cannot encode ${kind}: ${errorText(e)}`, { file }, { cause: e });
  }
}

/**
 * Decodes saved_model.pb. Besides wire errors, refuses a file without a meta graph: an empty file, a file
 * cut right after its first field, or some other message (a GraphDef parses as a SavedModel with nothing in it).
 */
export function decodeSavedModel(bytes: Uint8Array, file?: string): SavedModel {
  const m = decodeTfMessage('SavedModel', bytes, file);
  if ((m.meta_graphs ?? []).length === 0) {
    const what = bytes.length === 0 ? 'the file is empty' : `none of its ${bytes.length} bytes form a MetaGraphDef`;
    throw new FormatError(`not a TensorFlow SavedModel: ${what}`, { file });
  }
  return m;
}

/**
 * Decodes a frozen graph (.pb). Refuses one with no nodes: an empty file, or a SavedModel or other message
 * passed as a GraphDef (their fields do not line up with GraphDef's, so they decode as nothing useful).
 */
export function decodeGraphDef(bytes: Uint8Array, file?: string): GraphDef {
  const g = decodeTfMessage('GraphDef', bytes, file);
  if ((g.node ?? []).length === 0) {
    const what = bytes.length === 0 ? 'the file is empty' : `none of its ${bytes.length} bytes form a NodeDef`;
    throw new FormatError(`not a TensorFlow GraphDef: ${what}`, { file });
  }
  return g;
}

function decodeError(kind: string, type: protobuf.Type, bytes: Uint8Array, file: string | undefined, e: unknown): FormatError {
  const found = diagnoseWire(type, bytes);
  const where = `${bytes.length}-byte input`;
  if (found !== undefined) {
    return new FormatError(
      `not a valid TensorFlow ${kind}: ${found.problem} (at byte ${found.offset} of the ${where})`,
      { file, path: found.path === '' ? undefined : shortenPath(found.path) },
      { cause: e },
    );
  }
  // The walker found nothing, so this is a protobufjs rule we do not mirror; pass its words on.
  return new FormatError(`not a valid TensorFlow ${kind}: ${errorText(e)} (${where})`, { file }, { cause: e });
}

/** A path 100 messages deep is ~2 KB; keep its start and end. */
function shortenPath(p: string): string {
  return p.length <= 240 ? p : `${p.slice(0, 100)}...${p.slice(-120)}`;
}

function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text === 'max depth exceeded' ? 'messages nested more than 100 levels deep' : text;
}
