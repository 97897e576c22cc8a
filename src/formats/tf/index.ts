/**
 * TensorFlow wire formats, browser-safe part: the protobuf codec (SavedModel, GraphDef, ...), the JSON
 * mapping used by TF.js, TensorProto -> IR tensors, and the tensor bundle reader over any ShardSource.
 * Reading from disk (node:fs) lives in ./files.js, imported from there directly.
 */
export { decodeGraphDef, decodeSavedModel, decodeTfMessage, encodeTfMessage } from './codec.js';
export { crc32c, maskCrc32c, unmaskCrc32c } from './crc32c.js';
export { irDataTypeOf, tfDataTypeFromName, tfDataTypeName, tfDataTypeOf } from './dtype.js';
export * from './generated/tf-types.js';
export { fromProtoJson } from './proto-json.js';
export { isLong, LongClass, mapEntries, mapGet, messageType, safeInt, tfRoot, type TfMessageName } from './schema.js';
export { readTable, type TableEntry } from './sstable.js';
export { OBJECT_GRAPH_KEY, TensorBundle, VARIABLE_VALUE, variableValueKeys, type ShardSource } from './tensor-bundle.js';
export { constantDataType, shapeDims, staticDims, tensorFromProto } from './tensor-proto.js';
