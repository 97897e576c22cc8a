/**
 * TensorFlow TensorProto (a Const node's `value`, a signature default) -> IR tensor, and the shape helpers
 * the tensor readers share. The rules are TF's own (Tensor::FromProto): values come from tensor_content
 * (raw little-endian, must be exactly the tensor's size) or else from the one typed field that matches the
 * dtype; a typed field with fewer values than the shape is padded with its last value ("splat"), an empty
 * one means all zeros, and values past the element count are ignored.
 */
import type Long from 'long';
import { DataType, dataTypeInfo, rawByteLength, type TypedArray } from '../../ir/dtype.js';
import { FormatError, type ErrorLocation } from '../../ir/errors.js';
import { ArrayTensor, BytesTensor, StringTensor, type Tensor } from '../../ir/tensor.js';
import { irDataTypeOf, tfDataTypeName } from './dtype.js';
import { DataType as TfDataType, type TensorProto, type TensorShapeProto } from './generated/tf-types.js';

/** The dims of a fully known shape; a FormatError for unknown rank, unknown dims, or dims past 2^53. */
export function staticDims(shape: TensorShapeProto | undefined, where: ErrorLocation, what = 'tensor'): number[] {
  if (shape?.unknown_rank === true) throw new FormatError(`${what} has an unknown rank`, where);
  return (shape?.dim ?? []).map((d, i) => {
    const size = d.size === undefined ? 0 : typeof d.size === 'number' ? d.size : d.size.toNumber();
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new FormatError(`${what} has ${size === -1 ? 'an unknown' : `an invalid size ${size} for`} dim ${i}`, where);
    }
    return size;
  });
}

/** The dims of a possibly partial shape: -1 (unknown) becomes null; undefined for an unknown rank. */
export function shapeDims(shape: TensorShapeProto | undefined): (number | null)[] | undefined {
  if (shape?.unknown_rank === true) return undefined;
  return (shape?.dim ?? []).map((d) => {
    const size = d.size === undefined ? 0 : typeof d.size === 'number' ? d.size : d.size.toNumber();
    return size < 0 ? null : size;
  });
}

/** The IR type of a TF dtype that a constant may have; a FormatError naming the type otherwise. */
export function constantDataType(dt: number | undefined, where: ErrorLocation): DataType {
  const ir = irDataTypeOf(dt ?? 0);
  if (ir === undefined) throw new FormatError(`tensors of type ${tfDataTypeName(dt ?? 0)} are not supported`, where);
  return ir;
}

/** Splatting more strings than this is refused: each is an array slot, and no real model has that many. */
const MAX_SPLAT_STRINGS = 1 << 26;

/** The IR tensor a TensorProto holds. Raw content stays a zero-copy view of the decoded buffer. */
export function tensorFromProto(t: TensorProto, where: ErrorLocation = {}): Tensor {
  const dtype = constantDataType(t.dtype, where);
  const dims = staticDims(t.tensor_shape, where);
  const count = dims.reduce((a, b) => a * b, 1);
  if (dtype === DataType.STRING) {
    const vals = t.string_val ?? [];
    if (count > MAX_SPLAT_STRINGS && count > vals.length) {
      throw new FormatError(`a string constant of ${count} elements is too large to expand`, where);
    }
    return new StringTensor(dims, splat(vals, count, new Uint8Array(0)));
  }
  const content = t.tensor_content;
  if (content !== undefined && content.length > 0) {
    if (dataTypeInfo(dtype).bits < 8) {
      throw new FormatError(`raw tensor_content of type ${tfDataTypeName(t.dtype ?? 0)} is not supported`, where);
    }
    const expected = rawByteLength(dtype, count);
    if (content.length !== expected) {
      throw new FormatError(
        `tensor_content has ${content.length} bytes, but ${tfDataTypeName(t.dtype ?? 0)} [${dims.join(',')}] needs ${expected}`,
        where,
      );
    }
    return new BytesTensor(dtype, dims, content);
  }
  let values: TypedArray;
  try {
    values = typedValues(t, dtype, count, where);
  } catch (e) {
    // A splat of a huge shape (a corrupt or hostile file) must not escape as a RangeError.
    if (!(e instanceof RangeError)) throw e;
    throw new FormatError(`a constant of ${count} elements is too large to hold in memory`, where, { cause: e });
  }
  const out = new ArrayTensor(dtype, dims, values);
  out.encoding = 'typed';
  return out;
}

