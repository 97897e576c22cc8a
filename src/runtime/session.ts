/**
 * `Session.create(model | bytes, { backend: 'cpu' })` then `session.run(feeds)`: checks the feeds against
 * the declared inputs, runs the execution plan, and keeps one memory arena per input shape signature.
 * Browser-safe: nothing here touches Node-only APIs.
 */
import { dataTypeName } from '../ir/dtype.js';
import { BridgeError, KernelError, UnsupportedOpsError, UsageError, type UnsupportedOp } from '../ir/errors.js';
import type { Graph } from '../ir/graph.js';
import type { Model, OpsetImports } from '../ir/model.js';
import type { Value } from '../ir/value.js';
import { decodeModelProto } from '../formats/onnx/codec.js';
import { importModel } from '../importers/onnx/index.js';
import type { Backend } from './backend.js';
import type { KernelContext } from './kernel.js';
import { Arena, type MemoryStats } from './memory.js';
import { buildPlan, type ExecutionPlan, type PlanStep } from './plan.js';
import type { KernelRegistry } from './registry.js';
import { Tensor, tensorTypeOf, type TensorType } from './tensor.js';
import { valueKindOf, type RuntimeValue } from './values.js';
import { cpuBackend } from './cpu/index.js';
import { expandFunctions } from './function-expand.js';

export interface SessionOptions {
  backend?: 'cpu' | Backend;
}

const MAX_CACHED_SIGNATURES = 8;
/** Per step: enough for the signatures a session caches plus a Loop body's changing shapes. */
const MAX_MEMO_ENTRIES = 16;

export class Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private readonly arenas = new Map<string, Arena>();
  private last?: Arena;

  private constructor(
    readonly model: Model,
    private readonly plan: ExecutionPlan,
    private readonly graphs: GraphRunner,
  ) {
    this.inputNames = plan.inputs.map((i) => i.name);
    this.outputNames = plan.outputs.map((o) => o.name);
  }

  /**
   * Builds the execution plan; every op without a kernel is reported at once (UnsupportedOpsError).
   * A kernel-less call of a model-local function or of an op with an ONNX function body is first replaced
   * by that body, in place (a Model passed in is changed only where it could not have run otherwise).
   */
  static async create(source: Model | Uint8Array, options: SessionOptions = {}): Promise<Session> {
    const model = source instanceof Uint8Array ? importModel(decodeModelProto(source)) : source;
    const backend = options.backend === undefined || options.backend === 'cpu' ? cpuBackend : options.backend;
    await backend.init?.();
    expandFunctions(model, backend.kernels);
    const graphs = new GraphRunner(model.opsetImports, backend.kernels);
    // Every graph is planned before any error is thrown, so missing kernels in subgraphs are reported too.
    const missing: UnsupportedOpsError[] = [];
    const plan = collectUnsupported(missing, () => buildPlan(model.graph, model.opsetImports, backend.kernels));
    graphs.prepareSubgraphs(model.graph, missing);
    if (missing.length > 0) throw mergeUnsupported(missing);
    return new Session(model, plan!, graphs);
  }

  /** Memory statistics of the last run (buffers allocated vs reused). */
  get lastRunStats(): MemoryStats {
    return this.last?.stats ?? { allocated: 0, reused: 0 };
  }

  /** Runs a model whose outputs are tensors; see `runValues` for sequence and optional inputs/outputs. */
  async run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
    const got = await this.runValues(feeds);
    for (const [name, v] of Object.entries(got)) {
      if (!(v instanceof Tensor)) throw new UsageError(`output ${JSON.stringify(name)} is a ${valueKindOf(v)}: use runValues`);
    }
    return got as Record<string, Tensor>;
  }

  /** Like `run`, with feeds and outputs that may be tensors, sequences (TensorSequence) or optionals (OptionalValue). */
  async runValues(feeds: Readonly<Record<string, RuntimeValue>>): Promise<Record<string, RuntimeValue>> {
    const values: (RuntimeValue | undefined)[] = new Array(this.plan.slotCount);
    for (const c of this.plan.constants) values[c.slot] = c.tensor;
    const sig: string[] = [];
    for (const inp of this.plan.inputs) {
      const t = feeds[inp.name];
      if (t === undefined) {
        if (values[inp.slot] !== undefined) continue; // an initializer-backed input
        throw new UsageError(`missing feed for input ${JSON.stringify(inp.name)}`);
      }
      checkFeed(inp.name, inp.value.type, t);
      values[inp.slot] = t;
      sig.push(t instanceof Tensor ? `${t.type}[${t.dims.join(',')}]` : valueKindOf(t));
    }
    for (const name of Object.keys(feeds)) {
      if (!this.inputNames.includes(name)) throw new UsageError(`feed ${JSON.stringify(name)} is not an input of the model (inputs: ${this.inputNames.join(', ')})`);
    }
    const arena = this.arenaFor(sig.join(';'));
    arena.beginRun();
    this.last = arena;
    executePlan(this.plan, values, arena, this.graphs, () => undefined);
    const out: Record<string, RuntimeValue> = {};
    for (const o of this.plan.outputs) {
      const t = values[o.slot];
      if (t === undefined) throw new KernelError(`output ${JSON.stringify(o.name)} was not computed`);
      out[o.name] = t;
    }
    return out;
  }

  private arenaFor(sig: string): Arena {
    let a = this.arenas.get(sig);
    if (a) return a;
    if (this.arenas.size >= MAX_CACHED_SIGNATURES) this.arenas.delete(this.arenas.keys().next().value!);
    this.arenas.set(sig, (a = new Arena()));
    return a;
  }
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

