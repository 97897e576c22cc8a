/**
 * Running an execution plan. A Frame holds one plan's slot values and one prebuilt KernelContext per step,
 * made once and reused by every run, so a step costs a kernel call and nothing else: no per-run closures
 * or objects besides the tensors the kernels make. GraphRunner gives kernels their subgraphs (If branches,
 * Loop/Scan bodies), one plan and frame per graph, built when the session is created.
 */
import { BridgeError, KernelError, UnsupportedOpsError } from '../ir/errors.js';
import type { Graph } from '../ir/graph.js';
import type { OpsetImports } from '../ir/model.js';
import type { Value } from '../ir/value.js';
import type { Epilogue, KernelContext } from './kernel.js';
import { Arena } from './memory.js';
import { buildPlan, type ExecutionPlan, type FusedStep, type PlanOptions, type PlanStep } from './plan.js';
import type { KernelRegistry } from './registry.js';
import { Tensor, type TensorType } from './tensor.js';
import { valueKindOf, type RuntimeValue } from './values.js';

/** Per step: enough for the signatures a session caches plus a Loop body's changing shapes. */
const MAX_MEMO_ENTRIES = 16;

/** Outer-scope lookup: the value an enclosing graph holds for `v`, if any. */
export type ScopeLookup = (v: Value) => RuntimeValue | undefined;

const noOuter: ScopeLookup = () => undefined;

/** One plan's state across runs: slot values, step contexts, cached step outputs (Note [cached steps]). */
export class Frame {
  readonly values: (RuntimeValue | undefined)[];
  /** The scope subgraphs of this plan's steps see: this frame's values, then the enclosing scopes. */
  readonly scope: ScopeLookup;
  arena: Arena;
  outer: ScopeLookup = noOuter;
  /** True while a run is in progress (a frame is not re-entrant). */
  active = false;
  private readonly contexts: StepContext[];
  private readonly partContexts: (StepContext[] | undefined)[];
  private readonly cached: (RuntimeValue[] | undefined)[];
  private readonly cachedDims: (readonly number[] | undefined)[];
  /** Per slot: the run in which a cached step last recomputed it. */
  private readonly stamps: Int32Array;
  private runId = 0;

  constructor(
    readonly plan: ExecutionPlan,
    readonly graphs: GraphRunner,
  ) {
    this.values = new Array<RuntimeValue | undefined>(plan.slotCount).fill(undefined);
    this.arena = new Arena(plan.slotCount);
    for (const c of plan.constants) this.values[c.slot] = c.tensor;
    this.scope = (v) => {
      const s = plan.slots.get(v);
      return (s === undefined ? undefined : this.values[s]) ?? this.outer(v);
    };
    this.contexts = plan.steps.map((s) => new StepContext(s, this));
    this.partContexts = plan.steps.map((s) => s.fused?.parts.map((p) => new StepContext(p, this)));
    this.cached = plan.steps.map(() => undefined);
    this.cachedDims = plan.steps.map(() => undefined);
    this.stamps = new Int32Array(plan.slotCount);
  }

