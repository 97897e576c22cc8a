/**
 * A pool of intra-op threads: the caller's thread and `threads - 1` workers, each with its own instance of
 * the kernels' threads build over ONE shared WebAssembly.Memory. The caller lays a product's operands out
 * in that memory and describes a run as chunks (ranges of the output, each one export call); every thread,
 * the caller included, claims chunks until none is left, and the caller waits for the last ones with
 * Atomics.wait, bounded by a timeout (a worker that dies holding a chunk is a KernelError, not a hang).
 *
 * Note [claiming chunks]: the control block (Int32 slots on a SharedArrayBuffer, CTRL) holds SEQ (the
 * caller bumps it to wake the workers for a run; -1 stops them), NEXT = seq * CHUNK_LIMIT + the next
 * unclaimed chunk, COMPLETED (chunks finished) and FAIL (bits). A thread claims chunk i by compareExchange
 * of NEXT from seq * CHUNK_LIMIT + i to + 1, and only while NEXT's seq is the run it woke for: a worker that
 * wakes late, after its run ended, finds another seq there and claims nothing, so a slow or descheduled
 * worker never holds the caller up (the caller claims whatever it has not) and a run on a busy machine
 * takes no longer than on one thread. The caller writes `params` (chunk count, export, arguments) and the
 * operands before its Atomics.store of NEXT; a worker reads them after loading NEXT and claiming, and
 * stores COMPLETED after its writes of C: Atomics operations are sequentially consistent, so each side
 * sees the other's memory. Which thread computes a chunk never changes its values (Note [one summation
 * order] in ../wasm/assembly/blocked.ts).
 */
import { KernelError } from '../../../ir/errors.js';
import { KERNELS_THREADS_WASM_BASE64, THREADS_MAX_PAGES } from '../wasm/kernels.wasm.js';
import { canSpawn, spawnThread, type ThreadHandle } from './spawn.js';
import { CALLS, CHUNK_LIMIT, CTRL, FAIL, PARAM_SLOTS, SEQ_LIMIT } from './worker-source.js';

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

/** A run: one export (CALLS) called once per chunk, each chunk its arguments (all of one length). */
export interface Run {
  fn: (typeof CALLS)[number];
  chunks: number[][];
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
/** How long the caller polls COMPLETED before it sleeps on it (ms). */
const SPIN_MS = 0.05;
/** The most chunks a run may have. */
export const MAX_CHUNKS = Math.min(CHUNK_LIMIT - 1, 2048);

let workerChunks = 0;

/** The most bytes of resident constants the shared memory keeps (Note [resident constants in the pool]). */
const RESIDENT_BYTES = 128 << 20;

/** How many runs had workers to share their chunks with so far (tests check that the parallel path ran). */
export function parallelRuns(): number {
  return runs;
}

/** How many chunks workers (not the caller) computed so far. */
export function workerChunkCount(): number {
  return workerChunks;
}

export class ThreadPool {
  private seq = 0;
  private view: Float32Array;
  /** Set when a run failed: the pool is gone and every later call declines. */
  broken = false;
  /**
   * Test hook: before claiming, the caller waits (up to 10 s) until a worker claimed a chunk, so every run
   * has chunks computed by a worker (else the caller may finish small runs before any worker wakes).
   */
  waitForAWorker = false;

  private constructor(
    readonly threads: number,
    private readonly memory: { readonly buffer: ArrayBufferLike },
    readonly x: ThreadExports,
    private readonly fns: readonly ((...a: number[]) => number)[],
    /** The allocator's position above the workers' scratch regions: the resident constants start there. */
    private readonly start: number,
    private readonly workers: readonly ThreadHandle[],
    private readonly ctrl: Int32Array,
    private readonly params: Float64Array,
    private readonly timeoutMs: number,
  ) {
    this.view = new Float32Array(memory.buffer);
    this.base = start;
  }

  /** Where each run's allocations start: above the resident constants. */
  private base: number;
  private entries = new WeakMap<Float32Array, Map<string, number>>();
  /** Set when the resident region is full: the next `begin` empties it. */
  private flush = false;

