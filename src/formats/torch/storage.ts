/**
 * PyTorch storages and the tensors viewed through them. A storage is the raw bytes of one archive record
 * (`data/<key>`, `constants/<key>`, `data/weights/weight_<i>`); a tensor is (storage, storage_offset,
 * size, stride), all counted in elements (FORMATS.md §1.3, §2.2). Contiguous tensors become zero-copy
 * views of the archive's bytes; others are gathered into a new contiguous buffer by a strided copy.
 * Big-endian archives (`byteorder` = big) are byte-swapped once per storage into a new buffer.
 */
import { DataType } from '../../ir/dtype.js';
import { FormatError, type ErrorLocation } from '../../ir/errors.js';
import { BytesTensor, type Tensor } from '../../ir/tensor.js';

export type ByteOrder = 'little' | 'big';

export interface TorchDTypeInfo {
  /** torch's name: `float32`, `int64`, `float8_e4m3fn`, ... */
  readonly name: string;
  /** c10 ScalarType name, which storage classes are named after (`Float` -> `FloatStorage`). */
  readonly scalarType: string;
  readonly dtype: DataType;
  /** Bytes per element. */
  readonly itemSize: number;
  /** Width of the units a byte swap reverses: the item size, or half of it for complex numbers. */
  readonly swapUnit: number;
}

function dt(name: string, scalarType: string, dtype: DataType, itemSize: number, swapUnit = itemSize): TorchDTypeInfo {
  return { name, scalarType, dtype, itemSize, swapUnit };
}

/** Every dtype we can read. Storage class names for the newer ones were checked on torch 2.13 jit archives. */
const DTYPES: readonly TorchDTypeInfo[] = [
  dt('float64', 'Double', DataType.DOUBLE, 8),
  dt('float32', 'Float', DataType.FLOAT, 4),
  dt('float16', 'Half', DataType.FLOAT16, 2),
  dt('bfloat16', 'BFloat16', DataType.BFLOAT16, 2),
  dt('int64', 'Long', DataType.INT64, 8),
  dt('int32', 'Int', DataType.INT32, 4),
  dt('int16', 'Short', DataType.INT16, 2),
  dt('int8', 'Char', DataType.INT8, 1),
  dt('uint8', 'Byte', DataType.UINT8, 1),
  dt('bool', 'Bool', DataType.BOOL, 1),
  dt('complex128', 'ComplexDouble', DataType.COMPLEX128, 16, 8),
  dt('complex64', 'ComplexFloat', DataType.COMPLEX64, 8, 4),
  dt('uint16', 'UInt16', DataType.UINT16, 2),
  dt('uint32', 'UInt32', DataType.UINT32, 4),
  dt('uint64', 'UInt64', DataType.UINT64, 8),
  dt('float8_e4m3fn', 'Float8_e4m3fn', DataType.FLOAT8E4M3FN, 1),
  dt('float8_e5m2', 'Float8_e5m2', DataType.FLOAT8E5M2, 1),
  dt('float8_e4m3fnuz', 'Float8_e4m3fnuz', DataType.FLOAT8E4M3FNUZ, 1),
  dt('float8_e5m2fnuz', 'Float8_e5m2fnuz', DataType.FLOAT8E5M2FNUZ, 1),
  dt('float8_e8m0fnu', 'Float8_e8m0fnu', DataType.FLOAT8E8M0, 1),
];

const BY_STORAGE = new Map(DTYPES.map((d) => [`${d.scalarType}Storage`, d]));
const BY_NAME = new Map(DTYPES.map((d) => [d.name, d]));
const BY_DATATYPE = new Map(DTYPES.map((d) => [d.dtype, d]));

/** Storage classes and dtypes that exist in torch but have no ONNX twin: named so the error can say so. */
export const UNSUPPORTED_TORCH_TYPES: ReadonlySet<string> = new Set([
  'QInt8Storage', 'QUInt8Storage', 'QInt32Storage', 'QUInt4x2Storage', 'QUInt2x4Storage', 'ComplexHalfStorage',
  'qint8', 'quint8', 'qint32', 'quint4x2', 'quint2x4', 'complex32',
]);

/** `FloatStorage` -> float32. */
export function dtypeFromStorageClass(className: string): TorchDTypeInfo | undefined {
  return BY_STORAGE.get(className);
}

/** `float32` -> float32 (the canonical names torch pickles, as in GLOBAL 'torch float32'). */
export function dtypeFromTorchName(name: string): TorchDTypeInfo | undefined {
  return BY_NAME.get(name);
}

/** The torch dtype for an IR element type, for callers that learn the type elsewhere (a .pt2 tensor_meta). */
export function dtypeInfoFor(dtype: DataType): TorchDTypeInfo | undefined {
  return BY_DATATYPE.get(dtype);
}

/** One storage record. `raw` is the record as stored; reads go through `littleEndian()`. */
export class TorchStorage {
  private readonly swapped = new Map<number, Uint8Array>();

  constructor(
    /** The record it came from, for messages (e.g. `data/3`). */
    readonly key: string,
    readonly raw: Uint8Array,
    readonly byteOrder: ByteOrder = 'little',
    /** The element type of a typed storage; undefined for an untyped one. */
    readonly dtype?: TorchDTypeInfo,
    readonly location = 'cpu',
  ) {}

