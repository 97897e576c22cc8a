/**
 * Tensor bytes stored outside the .onnx file (TensorProto.data_location = EXTERNAL), at the wire level:
 * parse and validate the `external_data` entries, read the bytes they point at, write new data files.
 * The only file of src/formats/onnx that touches node:fs, so everything else stays browser-safe.
 *
 * A model comes from anywhere, so its entries are hostile until checked: a location may not leave the
 * model's folder (absolute paths, `..`, backslashes, drive letters, symlinks pointing out), offset and
 * length must be plain decimal integers inside the file, and only regular files are opened (a FIFO or a
 * device would block or never end).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { constants as bufferConstants } from 'node:buffer';
import { FormatError, UsageError } from '../../ir/errors.js';
import type { StringStringEntryProto, TensorProto } from './generated/onnx-types.js';

export interface ExternalDataInfo {
  /** The tensor's name, for error messages. */
  tensorName: string;
  /** A relative POSIX path, normalised (`a/./b` -> `a/b`), known to stay inside the model's folder. */
  location: string;
  /** Byte offset in the file; 0 when the entry is absent. */
  offset: number;
  /** Byte count; undefined when absent (then the tensor's own size is read, as onnxruntime does). */
  length: number | undefined;
  /** SHA1 of the whole file, as written by the producer; undefined when absent. */
  checksum: string | undefined;
  /** Any other entries, in order (onnx's Python helpers write `basepath`, for one). */
  extra: [string, string][];
}

export const EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL
/** Stands in for a tensor name in the writer's own checks. */
const WRITER = '\0writer';
/** Data files are written with each tensor at a multiple of this, so they can be memory-mapped. */
export const DEFAULT_ALIGNMENT = 4096;

export function isExternalTensor(t: TensorProto): boolean {
  return t.data_location === EXTERNAL;
}

function fail(tensorName: string, problem: string, modelFile: string | undefined): FormatError {
  const subject = tensorName === WRITER ? 'external data writer' : `external data of tensor ${JSON.stringify(tensorName)}`;
  return new FormatError(`${subject}: ${problem}`, { file: modelFile });
}

/** A location that cannot escape the model's folder, normalised; throws a FormatError otherwise. */
export function checkLocation(location: string, tensorName: string, modelFile?: string): string {
  const bad = (why: string): FormatError => fail(tensorName, `location ${JSON.stringify(location)} ${why}`, modelFile);
  if (location === '') throw bad('is empty');
  if (location.includes('\0')) throw bad('contains a NUL character');
  // A backslash is a separator on Windows, so `..\\x` would escape there; ONNX locations are POSIX paths.
  if (location.includes('\\')) throw bad("contains a backslash (locations are POSIX paths, use '/')");
  if (location.startsWith('/')) throw bad('is absolute (it must be relative to the model file)');
  if (/^[A-Za-z]:/.test(location)) throw bad('looks like a Windows drive path');
  const norm = path.posix.normalize(location);
  if (norm === '..' || norm.startsWith('../')) throw bad("leaves the model's folder");
  if (norm === '.' || norm.endsWith('/')) throw bad('names a folder, not a file');
  return norm;
}

/** Non-negative decimal integer (no sign, spaces, exponent or hex) that a JS number holds exactly. */
function parseCount(key: string, value: string, tensorName: string, modelFile?: string): number {
  if (!/^[0-9]+$/.test(value)) throw fail(tensorName, `${key} ${JSON.stringify(value)} is not a non-negative decimal integer`, modelFile);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw fail(tensorName, `${key} ${value} is too large`, modelFile);
  return n;
}

/** Reads and checks a tensor's external_data entries (no file access). */
export function parseExternalData(t: TensorProto, modelFile?: string): ExternalDataInfo {
  const tensorName = t.name ?? '';
  if (!isExternalTensor(t)) throw fail(tensorName, 'the tensor is not marked data_location = EXTERNAL', modelFile);
  const seen = new Set<string>();
  const info: ExternalDataInfo = { tensorName, location: '', offset: 0, length: undefined, checksum: undefined, extra: [] };
  let location: string | undefined;
  for (const { key = '', value = '' } of t.external_data ?? []) {
    if (seen.has(key)) throw fail(tensorName, `key ${JSON.stringify(key)} appears twice`, modelFile);
    seen.add(key);
    if (key === 'location') location = value;
    else if (key === 'offset') info.offset = parseCount(key, value, tensorName, modelFile);
    else if (key === 'length') info.length = parseCount(key, value, tensorName, modelFile);
    else if (key === 'checksum') info.checksum = value;
    else info.extra.push([key, value]);
  }
  if (location === undefined) throw fail(tensorName, 'has no "location" entry', modelFile);
  info.location = checkLocation(location, tensorName, modelFile);
  return info;
}

