import type Long from 'long';
import type { Int64 } from '../../ir/attribute.js';
import { DataType, dataTypeInfo } from '../../ir/dtype.js';
import { ExternalTensor, StringTensor, type ExternalLocation, type SparseTensor, type Tensor } from '../../ir/tensor.js';
import { applyExtra, externalSignature, putScalar, rawListFor } from '../../ir/wire-hints.js';
import type { SparseTensorProto, StringStringEntryProto, TensorProto } from '../../formats/onnx/generated/onnx-types.js';
import { LongClass } from '../../formats/onnx/schema.js';
import { pairsProto } from './export-type.js';

const EXTERNAL = 1;

/**
 * Where a tensor's values go: 'default' keeps external tensors pointing at their files and writes the
 * others inline; 'inline' forces them into the message; a list of external_data entries (from an
 * ExternalDataWriter) stores them in an external file.
 */
export type TensorPlacement = (tensor: Tensor) => 'default' | 'inline' | StringStringEntryProto[];

/** Tensor -> TensorProto, written the way it came (`encoding`), under `name` when given. */
export function tensorProto(t: Tensor, name: string | undefined, place?: TensorPlacement): TensorProto {
  const out: TensorProto = { dims: [...t.dims], data_type: t.dtype };
  if (name !== undefined) out.name = name;
  if (t.docString !== undefined) out.doc_string = t.docString;
  const choice = place?.(t) ?? 'default';
  if (Array.isArray(choice)) {
    out.external_data = choice;
    out.data_location = EXTERNAL;
  } else if (choice === 'default' && t instanceof ExternalTensor) {
    out.external_data = externalEntries(t.external);
    out.data_location = EXTERNAL;
  } else {
    writeValues(t, out);
    putScalar(out as Record<string, unknown>, 'data_location', 0, 0, t);
  }
  if (t.metadataProps !== undefined && t.metadataProps.length > 0) out.metadata_props = pairsProto(t.metadataProps);
  applyExtra(t, out as Record<string, unknown>);
  return out;
}

/** Values inline: raw_data, or the dtype's typed field (onnx.proto assigns one to each data type). */
function writeValues(t: Tensor, out: TensorProto): void {
  if (t instanceof StringTensor) {
    out.string_data = [...t.strings];
    return;
  }
  if (t.encoding === 'raw') {
    out.raw_data = t.bytes();
    return;
  }
  const bits = dataTypeInfo(t.dtype).bits;
  const numbers = (): number[] => Array.from(t.toArray() as ArrayLike<number>);
  switch (t.dtype) {
    case DataType.FLOAT:
    case DataType.COMPLEX64:
      out.float_data = numbers();
      break;
    case DataType.DOUBLE:
    case DataType.COMPLEX128:
      out.double_data = numbers();
      break;
    case DataType.INT64:
      out.int64_data = Array.from(t.toArray() as BigInt64Array, (v) => int64Wire(v));
      break;
    case DataType.UINT64:
      out.uint64_data = Array.from(t.toArray() as BigUint64Array, (v) => int64Wire(v, true));
      break;
    case DataType.UINT32:
      out.uint64_data = numbers();
      break;
    default:
      // int32 and narrower kinds as bit patterns; sub-byte kinds as their packed bytes, one per int32.
      out.int32_data = bits < 8 ? Array.from(t.bytes()) : numbers();
  }
}

/** The external_data entries of a location: the file's own entries while nothing changed. */
export function externalEntries(loc: ExternalLocation): StringStringEntryProto[] {
  const kept = rawListFor<StringStringEntryProto[]>(loc, externalSignature(loc));
  if (kept !== undefined) return kept;
  const entries: StringStringEntryProto[] = [{ key: 'location', value: loc.location }];
  if (loc.offset !== undefined) entries.push({ key: 'offset', value: String(loc.offset) });
  if (loc.length !== undefined) entries.push({ key: 'length', value: String(loc.length) });
  if (loc.checksum !== undefined) entries.push({ key: 'checksum', value: loc.checksum });
  for (const [key, value] of loc.extra ?? []) entries.push({ key, value });
  return entries;
}

export function sparseProto(s: SparseTensor, name: string | undefined, place?: TensorPlacement): SparseTensorProto {
  const out: SparseTensorProto = {
    values: tensorProto(s.values, name ?? s.values.name, place),
    indices: tensorProto(s.indices, s.indices.name, place),
    dims: [...s.dims],
  };
  applyExtra(s, out as Record<string, unknown>);
  return out;
}

/** An int64 for the wire: numbers as they are, bigints beyond 2^53 as Long (signed, or unsigned for uint64). */
export function int64Wire(v: Int64, unsigned = false): number | Long {
  if (typeof v === 'number') return v;
  if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  const min = unsigned ? 0n : -(1n << 63n);
  const max = unsigned ? (1n << 64n) - 1n : (1n << 63n) - 1n;
  if (v < min || v > max) throw new RangeError(`${v} does not fit in ${unsigned ? 'uint64' : 'int64'}`);
  return LongClass.fromString(v.toString(), unsigned);
}