  /** Starts `threads - 1` workers; rejects (KernelError) when one fails to start within `timeoutMs`. */
  static async create(threads: number, timeoutMs: number): Promise<ThreadPool> {
    const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly!;
    const bytes = decodeBase64(KERNELS_THREADS_WASM_BASE64);
    const memory = new wasm.Memory({ initial: 1, maximum: THREADS_MAX_PAGES, shared: true });
    const module = await wasm.compile(bytes);
    const exports = (await wasm.instantiate(module, { env: { memory } })).exports as ThreadExports & Record<string, (...a: number[]) => number>;
    exports.reset();
    const scratch: number[] = [];
    for (let i = 0; i < threads - 1; i++) {
      const p = exports.alloc(exports.rangeScratchBytes());
      if (p === 0) throw new KernelError('intra-op threads: cannot reserve scratch memory');
      scratch.push(p);
    }
    const ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL.LENGTH));
    const params = new Float64Array(new SharedArrayBuffer(8 * PARAM_SLOTS));
    const handles = scratch.map((p) => spawnThread({ bytes, memory, ctrl, params, scratch: p }));
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

  /**
   * Frees the previous run's operands: the caller's allocations start above the workers' scratch and the
   * resident constants (Note [resident constants in the pool]).
   */
  begin(): void {
    if (this.flush) {
      this.entries = new WeakMap();
      this.base = this.start;
      this.flush = false;
    }
    this.x.release(this.base);
  }

  /**
   * Note [resident constants in the pool]
   * As wasm/ops.ts's Note [resident constants], over the shared memory: a constant operand is laid out
   * once, in the form the chunks read, in a region between the workers' scratch and each run's operands,
   * keyed weakly by its Float32Array and the form. The region only grows (a bump allocator); when the next
   * entry would pass RESIDENT_BYTES, the entry is not made (that run copies it) and the next run starts
   * from an empty region, so constants of dropped sessions cost at most one refill.
   *
   * The offset of `src` in form `form` (`floats` floats, laid out by `fill` given the offset; `fill` may
   * allocate scratch, and returns false when it could not), made on first use; 0 when it does not fit.
   * Call before any other allocation of the run.
   */
  resident(src: Float32Array, form: string, floats: number, fill: (p: number) => boolean): number {
    let forms = this.entries.get(src);
    const hit = forms?.get(form);
    if (hit !== undefined) return hit;
    if (this.base - this.start + floats * 4 > RESIDENT_BYTES) {
      this.flush = true;
      return 0;
    }
    this.x.release(this.base);
    const p = this.alloc(floats);
    if (p === 0) return 0;
    const next = this.x.mark();
    if (!fill(p)) {
      this.x.release(this.base);
      return 0;
    }
    this.base = next;
    this.x.release(next);
    if (forms === undefined) this.entries.set(src, (forms = new Map()));
    forms.set(form, p);
    return p;
  }

