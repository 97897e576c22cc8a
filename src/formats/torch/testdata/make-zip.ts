/**
 * Test-only: writes zip archives byte by byte, including broken and hostile ones no normal writer makes
 * (`../` names, lying sizes, bad CRCs, odd methods). Layout per APPNOTE 4.3; ZIP64 end records optional.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface RawEntry {
  name: string;
  data: Uint8Array | string;
  /** 0 stored (default) or 8 deflated; any other number is written as given with the data stored. */
  method?: number;
  flags?: number;
  /** Overrides of what the central directory says. */
  crc?: number;
  compressedSize?: number;
  uncompressedSize?: number;
}

export interface ZipOptions {
  /** Write a ZIP64 end record and locator, as PyTorch always does. */
  zip64?: boolean;
}

export function makeZip(entries: readonly RawEntry[], options: ZipOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const enc = new TextEncoder();
  for (const e of entries) {
    const raw = typeof e.data === 'string' ? enc.encode(e.data) : e.data;
    const method = e.method ?? 0;
    const body = method === 8 ? new Uint8Array(deflateRawSync(raw)) : raw;
    const name = enc.encode(e.name);
    const crc = e.crc ?? crc32(raw) >>> 0;
    const csize = e.compressedSize ?? body.length;
    const usize = e.uncompressedSize ?? raw.length;
    const flags = e.flags ?? 0x0800;
    const local = new Bytes(30 + name.length);
    local.u32(0x04034b50).u16(20).u16(flags).u16(method).u16(0).u16(0).u32(crc).u32(csize).u32(usize).u16(name.length).u16(0).bytes(name);
    parts.push(local.out, body);
    const cd = new Bytes(46 + name.length);
    cd.u32(0x02014b50).u16(20).u16(20).u16(flags).u16(method).u16(0).u16(0).u32(crc).u32(csize).u32(usize);
    cd.u16(name.length).u16(0).u16(0).u16(0).u16(0).u32(0).u32(offset).bytes(name);
    central.push(cd.out);
    offset += local.out.length + body.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const cdOffset = offset;
  parts.push(...central);
  const n = entries.length;
  if (options.zip64) {
    const rec = new Bytes(56);
    rec.u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0).u64(n).u64(n).u64(cdSize).u64(cdOffset);
    const loc = new Bytes(20);
    loc.u32(0x07064b50).u32(0).u64(cdOffset + cdSize).u32(1);
    parts.push(rec.out, loc.out);
  }
  const end = new Bytes(22);
  end.u32(0x06054b50).u16(0).u16(0).u16(options.zip64 ? 0xffff : n).u16(options.zip64 ? 0xffff : n);
  end.u32(options.zip64 ? 0xffffffff : cdSize).u32(options.zip64 ? 0xffffffff : cdOffset).u16(0);
  parts.push(end.out);
  return concat(parts);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

class Bytes {
  readonly out: Uint8Array;
  private readonly view: DataView;
  private pos = 0;
  constructor(size: number) {
    this.out = new Uint8Array(size);
    this.view = new DataView(this.out.buffer);
  }
  u16(v: number): this {
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }
  u32(v: number): this {
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
    return this;
  }
  u64(v: number): this {
    this.view.setBigUint64(this.pos, BigInt(v), true);
    this.pos += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.out.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
}
