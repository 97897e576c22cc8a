/**
 * Starting intra-op workers where the platform has them, without importing Node: under Node,
 * `worker_threads` comes from `process.getBuiltinModule` (Node >= 20.16, so a browser bundle holds no
 * `node:` import); elsewhere the global `Worker` runs the script from a Blob URL. Each started worker is
 * unref'd in Node, so a pool never keeps a process alive.
 */
import { WORKER_SOURCE, type WorkerInit } from './worker-source.js';

/** A started worker, whichever platform. */
export interface ThreadHandle {
  /** Resolves once the worker instantiated the kernels; rejects when it failed or died first. */
  readonly ready: Promise<void>;
  /** Whether the worker exited or reported an error since it started (seen only between kernel calls). */
  dead(): boolean;
  terminate(): void;
}

/** Node's worker_threads.Worker, the part used here. */
interface NodeWorker {
  on(event: 'message' | 'error' | 'exit', f: (v: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
type NodeWorkerCtor = new (src: string, opts: { eval: true; workerData: unknown }) => NodeWorker;

/** A browser Worker, the part used here. */
interface WebWorker {
  addEventListener(event: 'message' | 'error', f: (e: { data?: unknown; message?: string }) => void): void;
  postMessage(msg: unknown): void;
  terminate(): void;
}
interface WebGlobals {
  Worker?: new (url: string) => WebWorker;
  Blob?: new (parts: string[], opts: { type: string }) => unknown;
  URL?: { createObjectURL(blob: unknown): string; revokeObjectURL(url: string): void };
  process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown };
}

const G = globalThis as WebGlobals;

/** Node's Worker constructor, when running under Node. */
function nodeWorker(): NodeWorkerCtor | undefined {
  if (G.process?.versions?.node === undefined) return undefined;
  const mod = G.process.getBuiltinModule?.('worker_threads') as { Worker?: NodeWorkerCtor } | undefined;
  return mod?.Worker;
}

/** Whether this platform can start workers at all. */
export function canSpawn(): boolean {
  return nodeWorker() !== undefined || (G.Worker !== undefined && G.Blob !== undefined && G.URL !== undefined);
}

/** Starts one worker with `init`; see ThreadHandle. */
export function spawnThread(init: WorkerInit): ThreadHandle {
  let died = false;
  let settle: { ok(): void; fail(why: string): void } | undefined;
  const ready = new Promise<void>((ok, fail) => {
    settle = { ok, fail: (why) => fail(new Error(why)) };
  });
  const onMessage = (m: unknown): void => {
    if (m === 'ready') settle?.ok();
    else {
      died = true;
      settle?.fail(String(m));
    }
  };
  const onDeath = (why: string): void => {
    died = true;
    settle?.fail(why);
  };
  const Node = nodeWorker();
  if (Node) {
    const w = new Node(WORKER_SOURCE, { eval: true, workerData: init });
    w.on('message', onMessage);
    w.on('error', (e) => onDeath(`worker error: ${String(e)}`));
    w.on('exit', (code) => onDeath(`worker exited with code ${String(code)}`));
    // After the listeners: adding a 'message' listener refs the worker again.
    w.unref();
    return { ready, dead: () => died, terminate: () => void w.terminate() };
  }
  const url = G.URL!.createObjectURL(new G.Blob!([WORKER_SOURCE], { type: 'text/javascript' }));
  const w = new G.Worker!(url);
  w.addEventListener('message', (e) => onMessage(e.data));
  w.addEventListener('error', (e) => onDeath(`worker error: ${e.message ?? 'unknown'}`));
  w.postMessage(init);
  void ready.then(
    () => G.URL!.revokeObjectURL(url),
    () => G.URL!.revokeObjectURL(url),
  );
  return {
    ready,
    dead: () => died,
    terminate: () => {
      died = true;
      w.terminate();
    },
  };
}