  /** Room for `n` floats; its byte offset, or 0 when the shared memory cannot grow that far. */
  alloc(n: number): number {
    return n * 4 < THREADS_MAX_PAGES * 65536 ? this.x.alloc(n * 4) : 0;
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

  /** Whether a run of `chunks` chunks of `argc` arguments each fits the control block and `params`. */
  fits(chunks: number, argc: number): boolean {
    return chunks <= MAX_CHUNKS && 3 + chunks * argc <= PARAM_SLOTS;
  }

  /**
   * Runs every chunk, on this thread and on the workers that wake in time (Note [claiming chunks]), and
   * returns once all are done. Throws RangeError when scratch memory ran out, KernelError when a worker
   * threw, had died, or held a chunk past the timeout (the pool is then terminated and marked broken).
   */
  run(r: Run): void {
    if (this.broken) throw new KernelError('intra-op threads: the pool is broken');
    const n = r.chunks.length;
    const argc = r.chunks[0]?.length ?? 0;
    if (!this.fits(n, argc) || r.chunks.some((c) => c.length !== argc)) throw new KernelError('intra-op threads: a run that does not fit the pool');
    for (let w = 0; w < this.workers.length; w++) if (this.workers[w]!.dead()) this.fail(`worker ${w + 1} has died`);
    const { ctrl, params } = this;
    const fnIndex = CALLS.indexOf(r.fn);
    params[0] = n;
    params[1] = fnIndex;
    params[2] = argc;
    for (let i = 0; i < n; i++) params.set(r.chunks[i]!, 3 + i * argc);
    this.seq = this.seq >= SEQ_LIMIT ? 1 : this.seq + 1;
    const seq = this.seq;
    Atomics.store(ctrl, CTRL.COMPLETED, 0);
    Atomics.store(ctrl, CTRL.FAIL, 0);
    Atomics.store(ctrl, CTRL.NEXT, seq * CHUNK_LIMIT);
    Atomics.store(ctrl, CTRL.SEQ, seq);
    Atomics.notify(ctrl, CTRL.SEQ);
    if (this.waitForAWorker) this.waitUntil(() => Atomics.load(ctrl, CTRL.NEXT) > seq * CHUNK_LIMIT, 10_000);
    const t0 = performance.now();
    const fn = this.fns[fnIndex]!;
    let own = 0;
    try {
      for (;;) {
        const c = Atomics.load(ctrl, CTRL.NEXT);
        const i = c - seq * CHUNK_LIMIT;
        if (i >= n) break;
        if (Atomics.compareExchange(ctrl, CTRL.NEXT, c, c + 1) !== c) continue;
        if (fn(...r.chunks[i]!) < 0) Atomics.or(ctrl, CTRL.FAIL, FAIL.OUT_OF_MEMORY);
        Atomics.add(ctrl, CTRL.COMPLETED, 1);
        own++;
      }
    } catch (e) {
      // Workers may still be writing this memory: never reuse it.
      this.dispose();
      throw e;
    }
    // Every chunk is claimed; the workers' last ones are as large as ours: spin briefly (a futex wake-up
    // costs tens of microseconds), then sleep, allowing them far longer than ours took, and timeoutMs.
    const deadline = performance.now() + Math.max(this.timeoutMs, 50 * (performance.now() - t0));
    const spinUntil = performance.now() + SPIN_MS;
    while (Atomics.load(ctrl, CTRL.COMPLETED) < n && performance.now() < spinUntil);
    for (;;) {
      const done = Atomics.load(ctrl, CTRL.COMPLETED);
      if (done >= n) break;
      const left = deadline - performance.now();
      if (left <= 0) this.fail(`${n - done} chunk(s) claimed by workers did not finish within ${Math.round(deadline - t0)} ms`);
      if (this.workers.some((h) => h.dead())) this.fail('a worker died during a run');
      Atomics.wait(ctrl, CTRL.COMPLETED, done, Math.min(left, 100));
    }
    const failed = Atomics.load(ctrl, CTRL.FAIL);
    if (failed & FAIL.THREW) this.fail('a worker threw while running a chunk');
    if (failed & FAIL.OUT_OF_MEMORY) throw new RangeError('WebAssembly kernels: out of memory');
    if (this.workers.length > 0) runs++;
    workerChunks += n - own;
  }

  private waitUntil(ok: () => boolean, ms: number): void {
    const until = performance.now() + ms;
    while (!ok() && performance.now() < until) Atomics.wait(this.ctrl, CTRL.LENGTH - 1, 0, 1);
  }

  private fail(why: string): never {
    this.dispose();
    throw new KernelError(`intra-op threads: ${why}`);
  }

  /** Stops and terminates every worker; the pool cannot run again. */
  dispose(): void {
    this.broken = true;
    Atomics.store(this.ctrl, CTRL.HANG, 0);
    Atomics.store(this.ctrl, CTRL.SEQ, -1);
    Atomics.notify(this.ctrl, CTRL.SEQ);
    Atomics.notify(this.ctrl, CTRL.HANG);
    for (const h of this.workers) h.terminate();
  }

  /** Test hook: terminates worker `w` (1-based); resolves once the pool can see it dead. */
  async killWorker(w: number): Promise<void> {
    const h = this.workers[w - 1]!;
    h.terminate();
    while (!h.dead()) await new Promise((r) => setTimeout(r, 5));
  }

  /**
   * Test hook (fault injection): on the next run a worker claims a chunk and holds it without finishing,
   * as a hung thread would; the caller lets it claim first.
   */
  injectHang(): void {
    Atomics.store(this.ctrl, CTRL.HANG, 1);
    this.waitForAWorker = true;
  }
}