  /** Runs every step (inputs and outer values already set). */
  execute(): void {
    const { steps } = this.plan;
    const values = this.values;
    const arena = this.arena;
    const run = ++this.runId;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (step.reuse === 'never' || !this.reuseCached(i, step, run)) {
        const ctx = this.contexts[i]!;
        if (step.fused === undefined) ctx.runKernel();
        else if (!ctx.runFused(step.fused)) for (const p of this.partContexts[i]!) p.runKernel();
        if (step.reuse !== 'never') this.keep(i, step, run);
      }
      const release = step.release;
      for (let k = 0; k < release.length; k++) {
        const s = release[k]!;
        arena.release(s);
        values[s] = undefined;
      }
    }
  }

  /** Drops the values of inputs, outputs and outer slots, so the frame holds nothing of the caller's. */
  clear(): void {
    const values = this.values;
    for (const i of this.plan.inputs) values[i.slot] = undefined;
    for (const o of this.plan.outputs) values[o.slot] = undefined;
    for (const o of this.plan.outer) values[o.slot] = undefined;
    this.outer = noOuter;
  }

  /** Sets the outputs of a cached step from the last time it ran, when they still hold. */
  private reuseCached(i: number, step: PlanStep, run: number): boolean {
    const kept = this.cached[i];
    if (kept === undefined) return false;
    if (step.reuse === 'dims') {
      const x = this.values[step.inputs[0]!];
      const dims = this.cachedDims[i]!;
      if (!(x instanceof Tensor) || !sameDims(x.dims, dims)) return false;
    } else {
      for (const s of step.inputs) if (s >= 0 && this.stamps[s] === run) return false;
    }
    const outs = step.outputs;
    for (let k = 0; k < outs.length; k++) if (outs[k]! >= 0) this.values[outs[k]!] = kept[k];
    return true;
  }

  private keep(i: number, step: PlanStep, run: number): void {
    const kept: RuntimeValue[] = [];
    step.outputs.forEach((s, k) => {
      if (s < 0) return;
      kept[k] = this.values[s]!;
      this.stamps[s] = run;
    });
    this.cached[i] = kept;
    if (step.reuse === 'dims') this.cachedDims[i] = [...(this.values[step.inputs[0]!] as Tensor).dims];
  }
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The KernelContext of one step of one frame, made once. */
class StepContext implements KernelContext {
  readonly opType: string;
  readonly domain: string;
  readonly nodeName: string;
  readonly opset: number;
  readonly attrs: PlanStep['attrs'];
  readonly inputCount: number;
  readonly outputCount: number;
  readonly epilogue: Epilogue | undefined;
  private readonly where: { node: string; op: string };
  /** Per output: whether its buffer comes from the arena's pools. */
  private readonly pooled: boolean[];
  /** Per input: whether its slot holds the same tensor on every run. */
  private readonly constant: boolean[];

  constructor(
    readonly step: PlanStep,
    private readonly frame: Frame,
  ) {
    const node = step.node;
    this.opType = node.opType;
    this.domain = node.domain;
    this.nodeName = node.name ?? '';
    this.opset = step.opset;
    this.attrs = step.attrs;
    this.inputCount = step.inputs.length;
    this.outputCount = step.outputs.length;
    this.epilogue = step.epilogue;
    this.constant = step.inputs.map((s) => s >= 0 && frame.plan.stable.has(s));
    this.where = { node: this.nodeName, op: step.label };
    this.pooled = step.outputs.map((s) => s >= 0 && step.reuse === 'never' && !frame.plan.outputSlots.has(s));
  }

  input(i: number): Tensor {
    const v = this.inputValue(i);
    if (v instanceof Tensor) return v;
    if (v === undefined) throw new KernelError(`input ${i} is missing`, this.where);
    throw this.notTensor(i, v);
  }

  optionalInput(i: number): Tensor | undefined {
    const v = this.inputValue(i);
    if (v === undefined || v instanceof Tensor) return v;
    throw this.notTensor(i, v);
  }

  inputValue(i: number): RuntimeValue | undefined {
    const s = this.step.inputs[i];
    if (s === undefined || s < 0) return undefined;
    const v = this.frame.values[s];
    if (v === undefined) throw new KernelError(`input ${i} (${JSON.stringify(this.step.node.inputs[i]?.name)}) has no value`, this.where);
    return v;
  }

  isConstant(i: number): boolean {
    return this.constant[i] === true;
  }

  private notTensor(i: number, v: RuntimeValue): KernelError {
    return new KernelError(`input ${i} (${JSON.stringify(this.step.node.inputs[i]?.name)}) is a ${valueKindOf(v)}, not a tensor`, this.where);
  }

  output(i: number, dims: readonly number[], type: TensorType): Tensor {
    const step = this.step;
    const frame = this.frame;
    const s = step.outputs[i] ?? -1;
    let t: Tensor | undefined;
    if (i === 0 && step.inPlace.length > 0) {
      for (const k of step.inPlace) if ((t = frame.arena.takeOver(step.inputs[k]!, s, dims, type)) !== undefined) break;
    }
    t ??= frame.arena.allocate(s, dims, type, this.pooled[i] ?? false, !step.fills);
    if (s >= 0) frame.values[s] = t;
    return t;
  }

