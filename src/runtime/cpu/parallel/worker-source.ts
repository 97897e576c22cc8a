/**
 * The intra-op worker's script, as source text so that neither Node nor a bundler has to find a file: Node
 * runs it with `new Worker(src, { eval: true })` (as CommonJS or, when the process runs with
 * --input-type=module, as a module: so it takes worker_threads from process.getBuiltinModule, not
 * require), browsers from a Blob URL (classic worker, `self`). It instantiates the threads build of the kernels over the shared memory it is
 * given and then loops: wait for its sequence number to change, run the calls in its parameter slots,
 * publish DONE. A SEQ of -1 stops it (it answers DONE = -1 and returns). See Note [the control block] in
 * pool.ts for the layout.
 */

/** Int32 slots per thread in the control block (64 bytes: one cache line each, no false sharing). */
export const CTRL_STRIDE = 16;
/** Offsets within a thread's control slots. */
export const CTRL = { SEQ: 0, DONE: 1, STATUS: 2 } as const;
/** Float64 parameter slots per thread. */
export const PARAM_SLOTS = 8192;
/** STATUS values a worker publishes with DONE. */
export const STATUS = { OK: 0, OUT_OF_MEMORY: 1, THREW: 2 } as const;
/** The exports a call may name, by index (a call's first slot). */
export const CALLS = ['gemmWith', 'conv2dRange'] as const;

/** What a worker is started with (Node's workerData, or the first message in a browser). */
export interface WorkerInit {
  /** The threads build's bytes (each worker compiles them: small, and postable everywhere). */
  bytes: Uint8Array;
  /** The shared WebAssembly.Memory. */
  memory: unknown;
  ctrl: Int32Array;
  params: Float64Array;
  /** This worker's slot in ctrl and params (the caller's own share never goes through them). */
  slot: number;
  /** Byte offset of this worker's scratch region in the shared memory. */
  scratch: number;
}

export const WORKER_SOURCE = `'use strict';
function start(d, post) {
  const x = new WebAssembly.Instance(new WebAssembly.Module(d.bytes), { env: { memory: d.memory } }).exports;
  const fns = ${JSON.stringify(CALLS)}.map((n) => x[n]);
  const ctrl = d.ctrl, params = d.params;
  const o = d.slot * ${CTRL_STRIDE}, p0 = d.slot * ${PARAM_SLOTS};
  post('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, o + ${CTRL.SEQ}, seen);
    const s = Atomics.load(ctrl, o + ${CTRL.SEQ});
    if (s === seen) continue;
    if (s < 0) {
      Atomics.store(ctrl, o + ${CTRL.DONE}, -1);
      Atomics.notify(ctrl, o + ${CTRL.DONE});
      return;
    }
    seen = s;
    let status = ${STATUS.OK};
    try {
      x.release(d.scratch);
      const count = params[p0];
      let q = p0 + 1;
      for (let c = 0; c < count; c++) {
        const argc = params[q + 1];
        if (fns[params[q]].apply(null, params.subarray(q + 2, q + 2 + argc)) < 0) status = ${STATUS.OUT_OF_MEMORY};
        q += 2 + argc;
      }
    } catch (e) {
      status = ${STATUS.THREW};
    }
    Atomics.store(ctrl, o + ${CTRL.STATUS}, status);
    Atomics.store(ctrl, o + ${CTRL.DONE}, s);
    Atomics.notify(ctrl, o + ${CTRL.DONE});
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
