/**
 * The execution plan: the graph's nodes in topological order, each with its kernel, resolved attributes
 * and input/output slots, plus liveness: after which step each intermediate slot is dead (its buffer can be
 * reused). Graph inputs, initializers, graph outputs and outer-scope values are never released.
 * Shape-independent, so one plan serves every input signature; the buffers (the memory plan) are kept per
 * signature by the session. With PlanOptions, steps may be cached across runs (Note [cached steps]), write
 * in place (Note [in-place steps]) or be fused by a backend's StepFuser (cpu/fusion).
 */
import { KernelError, UnsupportedOpsError, UsageError, type UnsupportedOp } from '../ir/errors.js';
import type { Graph } from '../ir/graph.js';
import { opsetVersion, type OpsetImports } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { formatType, type ValueType } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { NodeAttributes, traitsOf, type Epilogue, type Kernel, type KernelContext } from './kernel.js';
import { runtimeSchema } from './op-table.js';
import type { KernelRegistry } from './registry.js';
import { fromIrTensor, type Tensor } from './tensor.js';

export interface PlanStep {
  readonly node: Node;
  readonly label: string;
  readonly kernel: Kernel;
  readonly attrs: NodeAttributes;
  readonly opset: number;
  /** Slot per input; -1 for an omitted optional input. */
  readonly inputs: readonly number[];
  /** Slot per output; -1 for an omitted output. */
  readonly outputs: readonly number[];
  /** Slots of outer values its subgraphs (If branches, Loop/Scan bodies) read: kept alive until it runs. */
  readonly captures: readonly number[];
  /** Slots whose last reader is this step (or that nobody reads): free after it runs. */
  readonly release: readonly number[];
  /** The kernel's `memo` entries, by key (bounded: oldest dropped first). */
  readonly memo: Map<string, unknown>;
  /** Whether its outputs are kept from one run to the next (Note [cached steps]). */
  readonly reuse: Reuse;
  /** Input positions whose buffer output 0 may take over: each dies at this step (Note [in-place steps]). */
  readonly inPlace: readonly number[];
  /** The kernel writes every element of the outputs it allocates: a reused buffer needs no zero-fill. */
  readonly fills: boolean;
  /** Set for a step that stands for several nodes (a fused elementwise chain). */
  readonly fused?: FusedStep;
  /** The activation the kernel applies to output 0 (KernelContext.epilogue). */
  readonly epilogue?: Epilogue;
}

/**
 * Note [cached steps]
 * Some steps compute the same thing on every run: those reading only constants (a Constant node, a
 * Transpose of a weight), and those reading only the dims of a tensor (Shape, Size) and what follows from
 * them (the Gather/Unsqueeze/Concat chains exporters emit to build a Reshape target). Their outputs are
 * kept (outside the arena) and reused while they still hold: 'dims' steps (Shape, Size) rerun when their
 * input's dims differ from the last run's; 'inputs' steps (every input a constant or a cached output) rerun
 * only when one of those inputs was recomputed in this run. Self-checking, so it needs no shape inference
 * and serves every input signature. Not cached: random ops, ops with subgraphs, and graph outputs (the
 * caller owns those).
 */
export type Reuse = 'never' | 'dims' | 'inputs';

/** The fused form of several steps: `run` declines (false) when the inputs of this run do not suit it. */
export interface FusedStep {
  run(ctx: KernelContext): boolean;
  /** The steps it stands for, run one by one when `run` declines. */
  readonly parts: readonly PlanStep[];
  /** Slots only the parts read and write (the fused form never makes them): freed after the step. */
  readonly internal: readonly number[];
  /**
   * The fused form reads input 0 element i before it writes output element i and writes every output
   * element (an elementwise chain): output 0 may take over input 0's buffer (Note [in-place steps]).
   */
  readonly inPlace: boolean;
}

/** A step before liveness: what a StepFuser reads and writes. */
export type DraftStep = Omit<PlanStep, 'release' | 'memo' | 'inPlace' | 'fills' | 'fused'> & { readonly fused?: FusedStep };

