// The WebAssembly SIMD kernels of the CPU backend (AssemblyScript, compiled by scripts/build-wasm.mjs into
// ../kernels.wasm.ts). Pointers are byte offsets into this module's memory, sizes are element counts.
export { alloc, floor, reset, scratchBase, setFloor, zero } from "./scratch";
export { setResidual } from "./epilogue";
export { packB, sgemm, transpose } from "./sgemm";
export { convGemm, gemm } from "./blocked";
export { conv2d, depthwise2d } from "./conv";
