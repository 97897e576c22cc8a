/**
 * Reader for the LevelDB-format sorted table ("SSTable") that TensorFlow writes as a tensor bundle's
 * `.index` file (FORMATS.md §3.4): [data blocks][metaindex block][index block][48-byte footer]. Every
 * block's checksum is verified. TF writes uncompressed blocks; Snappy-compressed ones are refused.
 *
 * Block layout: entries `varint32 shared, varint32 non_shared, varint32 value_length, key suffix, value`
 * (each key shares `shared` leading bytes with the previous key), then uint32 restart offsets and their
 * uint32 count. A reader that scans the whole block needs the restarts only to know where entries end.
 */
import { FormatError } from '../../ir/errors.js';
import { crc32c, hex32, unmaskCrc32c } from './crc32c.js';

export interface TableEntry {
  /** A copy (keys are rebuilt from prefix-compressed pieces). */
  key: Uint8Array;
  /** A zero-copy view into the table's bytes. */
  value: Uint8Array;
}

const FOOTER_SIZE = 48;
const TRAILER_SIZE = 5; // compression type byte + masked CRC32C
// 0xdb4775248b80fb57 as two little-endian uint32 halves.
const MAGIC_LO = 0x8b80fb57;
const MAGIC_HI = 0xdb477524;

interface BlockHandle {
  offset: number;
  size: number;
}

class Cursor {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  /** A varint of up to 64 bits as a number; values past 2^53 (never valid offsets here) are reported. */
  varint(what: string, fail: (m: string) => never): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) fail(`${what} runs past the end of its block`);
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(value)) fail(`${what} is too large (${value})`);
        return value;
      }
      scale *= 128;
    }
    return fail(`${what} is a varint longer than 10 bytes`);
  }
}

function u32(buf: Uint8Array, at: number): number {
  return (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
}

/** All entries of the table in key order. `file` names the table in errors. */
export function readTable(bytes: Uint8Array, file: string): TableEntry[] {
  const fail = (message: string): never => {
    throw new FormatError(message, { file });
  };
  if (bytes.length < FOOTER_SIZE) {
    fail(`is ${bytes.length} bytes, too short for a table (its footer alone is ${FOOTER_SIZE}); the file is truncated or not a TensorFlow bundle index`);
  }
  const footerAt = bytes.length - FOOTER_SIZE;
  if (u32(bytes, bytes.length - 8) !== MAGIC_LO || u32(bytes, bytes.length - 4) !== MAGIC_HI) {
    fail('has no table magic number at its end; the file is truncated or not a TensorFlow bundle index');
  }
  const footer = new Cursor(bytes, footerAt, bytes.length - 8);
  const footerFail = (m: string): never => fail(`footer: ${m}`);
  const handle = (what: string): BlockHandle => ({
    offset: footer.varint(`${what} offset`, footerFail),
    size: footer.varint(`${what} size`, footerFail),
  });
  handle('metaindex handle'); // no filter policy in TF bundles: nothing to read there
  const indexHandle = handle('index handle');

  const index = readBlock(bytes, indexHandle, footerAt, 'index block', fail);
  const entries: TableEntry[] = [];
  let blockNo = 0;
  for (const { value } of blockEntries(index, 'index block', fail)) {
    const c = new Cursor(value, 0, value.length);
    const what = `index entry ${blockNo}`;
    const h = { offset: c.varint(`${what} offset`, fail), size: c.varint(`${what} size`, fail) };
    const name = `data block ${blockNo} (offset ${h.offset}, ${h.size} bytes)`;
    for (const e of blockEntries(readBlock(bytes, h, footerAt, name, fail), name, fail)) {
      const prev = entries[entries.length - 1];
      if (prev !== undefined && compareBytes(prev.key, e.key) >= 0) fail(`${name}: keys are not in increasing order`);
      entries.push(e);
    }
    blockNo++;
  }
  return entries;
}

/** The contents of one block after checking its trailer: type 0 (uncompressed) and the masked CRC32C. */
function readBlock(bytes: Uint8Array, h: BlockHandle, limit: number, name: string, fail: (m: string) => never): Uint8Array {
  if (h.offset + h.size + TRAILER_SIZE > limit) {
    fail(`${name} runs past the end of the data (${limit} bytes before the footer); the file is truncated or corrupt`);
  }
  const contents = bytes.subarray(h.offset, h.offset + h.size);
  const type = bytes[h.offset + h.size]!;
  const stored = unmaskCrc32c(u32(bytes, h.offset + h.size + 1));
  // The checksum covers the contents and the type byte.
  const actual = crc32c(bytes.subarray(h.offset + h.size, h.offset + h.size + 1), crc32c(contents));
  if (stored !== actual) {
    fail(`${name}: checksum mismatch (stored ${hex32(stored)}, computed ${hex32(actual)}); the file is corrupt`);
  }
  if (type === 1) fail(`${name} is Snappy-compressed; TensorFlow writes bundle indexes uncompressed and only those are supported`);
  if (type !== 0) fail(`${name} has unknown compression type ${type}`);
  return contents;
}

/** The entries of one block, keys rebuilt from their shared prefixes. */
function* blockEntries(block: Uint8Array, name: string, fail: (m: string) => never): Generator<TableEntry> {
  if (block.length < 4) fail(`${name} is ${block.length} bytes, too short for its restart count`);
  const restarts = u32(block, block.length - 4);
  const entriesEnd = block.length - 4 - 4 * restarts;
  if (restarts === 0 || entriesEnd < 0) fail(`${name} has an invalid restart count ${restarts}`);
  const c = new Cursor(block, 0, entriesEnd);
  const bad = (m: string): never => fail(`${name}: ${m}`);
  let prev = new Uint8Array(0);
  while (c.pos < entriesEnd) {
    const at = c.pos;
    const shared = c.varint('shared key length', bad);
    const unshared = c.varint('key length', bad);
    const valueLength = c.varint('value length', bad);
    if (shared > prev.length) bad(`entry at byte ${at} shares ${shared} bytes with a ${prev.length}-byte key`);
    if (c.pos + unshared + valueLength > entriesEnd) bad(`entry at byte ${at} runs past the end of its block`);
    const key = new Uint8Array(shared + unshared);
    key.set(prev.subarray(0, shared));
    key.set(block.subarray(c.pos, c.pos + unshared), shared);
    c.pos += unshared;
    const value = block.subarray(c.pos, c.pos + valueLength);
    c.pos += valueLength;
    prev = key;
    yield { key, value };
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
