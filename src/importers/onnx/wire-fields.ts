import { AttributeType } from '../../ir/attribute.js';
import { DataType } from '../../ir/dtype.js';

/* Which message fields carry which values: tables both the importer and the exporter read. */

/** The AttributeProto field that holds the value of each attribute type. */
export const ATTRIBUTE_VALUE_FIELD = {
  [AttributeType.FLOAT]: 'f',
  [AttributeType.INT]: 'i',
  [AttributeType.STRING]: 's',
  [AttributeType.TENSOR]: 't',
  [AttributeType.GRAPH]: 'g',
  [AttributeType.SPARSE_TENSOR]: 'sparse_tensor',
  [AttributeType.TYPE_PROTO]: 'tp',
  [AttributeType.FLOATS]: 'floats',
  [AttributeType.INTS]: 'ints',
  [AttributeType.STRINGS]: 'strings',
  [AttributeType.TENSORS]: 'tensors',
  [AttributeType.GRAPHS]: 'graphs',
  [AttributeType.SPARSE_TENSORS]: 'sparse_tensors',
  [AttributeType.TYPE_PROTOS]: 'type_protos',
} as const;

export type AttributeValueField = (typeof ATTRIBUTE_VALUE_FIELD)[keyof typeof ATTRIBUTE_VALUE_FIELD];

/** Scalar value fields: absent on the wire reads as 0 / '' and must stay absent on the way back. */
export const SCALAR_VALUE_FIELDS: ReadonlySet<AttributeValueField> = new Set(['f', 'i', 's']);

/** Repeated value fields: an empty list and an absent one are the same on the wire. */
export const LIST_VALUE_FIELDS: ReadonlySet<AttributeValueField> = new Set([
  'floats',
  'ints',
  'strings',
  'tensors',
  'graphs',
  'sparse_tensors',
  'type_protos',
]);

/** The TensorProto fields that hold values in typed (non-raw) form. */
export type TypedField = 'float_data' | 'int32_data' | 'string_data' | 'int64_data' | 'double_data' | 'uint64_data';

/** Which typed field carries a data type's values, as onnx.proto assigns them. */
export function typedFieldOf(dtype: DataType): TypedField {
  switch (dtype) {
    case DataType.FLOAT:
    case DataType.COMPLEX64:
      return 'float_data';
    case DataType.DOUBLE:
    case DataType.COMPLEX128:
      return 'double_data';
    case DataType.INT64:
      return 'int64_data';
    case DataType.UINT32:
    case DataType.UINT64:
      return 'uint64_data';
    case DataType.STRING:
      return 'string_data';
    default: // int32 and everything narrower, as bit patterns (sub-byte kinds packed, one byte per int32)
      return 'int32_data';
  }
}
