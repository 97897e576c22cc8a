/** Generic ONNX -> IR import (no per-op code). Browser-safe: external data comes in through a hook. */
export { importModel } from './import-model.js';
export type { ExternalOpener, ImportOptions } from './context.js';
