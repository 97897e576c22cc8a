/** IR -> ONNX ModelProto (a plain object for src/formats/onnx/codec.ts). Browser-safe. */
export { exportModel, opsetProto } from './export-model.js';
export type { ExportOptions } from './export-context.js';
export { tensorProto, externalEntries, type TensorPlacement } from './export-tensor.js';
export { forEachGraph, forEachTensor } from './model-walk.js';
