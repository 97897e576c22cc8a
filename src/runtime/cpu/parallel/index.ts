/**
 * Intra-op parallelism of the CPU backend's float32 products (MatMul, Gemm, Conv) on worker threads that
 * share one WebAssembly memory: see threads.ts for the setting, gemm.ts and conv.ts for the products.
 * Browser-safe: Node's worker_threads is reached through process.getBuiltinModule, never imported.
 */
export { intraOpThreads, intraOpUnsupportedReason, MIN_WORK_PER_THREAD, onOneThread, setIntraOpThreads, withThreadLimit, type IntraOpOptions } from './threads.js';
export { parallelRuns } from './pool.js';
export { parallelGemm, parallelMatMul } from './gemm.js';
export { parallelConv2d } from './conv.js';