/** What a StepFuser knows of the plan's slots. */
export interface FusionInfo {
  /** How many times steps read the slot (inputs and subgraph captures). */
  readers(slot: number): number;
  /** Graph inputs and outputs, constants, outer values: never fused away. */
  readonly pinned: ReadonlySet<number>;
  readonly constants: ReadonlySet<number>;
  /** A full step for a part of a fused step (its own memo, no release, no in-place). */
  finish(step: DraftStep): PlanStep;
}

/** Rewrites the step list (e.g. fuses elementwise chains), keeping it in a valid execution order. */
export type StepFuser = (steps: readonly DraftStep[], info: FusionInfo) => DraftStep[];

export interface PlanOptions {
  /** Keep the outputs of constant-only and shape-only steps between runs (Note [cached steps]). */
  cache?: boolean;
  /**
   * Whether the kernel of `node` may write output 0 over a dying input, and writes every element of the
   * outputs it allocates (Note [in-place steps]).
   */
  inPlace?: (node: Node) => boolean;
  /** Step rewrites, applied in order (each sees the steps the one before returned). */
  fuse?: StepFuser | readonly StepFuser[];
}

export interface ExecutionPlan {
  readonly slotCount: number;
  readonly steps: readonly PlanStep[];
  /** `fallback`: the initializer an IR < 4 input defaults to when it is not fed. */
  readonly inputs: readonly { name: string; slot: number; value: Value; fallback?: Tensor }[];
  readonly outputs: readonly { name: string; slot: number }[];
  /** Constant slots (initializers), set before every run and never released. */
  readonly constants: readonly { slot: number; tensor: Tensor }[];
  /** Slots that are graph outputs: their buffers are never pooled. */
  readonly outputSlots: ReadonlySet<number>;
  /**
   * Slots holding the same tensor on every run (KernelContext.isConstant): initializers that no feed can
   * override, and the outputs of cached steps that read only such slots.
   */
  readonly stable: ReadonlySet<number>;
  /** The slot of every value the plan reads or writes. */
  readonly slots: ReadonlyMap<Value, number>;
  /** Values read here but defined in an enclosing graph (a subgraph's outer scope): set by the caller, never released. */
  readonly outer: readonly { value: Value; slot: number }[];
}

/** Ops whose result is not a function of their inputs. */
const RANDOM_OPS = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli', 'Dropout']);

