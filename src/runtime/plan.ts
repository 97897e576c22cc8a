/**
 * The execution plan: the graph's nodes in topological order, each with its kernel, resolved attributes
 * and input/output slots, plus liveness: after which step each intermediate slot is dead (its buffer can be
 * reused). Graph inputs, initializers, graph outputs and outer-scope values are never released. Shape-independent, so one plan
 * serves every input signature; the buffers (the memory plan) are kept per signature by the session.
 */
import { KernelError, UnsupportedOpsError, UsageError, type UnsupportedOp } from '../ir/errors.js';
import type { Graph } from '../ir/graph.js';
import { opsetVersion, type OpsetImports } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { getSchema } from '../ir/ops/registry.js';
import { formatType, type ValueType } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { NodeAttributes, type Kernel } from './kernel.js';
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
}

export interface ExecutionPlan {
  readonly slotCount: number;
  readonly steps: readonly PlanStep[];
  readonly inputs: readonly { name: string; slot: number; value: Value }[];
  readonly outputs: readonly { name: string; slot: number }[];
  /** Constant slots (initializers), set before every run and never released. */
  readonly constants: readonly { slot: number; tensor: Tensor }[];
  /** Slots that are graph outputs: their buffers are never pooled. */
  readonly outputSlots: ReadonlySet<number>;
  /** The slot of every value the plan reads or writes. */
  readonly slots: ReadonlyMap<Value, number>;
  /** Values read here but defined in an enclosing graph (a subgraph's outer scope): set by the caller, never released. */
  readonly outer: readonly { value: Value; slot: number }[];
}

export function buildPlan(graph: Graph, imports: OpsetImports, kernels: KernelRegistry): ExecutionPlan {
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
  const inputs = graph.inputs
    .filter((v) => !graph.initializers.has(v.name))
    .map((v) => {
      if (v.type !== undefined && !hasRuntimeForm(v.type)) {
        throw new UsageError(`input ${JSON.stringify(v.name)} is a ${formatType(v.type)}; the CPU runtime takes tensors, sequences of tensors and optionals of those only`);
      }
      return { name: v.name, slot: slotOf(v), value: v };
    });
  // Graph inputs that are also initializers (IR < 4) take the initializer as a default; feeds override.
  for (const v of graph.inputs) if (graph.initializers.has(v.name)) inputs.push({ name: v.name, slot: slotOf(v), value: v });

  const order = topologicalOrder(graph);
  const missing = new Map<string, UnsupportedOp>();
  const steps: Omit<PlanStep, 'release' | 'memo'>[] = [];
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
      attrs: new NodeAttributes(node.attributes, getSchema(node.domain, node.opType, opset), where),
      inputs: node.inputs.map((v) => (v ? slotOf(v) : -1)),
      outputs: node.outputs.map((v) => (v.name === '' ? -1 : slotOf(v))),
      captures: [...implicitInputs(node)].map(slotOf),
    });
  }
  if (missing.size > 0) throw new UnsupportedOpsError([...missing.values()].sort((a, b) => (a.op < b.op ? -1 : 1)));

  const outputs = graph.outputs.map((v) => ({ name: v.name, slot: slotOf(v) }));
  const defined = new Set<number>([...constants.map((c) => c.slot), ...inputs.map((i) => i.slot)]);
  for (const s of steps) for (const o of s.outputs) if (o >= 0) defined.add(o);
  const outer = [...slots].filter(([, s]) => !defined.has(s)).map(([value, slot]) => ({ value, slot }));
  const pinned = new Set<number>([...constants, ...inputs, ...outputs, ...outer].map((c) => c.slot));
  const lastUse = new Map<number, number>();
  steps.forEach((s, i) => {
    for (const o of s.outputs) if (o >= 0 && !lastUse.has(o)) lastUse.set(o, i);
    for (const x of s.inputs) if (x >= 0) lastUse.set(x, i);
    for (const x of s.captures) lastUse.set(x, i);
  });
  const release: number[][] = steps.map(() => []);
  for (const [slot, i] of lastUse) if (!pinned.has(slot)) release[i]!.push(slot);
  return {
    slotCount: slots.size,
    steps: steps.map((s, i) => ({ ...s, release: release[i]!, memo: new Map<string, unknown>() })),
    inputs,
    outputs,
    constants,
    outputSlots: new Set(outputs.map((o) => o.slot)),
    slots,
    outer,
  };
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
