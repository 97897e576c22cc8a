/**
 * The seeded float32 operands of the WebAssembly kernel and intra-op thread tests (src/runtime/cpu/wasm,
 * src/runtime/cpu/parallel). bench/threads.mjs keeps its own copy: it runs on the built dist under plain Node,
 * which cannot import TypeScript test code.
 */

/** n deterministic float32 values in [-1, 1): a 32-bit LCG from `seed` (0 counts as 1). */
export function randFloat32(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