  /** The bytes in little-endian order for elements of `info`: the record itself, or a swapped copy (made once). */
  littleEndian(info: TorchDTypeInfo): Uint8Array {
    if (this.byteOrder === 'little' || info.swapUnit === 1) return this.raw;
    let out = this.swapped.get(info.swapUnit);
    if (out === undefined) {
      out = swapBytes(this.raw, info.swapUnit);
      this.swapped.set(info.swapUnit, out);
    }
    return out;
  }
}

export interface RebuildLimits {
  /** Largest tensor a strided copy may produce (bytes). */
  maxCopyBytes: number;
  /** A strided copy may be at most this many times its storage ... */
  maxCopyRatio: number;
  /** ... unless it is below this size (expanded constants are legal and small). */
  minCopyCap: number;
}

export const DEFAULT_REBUILD_LIMITS: RebuildLimits = { maxCopyBytes: 1 << 30, maxCopyRatio: 64, minCopyCap: 64 << 20 };

/**
 * The tensor `storage[offset]` viewed with `size` and `stride` (elements), as an IR tensor of `info`'s
 * type. Zero-copy when the view is contiguous; otherwise a copy. `where` names the place for errors.
 */
export function rebuildTensor(
  storage: TorchStorage,
  info: TorchDTypeInfo,
  storageOffset: number,
  size: readonly number[],
  stride: readonly number[],
  where: ErrorLocation,
  limits: RebuildLimits = DEFAULT_REBUILD_LIMITS,
): Tensor {
  const fail = (message: string): FormatError => new FormatError(`tensor on storage ${storage.key}: ${message}`, where);
  if (size.length !== stride.length) throw fail(`size has ${size.length} dims but stride has ${stride.length}`);
  for (const n of [storageOffset, ...size, ...stride]) {
    if (!Number.isSafeInteger(n) || n < 0) throw fail(`bad size, stride or offset ${n}`);
  }
  const bytes = storage.littleEndian(info);
  const es = info.itemSize;
  if (bytes.byteLength % es !== 0) throw fail(`${bytes.byteLength} bytes is not a whole number of ${info.name} elements`);
  const storageNumel = bytes.byteLength / es;
  let numel = 1;
  let last = storageOffset; // the highest element index the view touches
  for (let i = 0; i < size.length; i++) {
    numel *= size[i]!;
    last += (size[i]! - 1) * stride[i]!;
  }
  if (!Number.isSafeInteger(numel)) throw fail(`size [${size.join(', ')}] has too many elements`);
  if (numel === 0) return new BytesTensor(info.dtype, size, new Uint8Array(0));
  if (last >= storageNumel) {
    throw fail(`view (offset ${storageOffset}, size [${size.join(', ')}], stride [${stride.join(', ')}]) reaches element ${last}, past the storage's ${storageNumel}`);
  }
  if (isContiguous(size, stride)) {
    return new BytesTensor(info.dtype, size, bytes.subarray(storageOffset * es, (storageOffset + numel) * es));
  }
  const outBytes = numel * es;
  const cap = Math.min(limits.maxCopyBytes, Math.max(limits.minCopyCap, limits.maxCopyRatio * bytes.byteLength));
  if (outBytes > cap) throw fail(`a strided view of ${outBytes} bytes exceeds the ${cap}-byte copy limit`);
  return new BytesTensor(info.dtype, size, stridedCopy(bytes, es, storageOffset, size, stride, numel));
}

/** Row-major contiguity; dims of size 1 may have any stride, as in torch's own check. */
export function isContiguous(size: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = size.length - 1; i >= 0; i--) {
    if (size[i] !== 1 && stride[i] !== expected) return false;
    expected *= size[i]!;
  }
  return true;
}

/** Gathers a strided view (rank >= 1, numel > 0, bounds already checked) into a new row-major buffer. */
function stridedCopy(src: Uint8Array, es: number, offset: number, size: readonly number[], stride: readonly number[], numel: number): Uint8Array {
  const out = new Uint8Array(numel * es);
  const inner = size.length - 1;
  const innerSize = size[inner]!;
  const innerStride = stride[inner]!;
  const idx = new Array<number>(inner).fill(0);
  let base = offset;
  let o = 0;
  for (let row = numel / innerSize; row > 0; row--) {
    if (innerStride === 1) {
      out.set(src.subarray(base * es, (base + innerSize) * es), o);
      o += innerSize * es;
    } else {
      for (let j = 0, s = base * es; j < innerSize; j++, s += innerStride * es) {
        for (let b = 0; b < es; b++) out[o++] = src[s + b]!;
      }
    }
    // Odometer over the outer dims: step the last one, carrying into earlier ones.
    for (let d = inner - 1; d >= 0; d--) {
      base += stride[d]!;
      const i = idx[d]! + 1;
      idx[d] = i;
      if (i < size[d]!) break;
      base -= stride[d]! * size[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/** Reverses every `unit`-byte group (big-endian -> little-endian) into a new buffer. */
export function swapBytes(raw: Uint8Array, unit: number): Uint8Array {
  const out = new Uint8Array(raw.byteLength);
  const whole = raw.byteLength - (raw.byteLength % unit);
  for (let i = 0; i < whole; i += unit) {
    for (let b = 0; b < unit; b++) out[i + b] = raw[i + unit - 1 - b]!;
  }
  return out;
}
