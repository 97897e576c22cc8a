/**
 * A pool of intra-op threads: the caller's thread and `threads - 1` workers, each with its own instance of
 * the kernels' threads build over ONE shared WebAssembly.Memory. The caller lays a product's operands out
 * in that memory, hands each worker its share as a list of export calls, runs the first share itself and
 * waits for the others with Atomics.wait, bounded by a timeout (a dead worker is a KernelError, not a hang).
 *
 * Note [the control block]: a SharedArrayBuffer of Int32 slots, CTRL_STRIDE per worker: SEQ (the caller
 * bumps it to hand over a share, -1 stops the worker), DONE (the worker stores the SEQ it finished) and
 * STATUS (of that share). A worker's share sits in its PARAM_SLOTS float64 slots of `params`: a count, then
 * per call its export's index in CALLS, its argument count and the arguments. Atomics.store of SEQ comes
 * after every plain write of the share and of the operands, and the worker's Atomics.store of DONE after
 * its writes of C, so each side sees the other's memory (Atomics operations are sequentially consistent).
 */
import { KernelError } from '../../../ir/errors.js';
import { KERNELS_THREADS_WASM_BASE64, THREADS_MAX_PAGES } from '../wasm/kernels.wasm.js';
import { canSpawn, spawnThread, type ThreadHandle } from './spawn.js';
import { CALLS, CTRL, CTRL_STRIDE, PARAM_SLOTS, STATUS } from './worker-source.js';

/** The threads build's exports used here (assembly/threads.ts); pointers are byte offsets. */
export interface ThreadExports {
  reset(): void;
  mark(): number;
  release(p: number): void;
  alloc(bytes: number): number;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  gemmBlocked(m: number, n: number, k: number, flags: number): number;
  rangeScratchBytes(): number;
  conv2dPlanes(...args: number[]): number;
}

/** One export call of a share: the export (CALLS) and its arguments. */
export interface Call {
  fn: (typeof CALLS)[number];
  args: number[];
}

/** The part of the WebAssembly JavaScript API used here (the ES2022 lib and Node 20 typings lack it). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { readonly buffer: ArrayBufferLike };
  compile(bytes: Uint8Array): Promise<unknown>;
  instantiate(module: unknown, imports: object): Promise<{ exports: unknown }>;
}

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Why this thread cannot run a pool, or undefined when it can: shared memory, Atomics.wait on this thread
 * (a browser's main thread forbids it), workers, and WebAssembly with SIMD and threads.
 */
export function unsupportedReason(): string | undefined {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return 'no SharedArrayBuffer (a page must be cross-origin isolated)';
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
  } catch {
    return 'Atomics.wait is not allowed on this thread (a browser main thread)';
  }
  if (!canSpawn()) return 'no worker threads on this platform';
  const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (wasm === undefined || !wasm.validate(decodeBase64(KERNELS_THREADS_WASM_BASE64))) return 'no WebAssembly with SIMD and threads';
  return undefined;
}

let runs = 0;

/** How many runs split their work between threads so far (tests check that the parallel path ran). */
export function parallelRuns(): number {
  return runs;
}

export class ThreadPool {
  private seq = 0;
  private view: Float32Array;
  /** Set when a run failed: the pool is gone and every later call declines. */
  broken = false;

  private constructor(
    readonly threads: number,
    private readonly memory: { readonly buffer: ArrayBufferLike },
    readonly x: ThreadExports,
    private readonly fns: readonly ((...a: number[]) => number)[],
    /** The allocator's position above the workers' scratch regions: each run starts there. */
    private readonly base: number,
    private readonly workers: readonly ThreadHandle[],
    private readonly ctrl: Int32Array,
    private readonly params: Float64Array,
    private readonly timeoutMs: number,
  ) {
    this.view = new Float32Array(memory.buffer);
  }

