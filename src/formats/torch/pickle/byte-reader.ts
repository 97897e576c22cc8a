/**
 * A cursor over a pickle's bytes. Every length is checked against what is left before anything is
 * allocated, so a 4- or 8-byte length field cannot make us reserve memory the file does not back.
 */
export class ByteReader {
  pos = 0;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    /** Builds the error for a defect found at an offset (the caller adds the file and entry). */
    private readonly fail: (message: string) => Error,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.byteLength - this.pos;
  }

  private need(n: number, what: string): void {
    if (n > this.remaining) throw this.fail(`${what} needs ${n} bytes but only ${this.remaining} are left (truncated pickle?)`);
  }

  u8(): number {
    this.need(1, 'a 1-byte field');
    return this.bytes[this.pos++]!;
  }

  u16(): number {
    this.need(2, 'a 2-byte field');
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4, 'a 4-byte field');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4, 'a 4-byte field');
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** An 8-byte unsigned length; anything past 2^53 cannot be backed by the file anyway. */
  u64(): number {
    this.need(8, 'an 8-byte field');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }

  /** Pickle's BINFLOAT is a big-endian IEEE double. */
  f64be(): number {
    this.need(8, 'an 8-byte float');
    const v = this.view.getFloat64(this.pos, false);
    this.pos += 8;
    return v;
  }

  /** `n` bytes as a view (no copy); `what` names the field for the error. */
  take(n: number, what: string): Uint8Array {
    if (n < 0) throw this.fail(`${what} has a negative length ${n}`);
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A text-protocol argument: the bytes up to the next `\n` (not included), at most `max` long. */
  line(max: number, what: string): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw this.fail(`${what}: no end of line before the end of the pickle`);
    if (end - this.pos > max) throw this.fail(`${what}: a line of ${end - this.pos} bytes is longer than the ${max} allowed`);
    const s = latin1(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
}

/** Bytes as code points 0-255 (Python 2 `str` and text-protocol lines). */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 (BINUNICODE and friends); undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