export function buildPlan(graph: Graph, imports: OpsetImports, kernels: KernelRegistry, options: PlanOptions = {}): ExecutionPlan {
  const slots = new Map<Value, number>();
  const slotOf = (v: Value): number => {
    let s = slots.get(v);
    if (s === undefined) slots.set(v, (s = slots.size));
    return s;
  };
  const constants: { slot: number; tensor: Tensor }[] = [];
  for (const v of graph.initializers.values()) {
    if (v.constValue) constants.push({ slot: slotOf(v), tensor: fromIrTensor(v.constValue) });
  }
  if (graph.sparseInitializers.length > 0) throw new UsageError('sparse initializers are not supported by the CPU runtime yet');
  const inputs: { name: string; slot: number; value: Value; fallback?: Tensor }[] = graph.inputs
    .filter((v) => !graph.initializers.has(v.name))
    .map((v) => {
      if (v.type !== undefined && !hasRuntimeForm(v.type)) {
        throw new UsageError(`input ${JSON.stringify(v.name)} is a ${formatType(v.type)}; the CPU runtime takes tensors, sequences of tensors and optionals of those only`);
      }
      return { name: v.name, slot: slotOf(v), value: v };
    });
  // Graph inputs that are also initializers (IR < 4) take the initializer as a default; feeds override.
  for (const v of graph.inputs) {
    if (!graph.initializers.has(v.name)) continue;
    const slot = slotOf(v);
    const fallback = constants.find((c) => c.slot === slot)?.tensor;
    inputs.push(fallback === undefined ? { name: v.name, slot, value: v } : { name: v.name, slot, value: v, fallback });
  }

  const order = topologicalOrder(graph);
  const missing = new Map<string, UnsupportedOp>();
  let steps: DraftStep[] = [];
  for (const node of order) {
    const opset = opsetVersion(imports, node.domain) ?? 1;
    const kernel = kernels.lookup(node.domain, node.opType, opset);
    const label = node.domain === '' ? node.opType : `${node.domain}::${node.opType}`;
    if (kernel === undefined) {
      const m = missing.get(label);
      if (m) m.count++;
      else missing.set(label, { op: label, count: 1, exampleNode: node.name ?? '' });
      continue;
    }
    const where = { node: node.name ?? '', op: node.opType };
    steps.push({
      node,
      label,
      kernel,
      opset,
      attrs: new NodeAttributes(node.attributes, runtimeSchema(node.domain, node.opType, opset), where),
      inputs: node.inputs.map((v) => (v ? slotOf(v) : -1)),
      outputs: node.outputs.map((v) => (v.name === '' ? -1 : slotOf(v))),
      captures: [...implicitInputs(node)].map(slotOf),
      reuse: 'never',
    });
  }
  if (missing.size > 0) throw new UnsupportedOpsError([...missing.values()].sort((a, b) => (a.op < b.op ? -1 : 1)));

  const outputs = graph.outputs.map((v) => ({ name: v.name, slot: slotOf(v) }));
  const defined = new Set<number>([...constants.map((c) => c.slot), ...inputs.map((i) => i.slot)]);
  for (const s of steps) for (const o of s.outputs) if (o >= 0) defined.add(o);
  const outer = [...slots].filter(([, s]) => !defined.has(s)).map(([value, slot]) => ({ value, slot }));
  const pinned = new Set<number>([...constants, ...inputs, ...outputs, ...outer].map((c) => c.slot));
  // An IR < 4 input's initializer is overridable: not a constant.
  const fixed = new Set(constants.map((c) => c.slot).filter((s) => !inputs.some((i) => i.slot === s)));

  if (options.cache) steps = markCached(steps, fixed, pinned);
  const finish = (s: DraftStep): PlanStep => ({ ...s, release: [], memo: new Map<string, unknown>(), inPlace: [], fills: traitsOf(s.kernel).fills === true });
  for (const fuse of options.fuse === undefined ? [] : typeof options.fuse === 'function' ? [options.fuse] : options.fuse) {
    const reads = new Map<number, number>();
    for (const s of steps) for (const x of [...s.inputs, ...s.captures]) if (x >= 0) reads.set(x, (reads.get(x) ?? 0) + 1);
    steps = fuse(steps, { readers: (slot) => reads.get(slot) ?? 0, pinned, constants: fixed, finish });
  }
  const stable = new Set(fixed);
  for (const s of steps) {
    if (s.reuse === 'inputs' && s.inputs.every((x) => x < 0 || stable.has(x))) for (const o of s.outputs) if (o >= 0) stable.add(o);
  }

  const lastUse = new Map<number, number>();
  steps.forEach((s, i) => {
    for (const o of s.outputs) if (o >= 0 && !lastUse.has(o)) lastUse.set(o, i);
    for (const x of s.inputs) if (x >= 0) lastUse.set(x, i);
    for (const x of s.captures) lastUse.set(x, i);
  });
  const release: number[][] = steps.map((s) => [...(s.fused?.internal ?? [])]);
  for (const [slot, i] of lastUse) if (!pinned.has(slot)) release[i]!.push(slot);
  return {
    slotCount: slots.size,
    steps: steps.map((s, i) => {
      const rel = release[i]!;
      const inPlaceOk = s.fused !== undefined ? s.fused.inPlace : s.reuse === 'never' && options.inPlace?.(s.node) === true;
      return {
        ...s,
        release: rel,
        memo: new Map<string, unknown>(),
        inPlace: inPlaceOk && s.outputs[0] !== undefined && s.outputs[0] >= 0 && !pinned.has(s.outputs[0]) ? inPlaceInputs(s, rel, pinned) : [],
        fills: inPlaceOk || traitsOf(s.kernel).fills === true,
      };
    }),
    inputs,
    outputs,
    constants,
    outputSlots: new Set(outputs.map((o) => o.slot)),
    stable,
    slots,
    outer,
  };
}