  /** Starts `threads - 1` workers; rejects (KernelError) when one fails to start within `timeoutMs`. */
  static async create(threads: number, timeoutMs: number): Promise<ThreadPool> {
    const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly!;
    const bytes = decodeBase64(KERNELS_THREADS_WASM_BASE64);
    const memory = new wasm.Memory({ initial: 1, maximum: THREADS_MAX_PAGES, shared: true });
    const module = await wasm.compile(bytes);
    const exports = (await wasm.instantiate(module, { env: { memory } })).exports as ThreadExports & Record<string, (...a: number[]) => number>;
    exports.reset();
    const workers = threads - 1;
    const scratch: number[] = [];
    for (let i = 0; i < workers; i++) {
      const p = exports.alloc(exports.rangeScratchBytes());
      if (p === 0) throw new KernelError('intra-op threads: cannot reserve scratch memory');
      scratch.push(p);
    }
    const ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL_STRIDE * Math.max(1, workers)));
    const params = new Float64Array(new SharedArrayBuffer(8 * PARAM_SLOTS * Math.max(1, workers)));
    const handles = scratch.map((p, slot) => spawnThread({ bytes, memory, ctrl, params, slot, scratch: p }));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`not ready within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([Promise.all(handles.map((h) => h.ready)), late]);
    } catch (e) {
      for (const h of handles) h.terminate();
      throw new KernelError(`intra-op threads: a worker failed to start: ${(e as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    const fns = CALLS.map((n) => exports[n]!);
    return new ThreadPool(threads, memory, exports, fns, exports.mark(), handles, ctrl, params, timeoutMs);
  }

  /** Frees the previous run's operands: the caller's allocations start above the workers' scratch. */
  begin(): void {
    this.x.release(this.base);
  }

  /** Room for `n` floats; its byte offset, or 0 when the shared memory cannot grow that far. */
  alloc(n: number): number {
    return this.x.alloc(n * 4);
  }

  /** A copy of `src` in the shared memory (0 when it does not fit). */
  put(src: Float32Array): number {
    const p = this.alloc(src.length);
    if (p !== 0) this.heap().set(src, p >> 2);
    return p;
  }

  /** The shared memory as floats; re-made after growth (a grown shared memory is a new, longer buffer). */
  heap(): Float32Array {
    const buf = this.memory.buffer;
    if (this.view.buffer !== buf) this.view = new Float32Array(buf);
    return this.view;
  }

  /** Whether every share fits in a worker's parameter slots. */
  fits(shares: readonly (readonly Call[])[]): boolean {
    return shares.every((s) => s.reduce((n, c) => n + 2 + c.args.length, 1) <= PARAM_SLOTS);
  }

  /**
   * Runs shares[0] on this thread and shares[i] on worker i - 1, and returns once all are done. Throws
   * RangeError when scratch memory ran out, KernelError when a worker threw, died or timed out (the pool
   * is then terminated and marked broken).
   */
  run(shares: readonly (readonly Call[])[]): void {
    if (this.broken) throw new KernelError('intra-op threads: the pool is broken');
    if (shares.length > this.threads || !this.fits(shares)) throw new KernelError('intra-op threads: too many shares for the pool');
    for (let w = 1; w < shares.length; w++) {
      if (this.workers[w - 1]!.dead()) this.fail(`worker ${w} has died`);
    }
    this.seq = this.seq >= 0x3fffffff ? 1 : this.seq + 1;
    const seq = this.seq;
    for (let w = 1; w < shares.length; w++) {
      const p0 = (w - 1) * PARAM_SLOTS;
      const share = shares[w]!;
      this.params[p0] = share.length;
      let q = p0 + 1;
      for (const c of share) {
        this.params[q] = CALLS.indexOf(c.fn);
        this.params[q + 1] = c.args.length;
        this.params.set(c.args, q + 2);
        q += 2 + c.args.length;
      }
      const o = (w - 1) * CTRL_STRIDE;
      Atomics.store(this.ctrl, o + CTRL.SEQ, seq);
      Atomics.notify(this.ctrl, o + CTRL.SEQ);
    }
    const t0 = performance.now();
    let oom = false;
    try {
      for (const c of shares[0] ?? []) if (this.fns[CALLS.indexOf(c.fn)]!(...c.args) < 0) oom = true;
    } catch (e) {
      // The workers may still be writing this memory: never reuse it.
      this.dispose();
      throw e;
    }
    // Workers got shares as large as this one: allow them far longer than it took, and at least timeoutMs.
    const deadline = performance.now() + Math.max(this.timeoutMs, 50 * (performance.now() - t0));
    for (let w = 1; w < shares.length; w++) {
      const o = (w - 1) * CTRL_STRIDE + CTRL.DONE;
      for (;;) {
        const done = Atomics.load(this.ctrl, o);
        if (done === seq) break;
        const left = deadline - performance.now();
        if (left <= 0 || this.workers[w - 1]!.dead()) this.fail(`worker ${w} did not finish its share within ${Math.round(deadline - t0)} ms`);
        Atomics.wait(this.ctrl, o, done, Math.min(left, 100));
      }
      const status = Atomics.load(this.ctrl, (w - 1) * CTRL_STRIDE + CTRL.STATUS);
      if (status === STATUS.THREW) this.fail(`worker ${w} threw while running its share`);
      if (status === STATUS.OUT_OF_MEMORY) oom = true;
    }
    if (oom) throw new RangeError('WebAssembly kernels: out of memory');
    if (shares.length > 1) runs++;
  }

  private fail(why: string): never {
    this.dispose();
    throw new KernelError(`intra-op threads: ${why}`);
  }

  /** Stops and terminates every worker; the pool cannot run again. */
  dispose(): void {
    this.broken = true;
    for (let w = 0; w < this.workers.length; w++) {
      const o = w * CTRL_STRIDE + CTRL.SEQ;
      Atomics.store(this.ctrl, o, -1);
      Atomics.notify(this.ctrl, o);
      this.workers[w]!.terminate();
    }
  }

  /** Test hook: terminates worker `w` (1-based, as in `run`); resolves once it is known dead. */
  async killWorker(w: number): Promise<void> {
    const h = this.workers[w - 1]!;
    h.terminate();
    await h.ready.catch(() => undefined);
    while (!h.dead()) await new Promise((r) => setTimeout(r, 5));
  }

  /**
   * Test hook: stops worker `w`'s loop through the control block and waits until it acknowledged, so the
   * worker never answers again while the pool still believes it alive (as when a thread hangs).
   */
  stallWorker(w: number): void {
    const o = (w - 1) * CTRL_STRIDE;
    Atomics.store(this.ctrl, o + CTRL.SEQ, -1);
    Atomics.notify(this.ctrl, o + CTRL.SEQ);
    const until = performance.now() + 10_000;
    while (Atomics.load(this.ctrl, o + CTRL.DONE) !== -1 && performance.now() < until) Atomics.wait(this.ctrl, o + CTRL.DONE, Atomics.load(this.ctrl, o + CTRL.DONE), 50);
  }
}