function collectUnsupported<T>(missing: UnsupportedOpsError[], f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof UnsupportedOpsError)) throw e;
    missing.push(e);
    return undefined;
  }
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

/** Outer-scope lookup: the tensor an enclosing graph holds for `v`, if any. */
type ScopeLookup = (v: Value) => RuntimeValue | undefined;

/**
 * Runs subgraphs (If branches, Loop/Scan bodies) for kernels: one execution plan and one arena per graph,
 * built when the session is created; outer-scope values are read through the enclosing frames' lookups.
 */
class GraphRunner {
  private readonly plans = new Map<Graph, { plan: ExecutionPlan; arena: Arena }>();

  constructor(
    private readonly imports: OpsetImports,
    private readonly kernels: KernelRegistry,
  ) {}

  /** Plans every subgraph under `graph`, so a missing kernel inside one is reported at creation. */
  prepareSubgraphs(graph: Graph, missing: UnsupportedOpsError[]): void {
    for (const node of graph) {
      for (const g of node.subgraphs()) {
        collectUnsupported(missing, () => this.entry(g));
        this.prepareSubgraphs(g, missing);
      }
    }
  }

  private entry(graph: Graph): { plan: ExecutionPlan; arena: Arena } {
    let e = this.plans.get(graph);
    if (!e) this.plans.set(graph, (e = { plan: buildPlan(graph, this.imports, this.kernels), arena: new Arena() }));
    return e;
  }

  run(graph: Graph, inputs: readonly RuntimeValue[], outer: ScopeLookup): RuntimeValue[] {
    const { plan, arena } = this.entry(graph);
    if (inputs.length !== graph.inputs.length) {
      throw new KernelError(`subgraph ${JSON.stringify(graph.name)} takes ${graph.inputs.length} inputs, got ${inputs.length}`);
    }
    const values: (RuntimeValue | undefined)[] = new Array(plan.slotCount);
    for (const c of plan.constants) values[c.slot] = c.tensor;
    for (const o of plan.outer) {
      const t = outer(o.value);
      if (t === undefined) throw new KernelError(`subgraph ${JSON.stringify(graph.name)} reads ${JSON.stringify(o.value.name)}, which has no value`);
      values[o.slot] = t;
    }
    graph.inputs.forEach((v, i) => (values[plan.slots.get(v)!] = inputs[i]));
    executePlan(plan, values, arena, this, outer);
    return plan.outputs.map((o) => {
      const t = values[o.slot];
      if (t === undefined) throw new KernelError(`subgraph output ${JSON.stringify(o.name)} was not computed`);
      return t;
    });
  }
}

