/**
 * The WebAssembly SIMD kernels (assembly/, compiled into kernels.wasm.ts): `initWasm` instantiates them once
 * (asynchronously: browsers forbid compiling large modules synchronously on the main thread) and is the CPU
 * backend's `init` hook; kernels, which are synchronous, ask `wasmKernels()` and run their JavaScript path
 * when it says undefined (WebAssembly or SIMD unavailable, not initialized yet, or turned off for a test).
 * Browser-safe: no Node APIs.
 */
import { KERNELS_WASM_BASE64 } from './kernels.wasm.js';

/**
 * The part of the WebAssembly JavaScript API used here (lib ES2022 has no WebAssembly namespace, nor do
 * the Node 20 typings).
 */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }>;
}

/** The module's exports (assembly/index.ts): pointers are byte offsets into `memory`. */
export interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  reset(): void;
  alloc(bytes: number): number;
  /** Where scratch starts without a floor; the floor (0: none); pins [scratchBase, bytes): 0, or -1 when memory cannot grow. */
  scratchBase(): number;
  floor(): number;
  setFloor(bytes: number): number;
  /** RESIDUAL reads `delta` bytes past each output element. */
  setResidual(delta: number): void;
  zero(p: number, n: number): void;
  sgemm(
    a: number, aRow: number, aK: number, b: number, ldb: number, c: number, ldc: number, m: number, n: number, k: number,
    alpha: number, flags: number, rowBias: number, colBias: number, lo: number, hi: number,
  ): void;
  gemm(
    a: number, aRow: number, aK: number, b: number, ldb: number, c: number, ldc: number, m: number, n: number, k: number,
    alpha: number, flags: number, rowBias: number, colBias: number, lo: number, hi: number,
  ): number;
  packB(b: number, ldb: number, k: number, n: number, dst: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  conv2d(
    x: number, w: number, bias: number, y: number, N: number, C: number, H: number, W: number, M: number, G: number,
    KH: number, KW: number, sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, OH: number, OW: number,
    flags: number, lo: number, hi: number,
  ): number;
  depthwise2d(
    x: number, w: number, bias: number, y: number, N: number, C: number, H: number, W: number, M: number,
    KH: number, KW: number, sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, OH: number, OW: number,
    flags: number, lo: number, hi: number,
  ): number;
}

/** The epilogue flags of `gemm`/`sgemm`/`conv2d`/`depthwise2d` (assembly/sgemm.ts, assembly/epilogue.ts). */
export const GEMM = {
  ACCUMULATE: 1, ROW_BIAS: 2, COL_BIAS: 4, CLAMP: 8, PACKED_B: 16, RESIDUAL: 32, LEAKY_RELU: 64, HARD_SIGMOID: 128, HARD_SWISH: 256,
} as const;

/**
 * The instantiated module and a float32 view of its memory. One kernel call lays out its operands with
 * `begin` then `put`/`alloc`, calls an export, and copies results out with `read`; the view is re-made
 * whenever memory grew (growing detaches the old buffer).
 */
export class WasmKernels {
  private view: Float32Array;

  constructor(readonly x: KernelExports) {
    this.view = new Float32Array(x.memory.buffer);
  }

  /** Frees every scratch block of the previous call. */
  begin(): void {
    this.x.reset();
  }

  /** Room for `n` floats (contents unspecified); its byte offset. */
  alloc(n: number): number {
    const p = this.x.alloc(n * 4);
    if (p === 0) throw new RangeError(`WebAssembly kernels: cannot grow memory for ${n} floats`);
    return p;
  }

  /** A copy of `src` in memory; its byte offset. */
  put(src: Float32Array): number {
    const p = this.alloc(src.length);
    this.heap().set(src, p >> 2);
    return p;
  }

  /** Copies `dst.length` floats at byte offset `p` into `dst`. */
  read(p: number, dst: Float32Array): void {
    const i = p >> 2;
    dst.set(this.heap().subarray(i, i + dst.length));
  }

  /** The memory as floats (valid until the next export call that may grow it). */
  heap(): Float32Array {
    if (this.view.length === 0) this.view = new Float32Array(this.x.memory.buffer);
    return this.view;
  }

  /** Throws when an export returned its out-of-memory code. */
  check(rc: number): void {
    if (rc < 0) throw new RangeError('WebAssembly kernels: out of memory');
  }
}

let ready: Promise<void> | undefined;
let kernels: WasmKernels | undefined;
let enabled = true;

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Instantiates the kernels once; later calls return the same promise. Where WebAssembly or its SIMD
 * proposal is missing it resolves all the same and the kernels keep to JavaScript.
 */
export function initWasm(): Promise<void> {
  ready ??= (async () => {
    const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    if (wasm === undefined) return;
    const bytes = decodeBase64(KERNELS_WASM_BASE64);
    // An engine without the SIMD proposal rejects the module: the JavaScript paths serve.
    if (!wasm.validate(bytes)) return;
    const { instance } = await wasm.instantiate(bytes, {});
    kernels = new WasmKernels(instance.exports as unknown as KernelExports);
  })();
  return ready;
}

/** The kernels when instantiated and enabled, else undefined (run the JavaScript path). */
export function wasmKernels(): WasmKernels | undefined {
  return enabled ? kernels : undefined;
}

/** Turns the WebAssembly kernels off or back on (tests use it to exercise the JavaScript paths). */
export function setWasmEnabled(on: boolean): void {
  enabled = on;
}

/** Whether kernels will use WebAssembly now. */
export function wasmActive(): boolean {
  return wasmKernels() !== undefined;
}