/** The first `count` values of `vals`, padded with the last one (or `zero` when there is none). */
function splat<T>(vals: readonly T[], count: number, zero: T): T[] {
  const out = vals.slice(0, count);
  const fill = vals.length > 0 ? vals[vals.length - 1]! : zero;
  while (out.length < count) out.push(fill);
  return out;
}

/** `values` padded as splat() does, written into a new typed array (with `per` numbers per element). */
function fill<A extends TypedArray>(make: (n: number) => A, values: ArrayLike<number | bigint>, count: number, per = 1): A {
  const out = make(count * per);
  const have = Math.min(Math.floor(values.length / per), count);
  for (let i = 0; i < have * per; i++) (out as unknown as (number | bigint)[])[i] = values[i]!;
  if (have > 0 && have < count) {
    const last = (have - 1) * per;
    if (per === 1) (out as { fill(v: unknown, start: number): unknown }).fill(out[last], have);
    else for (let i = have; i < count; i++) out.copyWithin(i * per, last, last + per);
  }
  return out;
}

const toBig = (v: Long | number, unsigned: boolean): bigint =>
  typeof v === 'number' ? BigInt(v) : BigInt(unsigned ? v.toUnsigned().toString() : v.toSigned().toString());

function typedValues(t: TensorProto, dtype: DataType, count: number, where: ErrorLocation): TypedArray {
  switch (dtype) {
    case DataType.FLOAT:
      return fill((n) => new Float32Array(n), t.float_val ?? [], count);
    case DataType.DOUBLE:
      return fill((n) => new Float64Array(n), t.double_val ?? [], count);
    case DataType.INT32:
      return fill((n) => new Int32Array(n), t.int_val ?? [], count);
    case DataType.INT16:
      return fill((n) => new Int16Array(n), t.int_val ?? [], count);
    case DataType.INT8:
    case DataType.INT4:
    case DataType.INT2:
      return fill((n) => new Int8Array(n), t.int_val ?? [], count);
    case DataType.UINT8:
    case DataType.UINT4:
    case DataType.UINT2:
      return fill((n) => new Uint8Array(n), t.int_val ?? [], count);
    case DataType.UINT16:
      return fill((n) => new Uint16Array(n), t.int_val ?? [], count);
    case DataType.BOOL:
      return fill((n) => new Uint8Array(n), (t.bool_val ?? []).map((b) => (b ? 1 : 0)), count);
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return fill((n) => new Uint16Array(n), t.half_val ?? [], count);
    case DataType.UINT32:
      return fill((n) => new Uint32Array(n), t.uint32_val ?? [], count);
    case DataType.INT64:
      return fill((n) => new BigInt64Array(n), (t.int64_val ?? []).map((v) => toBig(v, false)), count);
    case DataType.UINT64:
      return fill((n) => new BigUint64Array(n), (t.uint64_val ?? []).map((v) => toBig(v, true)), count);
    case DataType.COMPLEX64:
      return fill((n) => new Float32Array(n), t.scomplex_val ?? [], count, 2);
    case DataType.COMPLEX128:
      return fill((n) => new Float64Array(n), t.dcomplex_val ?? [], count, 2);
    case DataType.FLOAT8E4M3FN:
    case DataType.FLOAT8E4M3FNUZ:
    case DataType.FLOAT8E5M2:
    case DataType.FLOAT8E5M2FNUZ:
      return fill((n) => new Uint8Array(n), t.float8_val ?? new Uint8Array(0), count);
    default:
      throw new FormatError(`typed values of type ${tfDataTypeName(t.dtype ?? TfDataType.DT_INVALID)} are not supported`, where);
  }
}