/** Runs every step of `plan` over `values` (inputs, constants and outer values already set). */
function executePlan(plan: ExecutionPlan, values: (RuntimeValue | undefined)[], arena: Arena, graphs: GraphRunner, outer: ScopeLookup): void {
  const scope: ScopeLookup = (v) => {
    const s = plan.slots.get(v);
    return (s === undefined ? undefined : values[s]) ?? outer(v);
  };
  for (const step of plan.steps) {
    runStep(step, values, arena, plan.outputSlots, (g, inputs) => graphs.run(g, inputs, scope));
    for (const s of step.release) {
      arena.release(s);
      values[s] = undefined;
    }
  }
}

function runStep(
  step: PlanStep,
  values: (RuntimeValue | undefined)[],
  arena: Arena,
  outputSlots: ReadonlySet<number>,
  runGraph: (g: Graph, inputs: readonly RuntimeValue[]) => RuntimeValue[],
): void {
  const where = { node: step.node.name ?? '', op: step.label };
  const ctx: KernelContext = {
    opType: step.node.opType,
    domain: step.node.domain,
    nodeName: step.node.name ?? '',
    opset: step.opset,
    attrs: step.attrs,
    inputCount: step.inputs.length,
    outputCount: step.outputs.length,
    input(i) {
      const t = this.optionalInput(i);
      if (t === undefined) throw new KernelError(`input ${i} is missing`, where);
      return t;
    },
    optionalInput(i) {
      const v = this.inputValue(i);
      if (v === undefined || v instanceof Tensor) return v;
      throw new KernelError(`input ${i} (${JSON.stringify(step.node.inputs[i]?.name)}) is a ${valueKindOf(v)}, not a tensor`, where);
    },
    inputValue(i) {
      const s = step.inputs[i];
      if (s === undefined || s < 0) return undefined;
      const v = values[s];
      if (v === undefined) throw new KernelError(`input ${i} (${JSON.stringify(step.node.inputs[i]?.name)}) has no value`, where);
      return v;
    },
    output(i: number, dims: readonly number[], type: TensorType) {
      const s = step.outputs[i] ?? -1;
      const t = arena.allocate(s, dims, type, s >= 0 && !outputSlots.has(s));
      if (s >= 0) values[s] = t;
      return t;
    },
    memo<T>(key: string, make: () => T): T {
      if (step.memo.has(key)) return step.memo.get(key) as T;
      const v = make();
      if (step.memo.size >= MAX_MEMO_ENTRIES) step.memo.delete(step.memo.keys().next().value!);
      step.memo.set(key, v);
      return v;
    },
    setOutput(i, t) {
      const s = step.outputs[i] ?? -1;
      if (s >= 0) values[s] = t;
    },
    setValue(i, v) {
      const s = step.outputs[i] ?? -1;
      if (s >= 0) values[s] = v;
    },
    hasOutput(i) {
      return (step.outputs[i] ?? -1) >= 0;
    },
    error(message) {
      return new KernelError(message, where);
    },
    runGraph(g, inputs) {
      return runGraph(g, inputs).map((v, k) => {
        if (v instanceof Tensor) return v;
        throw new KernelError(`subgraph output ${k} is a ${valueKindOf(v)}: this kernel takes tensors only`, where);
      });
    },
    runGraphValues: runGraph,
  };
  try {
    step.kernel(ctx);
  } catch (e) {
    if (e instanceof BridgeError) throw e;
    throw new KernelError(`kernel failed: ${(e as Error).message ?? String(e)}`, where, { cause: e });
  }
}
