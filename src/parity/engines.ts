/**
 * The engines `run` and `parity` can run a model on, behind one call: feeds in, named IR tensors out.
 * onnxruntime-node runs at one thread (a stable summation order) and a chosen graph optimisation level,
 * so `parity --against onnxruntime` compares the optimised graph with the unoptimised one.
 */
import ort from 'onnxruntime-node';
import { DataType } from '../ir/dtype.js';
import { CheckError, UsageError } from '../ir/errors.js';
import { ArrayTensor, StringTensor, type Tensor } from '../ir/tensor.js';
import { decodeModel, loadModel } from '../api/model-io.js';
import { Session, fromIrTensor, toIrTensor } from '../runtime/index.js';
import type { NamedTensor } from './inputs.js';
import { toOrtTensor } from './ort-tensors.js';

export type Backend = 'onnxruntime' | 'cpu';
export const BACKENDS: readonly Backend[] = ['onnxruntime', 'cpu'];

export type OptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface EngineOptions {
  /** onnxruntime only; default 'all' (onnxruntime's own default). */
  optimization?: OptimizationLevel;
  /** Our CPU engine only: intra-op threads for large float32 products (SessionOptions.intraOpNumThreads). */
  threads?: number;
}

/** What a run is called in reports: `onnxruntime`, `onnxruntime (optimization disabled)`, `cpu`. */
export function engineLabel(backend: Backend, options: EngineOptions = {}): string {
  return backend === 'onnxruntime' && options.optimization !== undefined && options.optimization !== 'all' ? `onnxruntime (optimization ${options.optimization})` : backend;
}

/** A loaded model on one engine; `run` may be called once per input set. Call `release` when done. */
export interface EngineSession {
  readonly label: string;
  run(feeds: readonly NamedTensor[]): Promise<NamedTensor[]>;
  release(): Promise<void>;
}

export async function openEngine(model: string | Uint8Array, backend: Backend, options: EngineOptions = {}): Promise<EngineSession> {
  if (backend === 'cpu') return openCpu(model, options.threads);
  const opts: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
    graphOptimizationLevel: options.optimization ?? 'all',
  };
  let session: ort.InferenceSession;
  try {
    session = typeof model === 'string' ? await ort.InferenceSession.create(model, opts) : await ort.InferenceSession.create(model, opts);
  } catch (e) {
    throw new CheckError(`onnxruntime could not load the model: ${firstLine(e)}`);
  }
  const label = engineLabel(backend, options);
  return {
    label,
    async run(feeds) {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const f of feeds) ortFeeds[f.name] = toOrtTensor(f.tensor, `input ${f.name}`);
      let out: ort.InferenceSession.ReturnType;
      try {
        out = await session.run(ortFeeds);
      } catch (e) {
        throw new CheckError(`${label} could not run the model: ${firstLine(e)}`);
      }
      return session.outputNames.map((name) => ({ name, tensor: fromOrt(out[name]!, name) }));
    },
    release: () => session.release(),
  };
}

/** Our own engine (src/runtime), fed and read through its IR tensor conversions. */
async function openCpu(model: string | Uint8Array, threads?: number): Promise<EngineSession> {
  const ir = typeof model === 'string' ? await loadModel(model) : decodeModel(model);
  const session = await Session.create(ir, { backend: 'cpu', ...(threads !== undefined ? { intraOpNumThreads: threads } : {}) });
  return {
    label: 'cpu',
    async run(feeds) {
      const out = await session.run(Object.fromEntries(feeds.map((f) => [f.name, fromIrTensor(f.tensor)])));
      return session.outputNames.map((name) => ({ name, tensor: toIrTensor(out[name]!) }));
    },
    release: async () => {},
  };
}

const FROM_ORT: Record<string, { dtype: DataType; make?: (d: unknown) => ArrayTensor['data'] }> = {
  float32: { dtype: DataType.FLOAT },
  float64: { dtype: DataType.DOUBLE },
  // float16 arrives as its bit patterns (Uint16Array) where the platform has no Float16Array.
  float16: { dtype: DataType.FLOAT16, make: (d) => (d instanceof Uint16Array ? d : Uint16Array.from(d as ArrayLike<number>)) },
  int8: { dtype: DataType.INT8 },
  uint8: { dtype: DataType.UINT8 },
  int16: { dtype: DataType.INT16 },
  uint16: { dtype: DataType.UINT16 },
  int32: { dtype: DataType.INT32 },
  uint32: { dtype: DataType.UINT32 },
  int64: { dtype: DataType.INT64 },
  uint64: { dtype: DataType.UINT64 },
  bool: { dtype: DataType.BOOL, make: (d) => Uint8Array.from(d as ArrayLike<number | boolean>, (x) => (x ? 1 : 0)) },
};

/** An onnxruntime output as an IR tensor (values copied: onnxruntime may reuse its buffers). */
function fromOrt(t: ort.Tensor, name: string): Tensor {
  const dims = t.dims.map(Number);
  if (t.type === 'string') return new StringTensor(dims, (t.data as string[]).map((s) => new TextEncoder().encode(s)));
  const kind = FROM_ORT[t.type];
  if (kind === undefined) throw new UsageError(`output ${name} is ${t.type}, which onnxbridge cannot read back from onnxruntime`);
  const data = kind.make ? kind.make(t.data) : (t.data as ArrayTensor['data']).slice();
  const out = new ArrayTensor(kind.dtype, dims, data);
  out.name = name;
  return out;
}

function firstLine(e: unknown): string {
  return e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
}
