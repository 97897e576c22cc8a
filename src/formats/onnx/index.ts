/**
 * The ONNX wire codec, browser-safe part. External data (node:fs) lives in ./external-data.js and is
 * imported from there directly, so that bundles for the browser never pull in fs.
 */
export {
  decodeMessage,
  decodeModelProto,
  decodeTensorProto,
  encodeMessage,
  encodeModelProto,
  encodeTensorProto,
  MAX_MESSAGE_BYTES,
} from './codec.js';
export * from './generated/onnx-types.js';
export { toHex, toPlainObject, type PlainObject, type PlainValue } from './plain-object.js';
export { isLong, LongClass, messageType, onnxRoot, type OnnxMessageName } from './schema.js';
