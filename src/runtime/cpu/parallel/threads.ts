/**
 * The intra-op thread setting of the CPU backend (like onnxruntime's intraOpNumThreads): one pool per
 * JavaScript thread, shared by every session on it. The default is 1, which runs nothing in parallel and
 * starts no worker. With more, float32 MatMul/Gemm/Conv whose work (multiply-adds) is large enough cut
 * their output into chunks the threads share (gemm.ts, conv.ts, pool.ts), with results bit-identical to
 * one thread.
 */
import { UsageError } from '../../../ir/errors.js';
import { ThreadPool, unsupportedReason } from './pool.js';

export { parallelRuns } from './pool.js';

/**
 * Multiply-adds each thread's share must have, so that one more thread pays. Measured with m = n = k
 * products on this 2-core machine, whose second core is often busy with other work, so as the best of
 * many interleaved runs over a minute: 2 threads against 1 give 1.0x at 0.26M multiply-adds, 1.4x at 0.9M,
 * 1.57x at 2.1M (128^3), 1.7x at 4M and up; when no second core is free, splitting costs 3-10% (the
 * chunks' overheads and a futex wake-up). So two threads from 2.1M multiply-adds on. No product of the
 * torch fixture models comes near (parallel/session.test.ts checks that none is split).
 */
export const MIN_WORK_PER_THREAD = 1 << 20;
/** How long a run waits at least for a worker (it also allows 50x the caller's own share). */
const DEFAULT_TIMEOUT_MS = 10_000;

export interface IntraOpOptions {
  /** Multiply-adds each thread's share must reach (default MIN_WORK_PER_THREAD); tests lower it. */
  minWorkPerThread?: number;
  /** Milliseconds a run waits at least for a worker before a KernelError, and a worker may take to start. */
  timeoutMs?: number;
}

let wanted = 1;
let pool: ThreadPool | undefined;
let minWork = MIN_WORK_PER_THREAD;
let pending: Promise<number> = Promise.resolve(1);

/**
 * Sets the number of threads (the caller's plus workers) float32 products may use, and starts or stops
 * the workers; resolves to the number actually in use: 1 where the platform cannot block on a shared
 * memory (a browser's main thread, a page that is not cross-origin isolated, no workers). Rejects with a
 * KernelError when the workers fail to start. Calls are applied in order.
 */
export function setIntraOpThreads(threads: number, options: IntraOpOptions = {}): Promise<number> {
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`intra-op threads must be an integer >= 1, got ${threads}`);
  const next = pending.then(async () => {
    minWork = options.minWorkPerThread ?? MIN_WORK_PER_THREAD;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (pool && !pool.broken && pool.threads === threads && threads === wanted) return threads;
    pool?.dispose();
    pool = undefined;
    wanted = threads;
    if (threads === 1 || unsupportedReason() !== undefined) return 1;
    pool = await ThreadPool.create(threads, timeoutMs);
    return threads;
  });
  // A failed start leaves one thread and does not poison later calls.
  pending = next.catch(() => 1);
  return next;
}

/** The threads in use now (1 before setIntraOpThreads resolves, or after the pool broke). */
export function intraOpThreads(): number {
  return pool && !pool.broken ? pool.threads : 1;
}

/** Why a pool cannot run on this thread, or undefined when it can. */
export function intraOpUnsupportedReason(): string | undefined {
  return unsupportedReason();
}

/** Chunks per thread a run is cut into, so threads that start late or run slow still share evenly. */
const CHUNKS_PER_THREAD = 4;

/**
 * The pool and into how many chunks (at most) a product of `work` multiply-adds should be cut, or
 * undefined when it should run on one thread (no pool, or too little work to pay for a second thread).
 * Each chunk keeps at least a quarter of MIN_WORK_PER_THREAD's work (its packing and call overheads).
 */
export function poolFor(work: number): { pool: ThreadPool; chunks: number } | undefined {
  if (!pool || pool.broken) return undefined;
  const threads = Math.min(pool.threads, limit, Math.floor(work / minWork));
  if (threads < 2) return undefined;
  return { pool, chunks: Math.max(threads, Math.min(threads * CHUNKS_PER_THREAD, Math.floor(work / (minWork / CHUNKS_PER_THREAD)))) };
}

let limit = Infinity;

/**
 * Runs `f` (synchronous) with at most `threads` threads per product, the pool left as it is: a session's
 * own intraOpNumThreads, and one thread against several in one process (bench/threads.mjs).
 */
export function withThreadLimit<T>(threads: number, f: () => T): T {
  const outer = limit;
  limit = Math.min(outer, threads);
  try {
    return f();
  } finally {
    limit = outer;
  }
}

/** Runs `f` (synchronous) with every product on the calling thread, the pool left running. */
export function onOneThread<T>(f: () => T): T {
  return withThreadLimit(1, f);
}

/** Test hook: the live pool. */
export function currentPool(): ThreadPool | undefined {
  return pool;
}
