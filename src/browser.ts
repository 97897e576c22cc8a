/**
 * The browser entry (bundled by scripts/build-browser.mjs into dist/browser/onnxbridge.js): what a web
 * page needs to run an ONNX model on our CPU engine. Everything reachable from here must stay free of
 * Node-only modules; the bundler (platform 'browser') fails the build on any `node:` import.
 *
 *   const bytes = new Uint8Array(await (await fetch('model.onnx')).arrayBuffer());
 *   const session = await Session.create(bytes);
 *   const out = await session.run({ x: new Tensor('float32', data, [1, 3, 224, 224]) });
 *
 * `compare` of src/parity is not here: it opens onnxruntime-node and reads reference folders from disk.
 * Its element-by-element metric, `compareArrays`, is pure and is exported instead.
 */
export { Session, type SessionOptions } from './runtime/session.js';
export { Tensor, type TensorType, type TensorData } from './runtime/tensor.js';
export { TensorSequence, OptionalValue, type RuntimeValue } from './runtime/values.js';
export type { Backend } from './runtime/backend.js';
/** Whether the CPU backend's WebAssembly SIMD kernels are in use (after a Session.create); else JavaScript runs. */
export { wasmActive } from './runtime/cpu/wasm/instance.js';
export { compareArrays, type OutputStats, type Tolerance } from './parity/metrics.js';
export { BridgeError, FormatError, KernelError, UsageError, UnsupportedOpsError, type UnsupportedOp } from './ir/errors.js';
