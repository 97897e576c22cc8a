/**
 * `Session.create(model | bytes, { backend: 'cpu' })` then `session.run(feeds)`: checks the feeds against
 * the declared inputs, runs the execution plan, and keeps one memory arena per input shape signature.
 * Browser-safe: nothing here touches Node-only APIs.
 */
import { dataTypeName } from '../ir/dtype.js';
import { KernelError, UnsupportedOpsError, UsageError, type UnsupportedOp } from '../ir/errors.js';
import type { Model } from '../ir/model.js';
import { decodeModelProto } from '../formats/onnx/codec.js';
import { importModel } from '../importers/onnx/index.js';
import type { Backend } from './backend.js';
import { collectUnsupported, Frame, GraphRunner } from './executor.js';
import { Arena, type MemoryStats } from './memory.js';
import { GRAPH_OPTIMIZATION_LEVELS, optimizeModel, type GraphOptimizationLevel } from './optimize.js';
import { buildPlan, type ExecutionPlan, type PlanOptions } from './plan.js';
import { Tensor, tensorTypeOf } from './tensor.js';
import { valueKindOf, type RuntimeValue } from './values.js';
import { cpuBackend } from './cpu/index.js';
import { fuseActivations } from './cpu/fusion/activation.js';
import { fuseElementwiseChains, mayRunInPlace } from './cpu/fusion/elementwise-chain.js';
import { expandFunctions } from './function-expand.js';
import { intraOpThreads, setIntraOpThreads, withThreadLimit } from './cpu/parallel/index.js';

export type { GraphOptimizationLevel };

export interface SessionOptions {
  backend?: 'cpu' | Backend;
  /**
   * How much the session rewrites its own copy of the model and plan, in the spirit of onnxruntime's
   * graphOptimizationLevel. 'none': every node runs as given. 'basic': constants folded
   * (fold-constants), inference BatchNormalization folded into the Conv before it, and steps that depend
   * only on constants or on input shapes computed once and kept (Note [cached steps] in plan.ts). 'all'
   * (the default): also, on the CPU backend, a Conv/Gemm/MatMul and the activation that alone reads its
   * output (Relu, Clip, LeakyRelu, HardSigmoid, HardSwish, Sigmoid) run as one step, chains of float32
   * elementwise ops run as one fused step, and elementwise outputs reuse the buffer of an input that dies
   * there. Graph outputs are never fused away,
   * and the Model passed in is not changed by any of this.
   */
  graphOptimization?: GraphOptimizationLevel;
  /**
   * Threads (this one plus workers) that large float32 MatMul/Gemm/Conv may split their output across,
   * like onnxruntime's intraOpNumThreads; results are bit-identical to one thread. Each session keeps its
   * own count; the worker pool is shared by the sessions of a JavaScript thread and grows to the largest
   * count asked for. Unset: the pool's setting (`setIntraOpThreads`, 1 by default). On a browser's main
   * thread it stays 1 (Atomics.wait is not allowed there).
   */
  intraOpNumThreads?: number;
}

const MAX_CACHED_SIGNATURES = 8;


