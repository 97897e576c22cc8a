import { DataType, dataTypeInfo, dataTypeName, rawByteLength, type TypedArray } from './dtype.js';
import { FormatError } from './errors.js';
import { elementCount } from './shape.js';

/** Ordered key/value pairs, as ONNX's repeated StringStringEntryProto (duplicates are kept). */
export type MetadataProps = [key: string, value: string][];

/**
 * How a tensor's values were (or should be) written in a TensorProto: `raw` in raw_data, `typed` in the
 * dtype's repeated field (float_data, int32_data, ...). Kept so a loaded model is written back as it came.
 */
export type TensorEncoding = 'raw' | 'typed';

/**
 * A constant tensor. Its values live in one of four places (see the subclasses): a typed array we made
 * (`ArrayTensor`), a view into the bytes of the file it came from (`BytesTensor`, zero-copy), a range of
 * an external data file (`ExternalTensor`) or any loader (`LazyTensor`). Everything reads through
 * `bytes()` (raw little-endian layout, sub-byte types packed) so passes and engines need not care which.
 * Note [little-endian host]: typed-array views over raw bytes assume a little-endian host, as every
 * platform Node and browsers ship on is.
 */
export abstract class Tensor {
  name?: string;
  docString?: string;
  metadataProps?: MetadataProps;
  encoding: TensorEncoding = 'raw';

  constructor(
    readonly dtype: DataType,
    readonly dims: readonly number[],
  ) {}

  get size(): number {
    return elementCount(this.dims);
  }

  get byteLength(): number {
    return rawByteLength(this.dtype, this.size);
  }

  /** The raw little-endian bytes; for external or lazy tensors this reads them (once). */
  abstract bytes(): Uint8Array;

  /** Whether `bytes()` would read from outside memory. */
  get isLoaded(): boolean {
    return true;
  }

  /**
   * Decoded values in the onnxruntime-js convention: float16/bfloat16/float8 as their bit patterns,
   * bool as 0/1 bytes, int64 as BigInt64Array. Sub-byte types unpack to one element per byte.
   * Zero-copy when the bytes are suitably aligned.
   */
  toArray(): TypedArray {
    return viewAs(this.dtype, this.bytes(), this.size);
  }
}

/** Values held in a typed array of ours. */
export class ArrayTensor extends Tensor {
  constructor(
    dtype: DataType,
    dims: readonly number[],
    readonly data: TypedArray,
  ) {
    super(dtype, dims);
  }

  bytes(): Uint8Array {
    if (dataTypeInfo(this.dtype).bits < 8) return packSubByte(this.dtype, this.data);
    return new Uint8Array(this.data.buffer, this.data.byteOffset, this.data.byteLength);
  }

  override toArray(): TypedArray {
    return this.data;
  }
}

/** A view of raw bytes, typically a subarray of the model file's buffer: nothing is copied. */
export class BytesTensor extends Tensor {
  constructor(
    dtype: DataType,
    dims: readonly number[],
    readonly raw: Uint8Array,
  ) {
    super(dtype, dims);
  }

  bytes(): Uint8Array {
    return this.raw;
  }
}

/** Values produced on first use by a loader, then cached (until `release`). */
export class LazyTensor extends Tensor {
  private cached?: Uint8Array;

  constructor(
    dtype: DataType,
    dims: readonly number[],
    private readonly loader: () => Uint8Array,
  ) {
    super(dtype, dims);
  }

  bytes(): Uint8Array {
    this.cached ??= this.loader();
    return this.cached;
  }

  override get isLoaded(): boolean {
    return this.cached !== undefined;
  }

  /** Drops the cached bytes, e.g. after they were written out. */
  release(): void {
    this.cached = undefined;
  }
}

/** Where a tensor's bytes sit outside the model file (ONNX external data). */
export interface ExternalLocation {
  /** Path relative to the model file's folder, POSIX separators. */
  location: string;
  offset?: number;
  length?: number;
  checksum?: string;
  /** Entries other than the four known keys, kept in file order for round trips. */
  extra?: [string, string][];
  /** The absolute folder `location` is relative to. */
  baseDir: string;
}

/** A tensor stored in an external data file; read on first use through the given loader. */
export class ExternalTensor extends LazyTensor {
  constructor(
    dtype: DataType,
    dims: readonly number[],
    readonly external: ExternalLocation,
    loader: () => Uint8Array,
  ) {
    super(dtype, dims, loader);
  }
}

