/**
 * Note [streaming encode]: protobufjs's Writer (8.x) encodes into one growing buffer: every bytes field
 * is copied in, the buffer doubles as it fills (copying all it holds each time), each length-delimited
 * message that outgrows its one reserved length byte shifts its whole content forward (`ldelim`), and
 * `finish()` copies the result once more. For a .onnx file of 500 MiB of raw_data that is several full
 * copies and a transient buffer of up to twice the model, only to hand the bytes to `write(2)`.
 *
 * ChunkWriter is that Writer with large byte strings left out of the buffer. `bytes(v)` for a
 * Uint8Array of at least `largeBytes` writes the length prefix as usual but records `v` as a hole at
 * the buffer position where its bytes belong, instead of copying it; `raw` (unknown fields, Note
 * [unknown fields]) does the same without a prefix. The buffer then holds only the small parts, and
 * `chunks()` interleaves them with the holes' own arrays (zero-copy views) in wire order, ready for
 * `writev`. Everything else is protobufjs's own code, so the bytes are the same as `finish()`'s.
 *
 * Two methods must know about holes, because they look at buffer positions:
 * - `fork()` reserves one length byte and pushes its position on `states`; we also remember how many
 *   holes (and hole bytes) existed then.
 * - `ldelim()` pops it; the message's length is its buffer bytes plus the hole bytes added since the
 *   fork. When that length needs more than the one reserved byte, the content is shifted forward in the
 *   buffer, so the holes recorded since the fork move with it.
 * Strings and packed fields also back-fill their length (`_delim`), but only over bytes they just wrote,
 * after every hole, so they need nothing. The legacy `ldelim()` without a fork is never emitted by
 * protobufjs's generated encoders and is refused here.
 *
 * The output is tested byte for byte against `encodeModelProto` (chunk-writer.test.ts), with a
 * threshold of 1 byte too, so that every bytes field at every depth is a hole; a protobufjs upgrade
 * that changes these internals fails there.
 */
import protobuf from 'protobufjs/light.js';

/** Byte strings from this size on are referenced, not copied (below it a copy costs less than a writev entry). */
export const LARGE_BYTES = 64 * 1024;

interface Hole {
  /** Position in `buf` before which `data` belongs. */
  at: number;
  data: Uint8Array;
}

export class ChunkWriter extends protobuf.BufferWriter {
  private readonly holes: Hole[] = [];
  private holeBytes = 0;
  /** Per open fork (parallel to `states`): holes.length and holeBytes when it was opened. */
  private readonly forkHoles: number[] = [];
  private readonly forkHoleBytes: number[] = [];

  constructor(private readonly largeBytes: number = LARGE_BYTES) {
    super();
  }

  /** Bytes written so far, holes included. */
  get byteLength(): number {
    return this.pos + this.holeBytes;
  }

  override bytes(value: Uint8Array | string): protobuf.Writer {
    if (!(value instanceof Uint8Array) || value.length < this.largeBytes || value.length === 0) return super.bytes(value);
    this.uint32(value.length);
    this.addHole(value);
    return this;
  }

  override raw(value: Uint8Array): protobuf.Writer {
    if (!(value instanceof Uint8Array) || value.length < this.largeBytes || value.length === 0) return super.raw(value);
    this.addHole(value);
    return this;
  }

  override fork(): protobuf.Writer {
    super.fork();
    this.forkHoles.push(this.holes.length);
    this.forkHoleBytes.push(this.holeBytes);
    return this;
  }

  override ldelim(): protobuf.Writer {
    const lenPos = this.states?.pop();
    const firstHole = this.forkHoles.pop();
    const holeBytesBefore = this.forkHoleBytes.pop();
    if (lenPos === undefined || firstHole === undefined || holeBytesBefore === undefined) {
      throw new Error('ChunkWriter: ldelim() without fork()');
    }
    const len = this.pos - lenPos - 1 + (this.holeBytes - holeBytesBefore);
    const extra = varintSize(len) - 1;
    if (extra > 0) {
      this.ensure(extra);
      this.buf.copyWithin(lenPos + 1 + extra, lenPos + 1, this.pos);
      this.pos += extra;
      for (let i = firstHole; i < this.holes.length; i++) this.holes[i]!.at += extra;
    }
    writeVarint(len, this.buf, lenPos);
    return this;
  }

  override reset(): protobuf.Writer {
    throw new Error('ChunkWriter: reset() is not supported');
  }

  /**
   * The encoded message as consecutive parts: views into this writer's buffer and the large byte
   * strings themselves (not copies: they change if the message's arrays are written to before use).
   */
  chunks(): Uint8Array[] {
    if (this.forkHoles.length > 0) throw new Error('ChunkWriter: chunks() with an unclosed fork()');
    const out: Uint8Array[] = [];
    let from = 0;
    for (const h of this.holes) {
      if (h.at > from) out.push(this.buf.subarray(from, h.at));
      out.push(h.data);
      from = h.at;
    }
    if (this.pos > from) out.push(this.buf.subarray(from, this.pos));
    return out;
  }

  private addHole(data: Uint8Array): void {
    this.holes.push({ at: this.pos, data });
    this.holeBytes += data.length;
  }

  /** Room for `n` more bytes in `buf`, grown like protobufjs's Writer#_reserve (which is private). */
  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    const grown = protobuf.BufferWriter.alloc(Math.max(this.buf.length * 2, need));
    grown.set(this.buf.subarray(0, this.pos), 0);
    this.buf = grown;
    this.view = null; // protobufjs caches a DataView over buf for packed fields
  }
}

/** Varint size and writer for lengths; plain arithmetic, so a length past 2^32 (refused later) stays exact. */
function varintSize(n: number): number {
  let size = 1;
  for (; n >= 128; n = Math.floor(n / 128)) size++;
  return size;
}

function writeVarint(n: number, buf: Uint8Array, pos: number): void {
  for (; n >= 128; n = Math.floor(n / 128)) buf[pos++] = (n % 128) | 128;
  buf[pos] = n;
}