/**
 * Note [in-place steps]
 * An elementwise kernel computes output element i from input elements i (or from broadcast elements that
 * are smaller than the output), so its output may live in the buffer of a full-size input that nobody
 * reads afterwards: the input's value at i is read before (or as) element i is written. `inPlace` lists
 * the input positions whose slot dies at this step; at run time the step's output 0 takes the first such
 * buffer that the arena owns with the right byte length (never a constant, feed, cached value or graph
 * output). A fused chain reads its input 0 first and nothing else after writing, so only input 0 qualifies,
 * and only when no other position reads the same slot.
 */
function inPlaceInputs(s: DraftStep, release: readonly number[], pinned: ReadonlySet<number>): number[] {
  const out: number[] = [];
  s.inputs.forEach((slot, i) => {
    if (slot < 0 || pinned.has(slot) || !release.includes(slot) || s.captures.includes(slot)) return;
    if (s.fused !== undefined && (i !== 0 || s.inputs.indexOf(slot, 1) >= 0)) return;
    out.push(i);
  });
  return out;
}

/** Marks the steps whose outputs can be kept between runs (Note [cached steps]). */
function markCached(steps: readonly DraftStep[], fixed: ReadonlySet<number>, pinned: ReadonlySet<number>): DraftStep[] {
  const stable = new Set(fixed);
  return steps.map((s) => {
    const node = s.node;
    if ((node.domain !== '' && node.domain !== 'ai.onnx') || RANDOM_OPS.has(node.opType) || s.captures.length > 0 || node.subgraphs().length > 0) return s;
    if (s.outputs.some((o) => o >= 0 && pinned.has(o)) || !s.outputs.some((o) => o >= 0)) return s;
    let reuse: Reuse;
    if ((node.opType === 'Shape' || node.opType === 'Size') && s.inputs.length === 1 && s.inputs[0]! >= 0) reuse = 'dims';
    else if (s.inputs.every((x) => x < 0 || stable.has(x))) reuse = 'inputs';
    else return s;
    for (const o of s.outputs) if (o >= 0) stable.add(o);
    return { ...s, reuse };
  });
}

/** Values of enclosing scopes that `node`'s subgraphs read (its implicit inputs). */
function implicitInputs(node: Node): Set<Value> {
  const out = new Set<Value>();
  for (const g of node.subgraphs()) for (const v of g.outerReferences()) out.add(v);
  return out;
}

/** Kahn's algorithm over data edges, stable in file order; refuses a graph that reads an undefined value. */
function topologicalOrder(graph: Graph): Node[] {
  const nodes = graph.nodes();
  const producerIndex = new Map<Node, number>(nodes.map((n, i) => [n, i]));
  const reads = nodes.map((n) => [...n.inputs, ...implicitInputs(n)]);
  const pending = reads.map((r) => new Set(r.filter((v): v is Value => v !== null && v.producer !== undefined && producerIndex.has(v.producer)).map((v) => v.producer!)).size);
  const readers = new Map<Node, Node[]>();
  nodes.forEach((n, k) => {
    const seen = new Set<Node>();
    for (const v of reads[k]!) {
      const p = v?.producer;
      if (p && producerIndex.has(p) && !seen.has(p)) {
        seen.add(p);
        let r = readers.get(p);
        if (!r) readers.set(p, (r = []));
        r.push(n);
      }
    }
  });
  const ready: number[] = [];
  pending.forEach((c, i) => c === 0 && ready.push(i));
  const out: Node[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    const n = nodes[i]!;
    out.push(n);
    for (const r of readers.get(n) ?? []) {
      const j = producerIndex.get(r)!;
      if (--pending[j]! === 0) ready.push(j);
    }
  }
  if (out.length !== nodes.length) throw new KernelError('the graph has a cycle');
  return out;
}

/** Whether the runtime has a value form (values.ts) for `t`: a tensor, a sequence of tensors, an optional of either. */
export function hasRuntimeForm(t: ValueType): boolean {
  if (t.kind === 'tensor') return true;
  if (t.kind === 'sequence') return t.elem === undefined || t.elem.kind === 'tensor';
  if (t.kind === 'optional') return t.elem === undefined || (t.elem.kind !== 'optional' && hasRuntimeForm(t.elem));
  return false;
}