  memo<T>(key: string, make: () => T): T {
    const memo = this.step.memo;
    const hit = memo.get(key);
    if (hit !== undefined || memo.has(key)) return hit as T;
    const v = make();
    if (memo.size >= MAX_MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
    memo.set(key, v);
    return v;
  }

  setOutput(i: number, t: Tensor): void {
    this.setValue(i, t);
  }

  setValue(i: number, v: RuntimeValue): void {
    const s = this.step.outputs[i] ?? -1;
    if (s >= 0) this.frame.values[s] = v;
  }

  hasOutput(i: number): boolean {
    return (this.step.outputs[i] ?? -1) >= 0;
  }

  error(message: string): KernelError {
    return new KernelError(message, this.where);
  }

  runGraph(g: Graph, inputs: readonly Tensor[]): Tensor[] {
    return this.runGraphValues(g, inputs).map((v, k) => {
      if (v instanceof Tensor) return v;
      throw new KernelError(`subgraph output ${k} is a ${valueKindOf(v)}: this kernel takes tensors only`, this.where);
    });
  }

  runGraphValues(g: Graph, inputs: readonly RuntimeValue[]): RuntimeValue[] {
    return this.frame.graphs.run(g, inputs, this.frame.scope);
  }

  /** Runs the step's kernel; an exception comes out as a KernelError naming this step (BridgeErrors pass through). */
  runKernel(): void {
    try {
      this.step.kernel(this);
    } catch (e) {
      throw this.wrap(e);
    }
  }

  runFused(fused: FusedStep): boolean {
    try {
      return fused.run(this);
    } catch (e) {
      throw this.wrap(e);
    }
  }

  private wrap(e: unknown): unknown {
    if (e instanceof BridgeError) return e;
    return new KernelError(`kernel failed: ${(e as Error).message ?? String(e)}`, this.where, { cause: e });
  }
}

/**
 * Runs subgraphs (If branches, Loop/Scan bodies) for kernels: one execution plan and frame per graph,
 * built when the session is created; outer-scope values are read through the enclosing frames' lookups.
 */
export class GraphRunner {
  private readonly frames = new Map<Graph, Frame>();

  constructor(
    private readonly imports: OpsetImports,
    private readonly kernels: KernelRegistry,
    private readonly options: PlanOptions,
  ) {}

  /** Plans every subgraph under `graph`, so a missing kernel inside one is reported at creation. */
  prepareSubgraphs(graph: Graph, missing: UnsupportedOpsError[]): void {
    for (const node of graph) {
      for (const g of node.subgraphs()) {
        collectUnsupported(missing, () => this.frame(g));
        this.prepareSubgraphs(g, missing);
      }
    }
  }

  private frame(graph: Graph): Frame {
    let f = this.frames.get(graph);
    if (!f) this.frames.set(graph, (f = new Frame(buildPlan(graph, this.imports, this.kernels, this.options), this)));
    return f;
  }

  run(graph: Graph, inputs: readonly RuntimeValue[], outer: ScopeLookup): RuntimeValue[] {
    let frame = this.frame(graph);
    // A graph running inside itself (only a malformed model nests so) gets a frame of its own.
    if (frame.active) frame = new Frame(frame.plan, this);
    const { plan } = frame;
    if (inputs.length !== graph.inputs.length) {
      throw new KernelError(`subgraph ${JSON.stringify(graph.name)} takes ${graph.inputs.length} inputs, got ${inputs.length}`);
    }
    const values = frame.values;
    frame.outer = outer;
    for (const o of plan.outer) {
      const t = outer(o.value);
      if (t === undefined) throw new KernelError(`subgraph ${JSON.stringify(graph.name)} reads ${JSON.stringify(o.value.name)}, which has no value`);
      values[o.slot] = t;
    }
    graph.inputs.forEach((v, i) => (values[plan.slots.get(v)!] = inputs[i]));
    frame.active = true;
    try {
      frame.execute();
      return plan.outputs.map((o) => {
        const t = values[o.slot];
        if (t === undefined) throw new KernelError(`subgraph output ${JSON.stringify(o.name)} was not computed`);
        return t;
      });
    } finally {
      frame.active = false;
      frame.clear();
    }
  }
}

export function collectUnsupported<T>(missing: UnsupportedOpsError[], f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof UnsupportedOpsError)) throw e;
    missing.push(e);
    return undefined;
  }
}