/** The absolute path of the data file, after checking that its real path (symlinks followed) is inside baseDir. */
export function resolveExternalPath(baseDir: string, info: ExternalDataInfo, modelFile?: string): string {
  const full = path.resolve(baseDir, info.location);
  let real: string;
  try {
    real = fs.realpathSync(full);
  } catch {
    throw fail(info.tensorName, `data file ${JSON.stringify(info.location)} not found (looked for ${full})`, modelFile);
  }
  if (!isInside(baseDir, real, false)) {
    throw fail(info.tensorName, `location ${JSON.stringify(info.location)} resolves to ${real}, outside the model's folder`, modelFile);
  }
  return real;
}

/** Whether the real path `real` lies strictly inside (or, with `orEqual`, is) the real path of baseDir. */
function isInside(baseDir: string, real: string, orEqual: boolean): boolean {
  const rel = path.relative(fs.realpathSync(baseDir), real);
  if (rel === '') return orEqual;
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

export interface ReadExternalOptions {
  /** The model file, named in error messages. */
  modelFile?: string;
  /** Hash the whole data file and compare with the `checksum` entry when there is one. */
  verifyChecksum?: boolean;
}

/**
 * Reads the tensor's bytes into one fresh buffer (its own ArrayBuffer, byteOffset 0, so typed-array views
 * are aligned). `expectedByteLength` is what dims x data type need; a `length` entry must agree with it.
 */
export function readExternalBytes(
  baseDir: string,
  info: ExternalDataInfo,
  expectedByteLength?: number,
  options: ReadExternalOptions = {},
): Uint8Array {
  const { modelFile } = options;
  const file = resolveExternalPath(baseDir, info, modelFile);
  const where = `data file ${JSON.stringify(info.location)}`;
  if (!fs.statSync(file).isFile()) throw fail(info.tensorName, `${where} is not a regular file`, modelFile);
  const fd = fs.openSync(file, 'r');
  try {
    const stat = fs.fstatSync(fd);
    const size = stat.size;
    if (info.offset > size) throw fail(info.tensorName, `offset ${info.offset} is past the end of the ${size}-byte ${where}`, modelFile);
    const length = info.length ?? expectedByteLength ?? size - info.offset;
    if (expectedByteLength !== undefined && length !== expectedByteLength) {
      throw fail(info.tensorName, `length ${length} differs from the ${expectedByteLength} bytes its dims and data type need`, modelFile);
    }
    if (info.offset + length > size) {
      throw fail(info.tensorName, `bytes ${info.offset}..${info.offset + length} run past the end of the ${size}-byte ${where}`, modelFile);
    }
    if (length > bufferConstants.MAX_LENGTH) {
      throw fail(info.tensorName, `${length} bytes exceed the largest buffer this runtime can allocate`, modelFile);
    }
    // allocUnsafeSlow: not from Node's shared pool and not zero-filled (every byte is read over).
    const out = Buffer.allocUnsafeSlow(length);
    readFully(fd, out, info.offset, () => fail(info.tensorName, `${where} shrank while being read`, modelFile));
    if (options.verifyChecksum && info.checksum !== undefined) {
      const whole = info.offset === 0 && length === size ? out : undefined;
      const digest = whole ? createHash('sha1').update(whole).digest('hex') : sha1OfFile(fd, file, stat);
      if (digest !== info.checksum.toLowerCase()) {
        throw fail(info.tensorName, `SHA1 of ${where} is ${digest}, but the checksum entry says ${info.checksum}`, modelFile);
      }
    }
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } finally {
    fs.closeSync(fd);
  }
}

const READ_CHUNK = 1 << 30; // readSync takes at most 2 GiB - 1 per call

function readFully(fd: number, out: Uint8Array, position: number, shrank: () => Error): void {
  for (let done = 0; done < out.length; ) {
    const n = fs.readSync(fd, out, done, Math.min(out.length - done, READ_CHUNK), position + done);
    if (n === 0) throw shrank();
    done += n;
  }
}

/** Whole-file SHA1, streamed in 4 MiB chunks; memoised per (path, size, mtime) as many tensors share a file. */
const digests = new Map<string, string>();
function sha1OfFile(fd: number, file: string, stat: fs.Stats): string {
  const key = `${file}\0${stat.size}\0${stat.mtimeMs}`;
  const known = digests.get(key);
  if (known !== undefined) return known;
  const hash = createHash('sha1');
  const chunk = Buffer.allocUnsafe(4 << 20);
  for (let pos = 0; pos < stat.size; ) {
    const n = fs.readSync(fd, chunk, 0, chunk.length, pos);
    if (n === 0) break;
    hash.update(chunk.subarray(0, n));
    pos += n;
  }
  const digest = hash.digest('hex');
  digests.set(key, digest);
  return digest;
}

/** Turns `t` into an external tensor pointing at `entries` (from ExternalDataWriter#append). */
export function markExternal(t: TensorProto, entries: StringStringEntryProto[]): void {
  t.data_location = EXTERNAL;
  t.external_data = entries;
  delete t.raw_data;
}

export interface WriterOptions {
  /** Every tensor starts at a multiple of this (a power of two); default 4096. */
  alignment?: number;
  /** Keep the file's current content and add after it; default: start a new, empty file. */
  append?: boolean;
}

/**
 * Writes tensors one after another into one data file, each at an aligned offset, straight from the
 * caller's buffers (nothing is copied or collected, so memory stays at one tensor's bytes).
 */
export class ExternalDataWriter {
  private static readonly zeros = new Uint8Array(65536);
  private end: number;
  private fd: number | undefined;

  private constructor(fd: number, end: number, readonly location: string, readonly alignment: number) {
    this.fd = fd;
    this.end = end;
  }

  static open(baseDir: string, location: string, options: WriterOptions = {}): ExternalDataWriter {
    const alignment = options.alignment ?? DEFAULT_ALIGNMENT;
    if (!Number.isInteger(alignment) || alignment < 1 || alignment > 65536 || (alignment & (alignment - 1)) !== 0) {
      throw new UsageError(`alignment must be a power of two between 1 and 65536, got ${alignment}`);
    }
    const loc = checkLocation(location, WRITER);
    const file = path.resolve(baseDir, loc);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Refuse a location that goes through, or is, a symlink pointing out of the folder.
    if (!isInside(baseDir, fs.realpathSync(path.dirname(file)), true)) {
      throw fail(WRITER, `location ${JSON.stringify(location)} goes through a symlink out of the folder`, undefined);
    }
    const exists = fs.existsSync(file);
    if (exists) resolveExternalPath(baseDir, { ...emptyInfo(), location: loc });
    const fd = fs.openSync(file, options.append && exists ? 'r+' : 'w');
    return new ExternalDataWriter(fd, fs.fstatSync(fd).size, loc, alignment);
  }

  /** Current end of the file in bytes. */
  get size(): number {
    return this.end;
  }

  /** Writes one tensor's bytes (one buffer, or chunks as they are produced); returns its external_data entries. */
  append(data: Uint8Array | Iterable<Uint8Array>): StringStringEntryProto[] {
    const fd = this.fd;
    if (fd === undefined) throw new UsageError(`ExternalDataWriter for ${this.location} is closed`);
    const offset = Math.ceil(this.end / this.alignment) * this.alignment;
    writeAll(fd, ExternalDataWriter.zeros.subarray(0, offset - this.end), this.end);
    let pos = offset;
    for (const chunk of data instanceof Uint8Array ? [data] : data) {
      writeAll(fd, chunk, pos);
      pos += chunk.length;
    }
    this.end = pos;
    return [
      { key: 'location', value: this.location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(pos - offset) },
    ];
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length; ) {
    done += fs.writeSync(fd, bytes, done, Math.min(bytes.length - done, READ_CHUNK), position + done);
  }
}

function emptyInfo(): ExternalDataInfo {
  return { tensorName: WRITER, location: '', offset: 0, length: undefined, checksum: undefined, extra: [] };
}
