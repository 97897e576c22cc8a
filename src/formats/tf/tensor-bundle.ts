/**
 * TensorFlow tensor bundles (checkpoints, a SavedModel's `variables/`): the `.index` table maps each
 * checkpoint key to a BundleEntryProto that says which data shard holds the tensor's bytes, where, and
 * their masked CRC32C (FORMATS.md §3.4). This file reads the index and turns entries into IR tensors,
 * verifying every checksum; how shard bytes are fetched is up to a ShardSource (tensor-bundle-files.ts
 * reads them from disk), so this file needs no node:fs.
 */
import { DataType, dataTypeInfo, rawByteLength } from '../../ir/dtype.js';
import { FormatError, type ErrorLocation } from '../../ir/errors.js';
import { ArrayTensor, BytesTensor, StringTensor, type Tensor } from '../../ir/tensor.js';
import { decodeTfMessage } from './codec.js';
import { crc32c, hex32, unmaskCrc32c } from './crc32c.js';
import { tfDataTypeName } from './dtype.js';
import type { BundleEntryProto, BundleHeaderProto, TrackableObjectGraph } from './generated/tf-types.js';
import { safeInt } from './schema.js';
import { readTable } from './sstable.js';
import { constantDataType, staticDims } from './tensor-proto.js';

/** Where the data shards' bytes come from. */
export interface ShardSource {
  /** File name of each shard, for messages (index = shard id). */
  readonly names: readonly string[];
  /** Bytes [offset, offset + length) of shard `id`: a view of the shard where possible; a FormatError if short. */
  read(id: number, offset: number, length: number): Uint8Array;
}

/** The key under which TF stores the checkpoint's TrackableObjectGraph (a DT_STRING scalar). */
export const OBJECT_GRAPH_KEY = '_CHECKPOINTABLE_OBJECT_GRAPH';
/** The TrackableObject attribute that holds a variable's value. */
export const VARIABLE_VALUE = 'VARIABLE_VALUE';
/** Newest bundle format this reader knows (TF's kTensorBundleVersion). */
const BUNDLE_VERSION = 1;

export class TensorBundle {
  private constructor(
    /** The `.index` file, for messages. */
    readonly indexFile: string,
    readonly header: BundleHeaderProto,
    /** Entries by checkpoint key, in key order; the header's empty key is not among them. */
    readonly entries: ReadonlyMap<string, BundleEntryProto>,
    private readonly shards: ShardSource,
  ) {}

  /**
   * Reads an index. `openShards` receives the shard count from the header and returns the shard source;
   * it is where a missing data file is reported.
   */
  static fromIndex(indexBytes: Uint8Array, indexFile: string, openShards: (numShards: number) => ShardSource): TensorBundle {
    const table = readTable(indexBytes, indexFile);
    const first = table[0];
    if (first === undefined || first.key.length !== 0) throw new FormatError('has no bundle header (the entry with the empty key)', { file: indexFile });
    const header = decodeIn('BundleHeaderProto', first.value, indexFile, 'the bundle header');
    const numShards = header.num_shards ?? 0;
    if (numShards < 1) throw new FormatError(`bundle header says ${numShards} data shards`, { file: indexFile });
    if (header.endianness === 1) throw new FormatError('is a big-endian bundle; only little-endian bundles are supported', { file: indexFile });
    if ((header.version?.min_consumer ?? 0) > BUNDLE_VERSION) {
      throw new FormatError(`needs a bundle reader of version ${header.version?.min_consumer} (this one is ${BUNDLE_VERSION}); it was written by a newer TensorFlow`, { file: indexFile });
    }
    const decoder = new TextDecoder();
    const entries = new Map<string, BundleEntryProto>();
    for (const { key, value } of table.slice(1)) {
      const name = decoder.decode(key);
      entries.set(name, decodeIn('BundleEntryProto', value, indexFile, `entry ${JSON.stringify(name)}`));
    }
    return new TensorBundle(indexFile, header, entries, openShards(numShards));
  }

  get keys(): string[] {
    return [...this.entries.keys()];
  }

  /** The tensor stored under `key`, its bytes checked against the entry's CRC32C. */
  tensor(key: string): Tensor {
    const entry = this.entries.get(key);
    const where: ErrorLocation = { file: this.indexFile, path: `entry ${JSON.stringify(key)}` };
    if (entry === undefined) throw new FormatError(`the bundle has no tensor ${JSON.stringify(key)}`, { file: this.indexFile });
    if ((entry.slices ?? []).length > 0) {
      throw new FormatError(`is a partitioned variable (${entry.slices!.length} slices), which is not supported`, where);
    }
    const dtype = constantDataType(entry.dtype, where);
    const dims = staticDims(entry.shape, where);
    const shard = entry.shard_id ?? 0;
    const offset = safeInt(entry.offset);
    const size = safeInt(entry.size);
    if (shard < 0 || shard >= this.shards.names.length) {
      throw new FormatError(`is in data shard ${shard}, but the bundle has ${this.shards.names.length}`, where);
    }
    if (offset === undefined || size === undefined || offset < 0 || size < 0) {
      throw new FormatError(`has an invalid byte range (offset ${String(entry.offset)}, size ${String(entry.size)})`, where);
    }
    const file = this.shards.names[shard]!;
    const bytes = this.shards.read(shard, offset, size);
    const at: ErrorLocation = { file, path: `tensor ${JSON.stringify(key)} (bytes ${offset}..${offset + size})` };
    const stored = unmaskCrc32c(entry.crc32c ?? 0);
    const count = dims.reduce((a, b) => a * b, 1);
    let tensor: Tensor;
    if (dtype === DataType.STRING) {
      tensor = new StringTensor(dims, readStrings(bytes, count, stored, at));
    } else {
      checkCrc(crc32c(bytes), stored, at);
      tensor = fixedWidthTensor(dtype, dims, count, bytes, entry.dtype ?? 0, at);
    }
    tensor.name = key;
    return tensor;
  }