export class Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private readonly inputSet: ReadonlySet<string>;
  private readonly arenas = new Map<string, Arena>();
  /** The arena of the last run (for its stats). */
  private last?: Arena;
  /**
   * The last signature that passed the checks and its arena: per input, the tensor type (`<sequence>` or
   * `<optional>` for other kinds, '' when not fed) and dims.
   */
  private lastArena?: Arena;
  private readonly lastKeys: string[];
  private readonly lastDims: (readonly number[] | undefined)[];
  private readonly frame: Frame;

  private constructor(
    readonly model: Model,
    private readonly plan: ExecutionPlan,
    graphs: GraphRunner,
    /** This session's intra-op thread limit; undefined: the pool's setting. */
    private readonly threads?: number,
  ) {
    this.inputNames = plan.inputs.map((i) => i.name);
    this.outputNames = plan.outputs.map((o) => o.name);
    this.inputSet = new Set(this.inputNames);
    this.lastKeys = plan.inputs.map(() => '');
    this.lastDims = plan.inputs.map(() => undefined);
    this.frame = new Frame(plan, graphs);
  }

  /**
   * Builds the execution plan; every op without a kernel is reported at once (UnsupportedOpsError).
   * A kernel-less call of a model-local function or of an op with an ONNX function body is first replaced
   * by that body, in place (a Model passed in is changed only where it could not have run otherwise).
   * Graph optimizations (see SessionOptions.graphOptimization) work on a copy.
   */
  static async create(source: Model | Uint8Array, options: SessionOptions = {}): Promise<Session> {
    const model = source instanceof Uint8Array ? importModel(decodeModelProto(source)) : source;
    const backend = options.backend === undefined || options.backend === 'cpu' ? cpuBackend : options.backend;
    const level = options.graphOptimization ?? 'all';
    if (!GRAPH_OPTIMIZATION_LEVELS.includes(level)) {
      throw new UsageError(`graphOptimization must be one of ${GRAPH_OPTIMIZATION_LEVELS.join(', ')}, got ${JSON.stringify(level)}`);
    }
    await backend.init?.();
    const threads = options.intraOpNumThreads;
    if (threads !== undefined) {
      if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`intra-op threads must be an integer >= 1, got ${threads}`);
      if (threads > intraOpThreads()) await setIntraOpThreads(threads);
    }
    expandFunctions(model, backend.kernels);
    const planned = level === 'none' ? model : optimizeModel(model);
    const planOptions: PlanOptions = level === 'none' ? {} : level === 'basic' || backend !== cpuBackend ? { cache: true } : { cache: true, fuse: [fuseActivations, fuseElementwiseChains], inPlace: mayRunInPlace };
    const graphs = new GraphRunner(planned.opsetImports, backend.kernels, planOptions);
    // Every graph is planned before any error is thrown, so missing kernels in subgraphs are reported too.
    const missing: UnsupportedOpsError[] = [];
    const plan = collectUnsupported(missing, () => buildPlan(planned.graph, planned.opsetImports, backend.kernels, planOptions));
    graphs.prepareSubgraphs(planned.graph, missing);
    if (missing.length > 0) throw mergeUnsupported(missing);
    return new Session(model, plan!, graphs, threads);
  }

  /** Memory statistics of the last run (buffers allocated vs reused). */
  get lastRunStats(): MemoryStats {
    return this.last?.stats ?? { allocated: 0, reused: 0 };
  }

  /** Runs a model whose outputs are tensors; see `runValues` for sequence and optional inputs/outputs. */
  async run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
    const got = await this.runValues(feeds);
    for (const name in got) {
      const v = got[name]!;
      if (!(v instanceof Tensor)) throw new UsageError(`output ${JSON.stringify(name)} is a ${valueKindOf(v)}: use runValues`);
    }
    return got as Record<string, Tensor>;
  }

  /** Like `run`, with feeds and outputs that may be tensors, sequences (TensorSequence) or optionals (OptionalValue). */
  async runValues(feeds: Readonly<Record<string, RuntimeValue>>): Promise<Record<string, RuntimeValue>> {
    const { plan, frame } = this;
    if (frame.active) throw new UsageError('a run of this session is already in progress');
    frame.active = true;
    try {
      const arena = this.setFeeds(feeds);
      arena.beginRun();
      this.last = arena;
      frame.arena = arena;
      if (this.threads === undefined) frame.execute();
      else withThreadLimit(this.threads, () => frame.execute());
      const out: Record<string, RuntimeValue> = {};
      for (const o of plan.outputs) {
        const t = frame.values[o.slot];
        if (t === undefined) throw new KernelError(`output ${JSON.stringify(o.name)} was not computed`);
        out[o.name] = t;
      }
      return out;
    } finally {
      frame.active = false;
      frame.clear();
    }
  }

  /**
   * Checks the feeds against the declared inputs and puts them in the frame; returns the arena for their
   * signature. Feeds of the same kind, type and dims as the last run's passed the checks already, and
   * keep the last run's arena.
   */
  private setFeeds(feeds: Readonly<Record<string, RuntimeValue>>): Arena {
    const inputs = this.plan.inputs;
    const values = this.frame.values;
    const keys = this.lastKeys;
    let same = this.lastArena !== undefined;
    let given = 0;
    for (let k = 0; k < inputs.length; k++) {
      const inp = inputs[k]!;
      const v = feeds[inp.name];
      if (v === undefined) {
        if (inp.fallback === undefined) throw new UsageError(`missing feed for input ${JSON.stringify(inp.name)}`);
        values[inp.slot] = inp.fallback;
        if (keys[k] !== '') same = false;
        continue;
      }
      given++;
      values[inp.slot] = v;
      if (same && v instanceof Tensor && keys[k] === v.type && sameDims(this.lastDims[k], v.dims)) continue;
      same = false;
      checkFeed(inp.name, inp.value.type, v);
    }
    let count = 0;
    for (const _ in feeds) count++;
    if (count !== given) {
      for (const name in feeds) {
        if (!this.inputSet.has(name)) throw new UsageError(`feed ${JSON.stringify(name)} is not an input of the model (inputs: ${this.inputNames.join(', ')})`);
      }
    }
    if (same) return this.lastArena!;
    for (let k = 0; k < inputs.length; k++) {
      const v = feeds[inputs[k]!.name];
      keys[k] = v === undefined ? '' : v instanceof Tensor ? v.type : `<${valueKindOf(v)}>`;
      this.lastDims[k] = v instanceof Tensor ? [...v.dims] : undefined;
    }
    const sig = keys.map((key, k) => `${key}[${this.lastDims[k]?.join(',') ?? ''}]`).join(';');
    let a = this.arenas.get(sig);
    if (a === undefined) {
      if (this.arenas.size >= MAX_CACHED_SIGNATURES) this.arenas.delete(this.arenas.keys().next().value!);
      this.arenas.set(sig, (a = new Arena(this.plan.slotCount)));
    }
    return (this.lastArena = a);
  }
}

