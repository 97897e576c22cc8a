/**
 * The intra-op worker's script, as source text so that neither Node nor a bundler has to find a file: Node
 * runs it with `new Worker(src, { eval: true })` (as CommonJS or, when the process runs with
 * --input-type=module, as a module: so it takes worker_threads from process.getBuiltinModule, not
 * require), browsers from a Blob URL (classic worker, `self`). It instantiates the threads build of the
 * kernels over the shared memory it is given, then loops: wait until SEQ changes (polling SPIN_MS, then
 * asleep), claim chunks of that run until none is left (Note [claiming chunks] in pool.ts), wait again.
 * SEQ = -1 stops it.
 */

/** Int32 slots of the control block; each on its own 64-byte line (no false sharing). */
export const CTRL = { SEQ: 0, NEXT: 16, COMPLETED: 32, FAIL: 48, HANG: 64, LENGTH: 96 } as const;
/** NEXT holds seq * CHUNK_LIMIT + the next unclaimed chunk. */
export const CHUNK_LIMIT = 4096;
/** Largest seq before it wraps to 1 (seq * CHUNK_LIMIT stays an int32). */
export const SEQ_LIMIT = 2 ** 31 / CHUNK_LIMIT - 1;
/** Float64 slots of the run's description: [chunks, export index, argc, then argc arguments per chunk]. */
export const PARAM_SLOTS = 3 + 32 * 2048;
/** Bits of FAIL: a chunk ran out of scratch memory, or threw. */
export const FAIL = { OUT_OF_MEMORY: 1, THREW: 2 } as const;
/** How long an idle worker polls SEQ before it sleeps (ms). */
export const SPIN_MS = 0.2;
/** The exports a run may call, by index. */
export const CALLS = ['gemmWith', 'conv2dRange'] as const;

/** What a worker is started with (Node's workerData, or the first message in a browser). */
export interface WorkerInit {
  /** The threads build's bytes (each worker compiles them: small, and postable everywhere). */
  bytes: Uint8Array;
  /** The shared WebAssembly.Memory. */
  memory: unknown;
  ctrl: Int32Array;
  params: Float64Array;
  /** Byte offset of this worker's scratch region in the shared memory. */
  scratch: number;
}

export const WORKER_SOURCE = `'use strict';
function start(d, post) {
  const x = new WebAssembly.Instance(new WebAssembly.Module(d.bytes), { env: { memory: d.memory } }).exports;
  const fns = ${JSON.stringify(CALLS)}.map((n) => x[n]);
  const ctrl = d.ctrl, params = d.params;
  post('ready');
  let seen = 0;
  for (;;) {
    // Poll a little before sleeping: a product often follows another, and a thread woken from a futex
    // tends to be run on its waker's core, preempting the caller (both chunks then run in turn).
    const until = performance.now() + ${SPIN_MS};
    while (Atomics.load(ctrl, ${CTRL.SEQ}) === seen && performance.now() < until);
    Atomics.wait(ctrl, ${CTRL.SEQ}, seen);
    const s = Atomics.load(ctrl, ${CTRL.SEQ});
    if (s === seen) continue;
    if (s < 0) return;
    seen = s;
    x.release(d.scratch);
    for (;;) {
      const c = Atomics.load(ctrl, ${CTRL.NEXT});
      if (Math.floor(c / ${CHUNK_LIMIT}) !== s) break;
      const i = c % ${CHUNK_LIMIT};
      if (i >= params[0]) break;
      if (Atomics.compareExchange(ctrl, ${CTRL.NEXT}, c, c + 1) !== c) continue;
      // Fault injection for tests: hold the claimed chunk until HANG is cleared.
      while (Atomics.load(ctrl, ${CTRL.HANG}) === 1) Atomics.wait(ctrl, ${CTRL.HANG}, 1, 1000);
      const argc = params[2], at = 3 + i * argc;
      try {
        if (fns[params[1]].apply(null, params.subarray(at, at + argc)) < 0) Atomics.or(ctrl, ${CTRL.FAIL}, ${FAIL.OUT_OF_MEMORY});
      } catch (e) {
        Atomics.or(ctrl, ${CTRL.FAIL}, ${FAIL.THREW});
      }
      Atomics.add(ctrl, ${CTRL.COMPLETED}, 1);
      Atomics.notify(ctrl, ${CTRL.COMPLETED});
    }
  }
}
if (typeof process === 'object' && process.versions && process.versions.node) {
  const wt = process.getBuiltinModule('worker_threads');
  try {
    start(wt.workerData, (m) => wt.parentPort.postMessage(m));
  } catch (e) {
    wt.parentPort.postMessage('failed: ' + e);
  }
} else {
  self.onmessage = (e) => {
    self.onmessage = null;
    try {
      start(e.data, (m) => self.postMessage(m));
    } catch (err) {
      self.postMessage('failed: ' + err);
    }
    self.close();
  };
}
`;