  /** The checkpoint's object graph, or undefined for a bundle without one (TF1 checkpoints). */
  objectGraph(): TrackableObjectGraph | undefined {
    if (!this.entries.has(OBJECT_GRAPH_KEY)) return undefined;
    const t = this.tensor(OBJECT_GRAPH_KEY);
    const bytes = t instanceof StringTensor && t.strings.length === 1 ? t.strings[0]! : undefined;
    if (bytes === undefined) throw new FormatError(`${OBJECT_GRAPH_KEY} is not a string scalar`, { file: this.indexFile });
    return decodeIn('TrackableObjectGraph', bytes, this.indexFile, OBJECT_GRAPH_KEY);
  }
}

/** Object-graph node id -> checkpoint key of its VARIABLE_VALUE attribute, for every node that has one. */
export function variableValueKeys(graph: TrackableObjectGraph): Map<number, string> {
  const out = new Map<number, string>();
  (graph.nodes ?? []).forEach((node, id) => {
    const attr = (node.attributes ?? []).find((a) => a.name === VARIABLE_VALUE);
    if (attr?.checkpoint_key !== undefined) out.set(id, attr.checkpoint_key);
  });
  return out;
}

function decodeIn<K extends 'BundleHeaderProto' | 'BundleEntryProto' | 'TrackableObjectGraph'>(kind: K, bytes: Uint8Array, file: string, what: string) {
  try {
    return decodeTfMessage(kind, bytes, file);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    throw new FormatError(`${what}: ${e.detail}`, { file, path: e.path }, { cause: e });
  }
}

function checkCrc(actual: number, stored: number, at: ErrorLocation): void {
  if (actual !== stored) {
    throw new FormatError(`checksum mismatch (stored ${hex32(stored)}, computed ${hex32(actual)}); the data file is corrupt`, at);
  }
}

function fixedWidthTensor(dtype: DataType, dims: number[], count: number, bytes: Uint8Array, tfType: number, at: ErrorLocation): Tensor {
  const bits = dataTypeInfo(dtype).bits;
  // TF keeps 4- and 2-bit types one element per byte in memory, and bundles store memory as is.
  const expected = bits < 8 ? count : rawByteLength(dtype, count);
  if (bytes.length !== expected) {
    throw new FormatError(`has ${bytes.length} bytes, but ${tfDataTypeName(tfType)} [${dims.join(',')}] needs ${expected}`, at);
  }
  if (bits >= 8) return new BytesTensor(dtype, dims, bytes);
  const signed = dtype === DataType.INT4 || dtype === DataType.INT2;
  return new ArrayTensor(dtype, dims, signed ? new Int8Array(bytes) : new Uint8Array(bytes));
}

/**
 * DT_STRING data: varint64 lengths, the masked CRC32C of those lengths (taken over each length as a
 * little-endian uint32, or uint64 when it does not fit), then the bytes. The entry's CRC continues over the
 * length checksum's 4 bytes and the string bytes.
 */
function readStrings(bytes: Uint8Array, count: number, stored: number, at: ErrorLocation): Uint8Array[] {
  const fail = (m: string): never => {
    throw new FormatError(`string tensor data: ${m}`, at);
  };
  let pos = 0;
  let crc = 0;
  const lengths: number[] = [];
  const word = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < count; i++) {
    let len = 0;
    let scale = 1;
    for (let k = 0; ; k++) {
      if (k >= 10 || pos >= bytes.length) fail(`length ${i} is cut off or malformed`);
      const b = bytes[pos++]!;
      len += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) break;
    }
    if (!Number.isSafeInteger(len)) fail(`length ${i} is too large`);
    const wide = len > 0xffffffff;
    if (wide) word.setBigUint64(0, BigInt(len), true);
    else word.setUint32(0, len, true);
    crc = crc32c(new Uint8Array(word.buffer, 0, wide ? 8 : 4), crc);
    lengths.push(len);
  }
  if (pos + 4 > bytes.length) fail('the checksum of the lengths is cut off');
  const lengthCrc = bytes.subarray(pos, pos + 4);
  const storedLengths = (lengthCrc[0]! | (lengthCrc[1]! << 8) | (lengthCrc[2]! << 16) | (lengthCrc[3]! << 24)) >>> 0;
  if (unmaskCrc32c(storedLengths) !== crc) {
    fail(`checksum of the lengths mismatch (stored ${hex32(unmaskCrc32c(storedLengths))}, computed ${hex32(crc)}); the data file is corrupt`);
  }
  crc = crc32c(lengthCrc, crc);
  pos += 4;
  const out: Uint8Array[] = [];
  for (const len of lengths) {
    if (pos + len > bytes.length) fail('the string bytes run past the end of the entry');
    const s = bytes.subarray(pos, pos + len);
    crc = crc32c(s, crc);
    out.push(s);
    pos += len;
  }
  if (pos !== bytes.length) fail(`${bytes.length - pos} bytes are left over after ${count} strings`);
  checkCrc(crc, stored, at);
  return out;
}