function sameDims(a: readonly number[] | undefined, b: readonly number[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkFeed(name: string, declared: Model['graph']['inputs'][number]['type'], v: RuntimeValue): void {
  if (declared === undefined) return;
  const kind = valueKindOf(v);
  if (kind !== declared.kind) throw new UsageError(`input ${JSON.stringify(name)} must be a ${declared.kind}, got a ${kind}`);
  if (declared.kind !== 'tensor') return;
  const t = v as Tensor;
  const want = tensorTypeOf(declared.dtype);
  if (want !== undefined && want !== t.type) {
    throw new UsageError(`input ${JSON.stringify(name)} must be ${want} (${dataTypeName(declared.dtype)}), got ${t.type}`);
  }
  const shape = declared.shape;
  if (shape === undefined) return;
  if (shape.length !== t.dims.length) {
    throw new UsageError(`input ${JSON.stringify(name)} must have rank ${shape.length}, got dims [${t.dims.join(',')}]`);
  }
  shape.forEach((d, i) => {
    if (typeof d === 'number' && d !== t.dims[i]) {
      throw new UsageError(`input ${JSON.stringify(name)}: dim ${i} must be ${d}, got ${t.dims[i]} (dims [${t.dims.join(',')}])`);
    }
  });
}

/** One error for the unsupported ops of every graph, counts summed per op. */
function mergeUnsupported(errors: readonly UnsupportedOpsError[]): UnsupportedOpsError {
  if (errors.length === 1) return errors[0]!;
  const byOp = new Map<string, UnsupportedOp>();
  for (const o of errors.flatMap((e) => e.ops)) {
    const m = byOp.get(o.op);
    if (m) m.count += o.count;
    else byOp.set(o.op, { ...o });
  }
  return new UnsupportedOpsError([...byOp.values()].sort((a, b) => (a.op < b.op ? -1 : 1)));
}
