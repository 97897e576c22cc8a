import type Long from 'long';
import { DataType, dataTypeInfo, dataTypeName, isKnownDataType, rawByteLength, type TypedArray } from '../../ir/dtype.js';
import { elementCount } from '../../ir/shape.js';
import { ArrayTensor, BytesTensor, ExternalTensor, StringTensor, type SparseTensor, type Tensor } from '../../ir/tensor.js';
import type { SparseTensorProto, TensorProto } from '../../formats/onnx/generated/onnx-types.js';
import { externalSignature, keepRawList, noteExtra, notePresentDefaults, noteUnknowns } from '../../ir/wire-hints.js';
import { has, toCount, type ImportContext } from './context.js';
import { importMetadata } from './import-lists.js';
import { typedFieldOf, type TypedField } from './wire-fields.js';

const EXTERNAL = 1;
const TYPED_FIELDS: readonly TypedField[] = ['float_data', 'int32_data', 'string_data', 'int64_data', 'double_data', 'uint64_data'];

/**
 * TensorProto -> Tensor. raw_data becomes a BytesTensor over the decoded view (zero-copy: it pins the
 * file's buffer, Note [zero-copy bytes] in codec.ts); typed fields become an ArrayTensor with
 * `encoding = 'typed'` so they are written back the same way; external data goes through the caller's
 * opener. `label` names the tensor in errors when it has no name (an attribute's tensor, say).
 */
export function importTensor(t: TensorProto, ctx: ImportContext, label?: string): Tensor {
  const name = JSON.stringify(t.name ?? label ?? '');
  const fail = (problem: string): Error => ctx.formatError(`tensor ${name}: ${problem}`);
  const code = t.data_type ?? 0;
  if (!isKnownDataType(code)) throw fail(`unknown data_type ${code}`);
  const dtype: DataType = code;
  const dims = (t.dims ?? []).map((d, i) => toCount(d, `tensor ${name} dims[${i}]`, ctx));
  const count = elementCount(dims);
  const typed = TYPED_FIELDS.filter((f) => (t[f]?.length ?? 0) > 0);
  const location = t.data_location ?? 0;
  if (location !== 0 && location !== EXTERNAL) throw fail(`unknown data_location ${location}`);

  let tensor: Tensor;
  if (location === EXTERNAL) {
    if (has(t, 'raw_data') || typed.length > 0) throw fail('is marked external but also holds values inline');
    if (dtype === DataType.STRING) throw fail('STRING tensors cannot be stored as external data');
    if (ctx.openExternal === undefined) throw fail('keeps its values in an external data file, but no folder to read it from was given');
    tensor = ctx.openExternal(t, dtype, dims);
    // The entries as written (order, spelling of numbers) are kept while the location stays the same.
    if (tensor instanceof ExternalTensor) keepRawList(tensor.external, t.external_data ?? [], externalSignature(tensor.external));
  } else if (has(t, 'raw_data')) {
    if (typed.length > 0) throw fail(`holds values both in raw_data and in ${typed.join(', ')}`);
    if (dtype === DataType.STRING) throw fail('STRING tensors cannot use raw_data');
    const want = rawByteLength(dtype, count);
    const raw = t.raw_data!;
    if (raw.byteLength !== want) {
      throw fail(`raw_data has ${raw.byteLength} bytes, but dims [${dims.join(',')}] of ${dataTypeName(dtype)} need ${want}`);
    }
    tensor = new BytesTensor(dtype, dims, raw);
  } else {
    tensor = importTyped(t, dtype, dims, typed, fail);
    tensor.encoding = 'typed';
  }
  if (t.name !== undefined) tensor.name = t.name;
  if (t.doc_string !== undefined) tensor.docString = t.doc_string;
  const meta = importMetadata(t.metadata_props);
  if (meta !== undefined) tensor.metadataProps = meta;
  notePresentDefaults(tensor, t, ['data_location']);
  if (t.segment !== undefined) noteExtra(tensor, { segment: t.segment }); // no IR place for segments
  noteUnknowns(tensor, t);
  return tensor;
}

function importTyped(t: TensorProto, dtype: DataType, dims: number[], typed: TypedField[], fail: (p: string) => Error): Tensor {
  const field = typedFieldOf(dtype);
  const wrong = typed.filter((f) => f !== field);
  if (wrong.length > 0) throw fail(`${dataTypeName(dtype)} values belong in ${field}, but the tensor uses ${wrong.join(', ')}`);
  const count = elementCount(dims);
  const bits = dataTypeInfo(dtype).bits;
  // Sub-byte kinds store their packed bytes, one per int32 (as onnx's helper writes them).
  const want = dtype === DataType.COMPLEX64 || dtype === DataType.COMPLEX128 ? 2 * count : bits > 0 && bits < 8 ? rawByteLength(dtype, count) : count;
  if (dtype === DataType.STRING) {
    const strings = t.string_data ?? [];
    if (strings.length !== count) throw fail(`holds ${strings.length} strings, but dims [${dims.join(',')}] need ${count}`);
    return new StringTensor(dims, strings);
  }
  const values = (t[field] ?? []) as (number | Long)[];
  if (values.length !== want) throw fail(`${field} holds ${values.length} values, but dims [${dims.join(',')}] of ${dataTypeName(dtype)} need ${want}`);
  if (bits > 0 && bits < 8) return new BytesTensor(dtype, dims, Uint8Array.from(values as number[]));
  return new ArrayTensor(dtype, dims, typedValues(dtype, values));
}

/**
 * The wire values in the dtype's array. Narrow kinds keep the low bits of each int32 (as onnx's numpy
 * helper and onnxruntime read them), so well-formed files round-trip exactly.
 */
function typedValues(dtype: DataType, values: (number | Long)[]): TypedArray {
  const nums = values as number[];
  switch (dtype) {
    case DataType.FLOAT:
    case DataType.COMPLEX64:
      return Float32Array.from(nums);
    case DataType.DOUBLE:
    case DataType.COMPLEX128:
      return Float64Array.from(nums);
    case DataType.INT32:
      return Int32Array.from(nums);
    case DataType.INT8:
      return Int8Array.from(nums);
    case DataType.INT16:
      return Int16Array.from(nums);
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return Uint16Array.from(nums);
    case DataType.UINT32:
      return Uint32Array.from(values, (v) => (typeof v === 'number' ? v : v.toNumber()));
    case DataType.INT64:
      return BigInt64Array.from(values, (v) => BigInt.asIntN(64, longBits(v)));
    case DataType.UINT64:
      return BigUint64Array.from(values, (v) => BigInt.asUintN(64, longBits(v)));
    default: // UINT8, BOOL and the 8-bit float kinds
      return Uint8Array.from(nums);
  }
}

function longBits(v: number | Long): bigint {
  if (typeof v === 'number') return BigInt(v);
  return (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
}

/** SparseTensorProto -> SparseTensor; both parts are ordinary tensors. */
export function importSparse(s: SparseTensorProto, ctx: ImportContext, label: string): SparseTensor {
  if (s.values === undefined) throw ctx.formatError(`sparse tensor ${JSON.stringify(label)} has no values`);
  if (s.indices === undefined) throw ctx.formatError(`sparse tensor ${JSON.stringify(label)} has no indices`);
  const sparse: SparseTensor = {
    values: importTensor(s.values, ctx, label),
    indices: importTensor(s.indices, ctx, `${label}.indices`),
    dims: (s.dims ?? []).map((d, i) => toCount(d, `sparse tensor ${JSON.stringify(label)} dims[${i}]`, ctx)),
  };
  noteUnknowns(sparse, s);
  return sparse;
}
