// The entry of the shared-memory build of the kernels (scripts/build-wasm.mjs: --sharedMemory
// --importMemory), which the intra-op threads (../../parallel) instantiate once per thread over one memory:
// every kernel of index.ts, plus the pieces that let each thread compute its own range of an output.
export * from "./index";
export { mark, release } from "./scratch";
export { convGemmRange, gemmBlocked, gemmWith, rangeScratchBytes } from "./blocked";
export { conv2dPlanes, conv2dRange } from "./conv";
