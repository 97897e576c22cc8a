/**
 * Zip containers as PyTorch writes them (FORMATS.md §1.1, §2.2): TorchScript archives, `.pt2` packages and
 * `torch.save` files. yauzl reads the end records (ZIP64 included) and the central directory, and
 * validates entry names; we add what it leaves to its callers: duplicate and NUL-bearing names, the
 * compression methods we accept, traditional encryption, CRC-32 of inflated entries and a zip-bomb cap.
 * Stored entries (all storages and pickles) come back as views of the file's bytes: nothing is copied.
 * Note [central directory is the truth]: PyTorch's writer leaves CRC and sizes at 0 in the local headers
 * (bit 3, data descriptors follow the data), so sizes come from the central directory and only the
 * local header's name and extra lengths are read, to find where the data starts (the "FB" padding
 * extra field that aligns data to 64 bytes lives only in the local header).
 */
import { createRequire } from 'node:module';
import { crc32, inflateRawSync } from 'node:zlib';
import { BridgeError, FormatError } from '../../ir/errors.js';

export interface ZipEntry {
  /** The full name in the archive, top folder included. */
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: 0 | 8;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly crc32: number;
  /** Offset of the entry's data in the file. */
  readonly dataOffset: number;
}

export interface ZipLimits {
  /** Largest inflated size of one deflated entry (bytes). */
  maxEntryBytes: number;
  /** Inflated size of all deflated entries together, as a multiple of the file size ... */
  maxRatio: number;
  /** ... but never capped below this many bytes, so small archives of highly compressible code still open. */
  minTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntryBytes: 1 << 30, maxRatio: 64, minTotalBytes: 64 << 20 };

/** A zip archive read from memory; names are relative to the archive's top folder (`root`). */
export class ZipArchive {
  private readonly byRel = new Map<string, ZipEntry>();

  constructor(
    readonly file: string,
    readonly bytes: Uint8Array,
    /** The top folder with its trailing `/`, or '' for an archive with flat names. */
    readonly root: string,
    entries: readonly ZipEntry[],
  ) {
    for (const e of entries) this.byRel.set(e.name.slice(root.length), e);
  }

  /** Relative paths of every file entry, in central-directory order. */
  list(): string[] {
    return [...this.byRel.keys()];
  }

  has(relPath: string): boolean {
    return this.byRel.has(relPath);
  }

  entry(relPath: string): ZipEntry | undefined {
    return this.byRel.get(relPath);
  }

  /** The entry's bytes: a view of the file for stored entries, a fresh buffer for deflated ones. */
  read(relPath: string): Uint8Array {
    const e = this.byRel.get(relPath);
    if (e === undefined) throw this.error(`no entry ${JSON.stringify(relPath)} in the archive`);
    const data = this.bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
    if (e.method === 0) return data;
    let out: Uint8Array;
    try {
      // maxOutputLength makes zlib stop at the declared size: a lying entry cannot inflate past it.
      out = inflateRawSync(data, { maxOutputLength: Math.max(1, e.uncompressedSize) });
    } catch (err) {
      throw this.error(`corrupt deflated data (${(err as Error).message})`, e.name);
    }
    if (out.byteLength !== e.uncompressedSize) {
      throw this.error(`inflates to ${out.byteLength} bytes, the directory says ${e.uncompressedSize}`, e.name);
    }
    const crc = crc32(out) >>> 0;
    if (crc !== e.crc32) throw this.error(`CRC-32 mismatch (${hex(crc)}, expected ${hex(e.crc32)})`, e.name);
    return out;
  }

  /** The entry decoded as UTF-8 text. */
  readText(relPath: string): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.read(relPath));
    } catch (err) {
      if (err instanceof BridgeError) throw err;
      throw this.error('is not valid UTF-8 text', this.root + relPath);
    }
  }

  private error(message: string, entryName?: string): FormatError {
    return new FormatError(message, { file: this.file, path: entryName });
  }
}