/** A STRING tensor: each element is a byte string (usually UTF-8). */
export class StringTensor extends Tensor {
  constructor(
    dims: readonly number[],
    readonly strings: readonly Uint8Array[],
  ) {
    super(DataType.STRING, dims);
  }

  bytes(): Uint8Array {
    throw new FormatError(`tensor ${JSON.stringify(this.name ?? '')} holds strings, which have no raw form`);
  }

  override get byteLength(): number {
    return this.strings.reduce((n, s) => n + s.byteLength, 0);
  }

  override toArray(): TypedArray {
    throw new FormatError(`tensor ${JSON.stringify(this.name ?? '')} holds strings; use texts()`);
  }

  texts(): string[] {
    const dec = new TextDecoder();
    return this.strings.map((s) => dec.decode(s));
  }
}

/** ONNX SparseTensorProto: `values` at `indices` ([NNZ] linearised or [NNZ, rank]) of a `dims` tensor. */
export interface SparseTensor {
  values: Tensor;
  indices: Tensor;
  dims: readonly number[];
}

const VIEW_CTORS: Partial<Record<DataType, { new (b: ArrayBufferLike, o: number, n: number): TypedArray; BYTES_PER_ELEMENT: number }>> = {
  [DataType.FLOAT]: Float32Array,
  [DataType.DOUBLE]: Float64Array,
  [DataType.INT8]: Int8Array,
  [DataType.UINT8]: Uint8Array,
  [DataType.BOOL]: Uint8Array,
  [DataType.INT16]: Int16Array,
  [DataType.UINT16]: Uint16Array,
  [DataType.FLOAT16]: Uint16Array,
  [DataType.BFLOAT16]: Uint16Array,
  [DataType.INT32]: Int32Array,
  [DataType.UINT32]: Uint32Array,
  [DataType.INT64]: BigInt64Array,
  [DataType.UINT64]: BigUint64Array,
  [DataType.FLOAT8E4M3FN]: Uint8Array,
  [DataType.FLOAT8E4M3FNUZ]: Uint8Array,
  [DataType.FLOAT8E5M2]: Uint8Array,
  [DataType.FLOAT8E5M2FNUZ]: Uint8Array,
  [DataType.FLOAT8E8M0]: Uint8Array,
  // complex numbers as interleaved (re, im) pairs
  [DataType.COMPLEX64]: Float32Array,
  [DataType.COMPLEX128]: Float64Array,
};

/** Typed-array view of raw bytes: zero-copy when aligned, a copy otherwise. */
export function viewAs(dtype: DataType, raw: Uint8Array, count: number): TypedArray {
  const bits = dataTypeInfo(dtype).bits;
  if (bits > 0 && bits < 8) return unpackSubByte(dtype, raw, count);
  const Ctor = VIEW_CTORS[dtype];
  if (Ctor === undefined) throw new FormatError(`no array form for ${dataTypeName(dtype)}`);
  const n = raw.byteLength / Ctor.BYTES_PER_ELEMENT;
  if (raw.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(raw.buffer, raw.byteOffset, n);
  // Not raw.slice(): on a Node Buffer that is a view into a shared pool, not a copy.
  const copy = new Uint8Array(raw);
  return new Ctor(copy.buffer, 0, n);
}

/** 4-bit kinds pack two per byte (first element in the low nibble); 2-bit kinds four per byte from the LSB. */
function unpackSubByte(dtype: DataType, raw: Uint8Array, count: number): TypedArray {
  const bits = dataTypeInfo(dtype).bits;
  if (8 % bits !== 0) throw new FormatError(`no array form for ${dataTypeName(dtype)} yet`);
  const signed = dtype === DataType.INT4 || dtype === DataType.INT2;
  const out = signed ? new Int8Array(count) : new Uint8Array(count);
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  for (let i = 0; i < count; i++) {
    const byte = raw[Math.floor(i / perByte)] ?? 0;
    let v = (byte >> ((i % perByte) * bits)) & mask;
    if (signed && v >> (bits - 1)) v -= 1 << bits;
    out[i] = v;
  }
  return out;
}

function packSubByte(dtype: DataType, data: TypedArray): Uint8Array {
  const bits = dataTypeInfo(dtype).bits;
  if (8 % bits !== 0) throw new FormatError(`no packed form for ${dataTypeName(dtype)} yet`);
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(Math.ceil(data.length / perByte));
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]) & mask;
    const j = Math.floor(i / perByte);
    out[j] = (out[j] ?? 0) | (v << ((i % perByte) * bits));
  }
  return out;
}