/** Opens a zip archive held in memory. Every defect is a FormatError naming the file and the entry. */
export async function openZipArchive(
  bytes: Uint8Array,
  file: string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<ZipArchive> {
  if (startsWith(bytes, 'PYTORCH1')) {
    throw new FormatError('a legacy PyTorch archive (magic PYTORCH1, before torch 1.0), which is not supported; re-save it with a current torch', { file });
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let zip: YauzlZipFile;
  try {
    zip = await yauzl.fromBufferPromise(buf, { lazyEntries: true, strictFileNames: true, validateEntrySizes: false });
  } catch (err) {
    throw new FormatError(`not a zip archive, or a truncated one: ${describe(err)}`, { file });
  }
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let inflatedTotal = 0;
  const maxTotal = Math.max(limits.minTotalBytes, limits.maxRatio * bytes.byteLength);
  try {
    for await (const raw of zip.eachEntry()) {
      const name = raw.fileName;
      const fail = (message: string): FormatError => new FormatError(message, { file, path: name });
      if (name.includes('\0')) throw fail('entry name contains a NUL byte');
      if (name === '') throw fail('entry with an empty name');
      if (seen.has(name)) throw fail('duplicate entry name');
      seen.add(name);
      if (name.endsWith('/')) continue; // a folder record: nothing to read
      if ((raw.generalPurposeBitFlag & 1) !== 0) throw fail('encrypted entry');
      const method = raw.compressionMethod;
      if (method !== 0 && method !== 8) throw fail(`unsupported compression method ${method} (only stored and deflated are)`);
      if (method === 0 && raw.compressedSize !== raw.uncompressedSize) {
        throw fail(`stored entry with different sizes (${raw.compressedSize} stored, ${raw.uncompressedSize} declared)`);
      }
      if (method === 8) {
        if (raw.uncompressedSize > limits.maxEntryBytes) {
          throw fail(`declares ${raw.uncompressedSize} inflated bytes, more than the ${limits.maxEntryBytes} allowed per entry`);
        }
        inflatedTotal += raw.uncompressedSize;
        if (inflatedTotal > maxTotal) {
          throw fail(`compressed entries would inflate to over ${maxTotal} bytes (${limits.maxRatio}x the file): refusing a likely zip bomb`);
        }
      }
      let dataOffset: number;
      try {
        ({ fileDataStart: dataOffset } = await zip.readLocalFileHeaderPromise(raw, { minimal: true }));
      } catch (err) {
        throw fail(`bad local header or data past the end of the file: ${describe(err)}`);
      }
      entries.push({ name, method, compressedSize: raw.compressedSize, uncompressedSize: raw.uncompressedSize, crc32: raw.crc32 >>> 0, dataOffset });
    }
  } catch (err) {
    if (err instanceof BridgeError) throw err;
    throw new FormatError(`bad zip archive: ${describe(err)}`, { file });
  } finally {
    zip.close();
  }
  if (entries.length === 0) throw new FormatError('the zip archive has no entries', { file });
  return new ZipArchive(file, bytes, topFolder(entries), entries);
}

/**
 * The top folder, from the first entry's name up to its first `/` (as PyTorch's reader takes it), when
 * every entry sits under it; '' otherwise (older .pt2 files from Python's zipfile have flat names).
 */
function topFolder(entries: readonly ZipEntry[]): string {
  const first = entries[0]!.name;
  const slash = first.indexOf('/');
  if (slash <= 0) return '';
  const root = first.slice(0, slash + 1);
  return entries.every((e) => e.name.startsWith(root)) ? root : '';
}

function startsWith(bytes: Uint8Array, ascii: string): boolean {
  if (bytes.byteLength < ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (bytes[i] !== ascii.charCodeAt(i)) return false;
  return true;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// yauzl ships no types; these are the few members we use (README of yauzl 3.4.0).
interface YauzlEntry {
  fileName: string;
  generalPurposeBitFlag: number;
  compressionMethod: number;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
}
interface YauzlZipFile {
  eachEntry(): AsyncIterableIterator<YauzlEntry>;
  readLocalFileHeaderPromise(entry: YauzlEntry, options: { minimal: true }): Promise<{ fileDataStart: number }>;
  close(): void;
}
interface Yauzl {
  fromBufferPromise(
    buffer: Buffer,
    options: { lazyEntries: boolean; strictFileNames: boolean; validateEntrySizes: boolean },
  ): Promise<YauzlZipFile>;
}
const yauzl = createRequire(import.meta.url)('yauzl') as Yauzl;
