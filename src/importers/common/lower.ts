import { BridgeError, CheckError } from '../../ir/errors.js';
import type { Graph } from '../../ir/graph.js';
import { emptyInferReport, Engine } from '../../ir/infer/infer-shapes.js';
import { mergeTypes, TypeConflict } from '../../ir/infer/merge-types.js';
import type { Model } from '../../ir/model.js';
import { Node as NodeClass, type Node } from '../../ir/node.js';
import { sortTopologically } from '../../ir/topo-sort.js';
import type { Value } from '../../ir/value.js';
import { LowerContext, RuleRefusal, type LowerHost } from './lower-context.js';
import { keepForConsumers, sourceOpName, type LoweringTable } from './lowering-table.js';
import { UnsupportedCollector } from './unsupported.js';

export interface LowerOptions {
  /** The ai.onnx opset to produce. */
  opset: number;
  /** For error messages. */
  file?: string;
}

/**
 * Lowers every source-domain node of the model (and of its subgraphs) to ONNX through `table`, in
 * topological order, inferring the types of emitted nodes as it goes so later rules see dtypes and
 * shapes. Every op without a rule, or whose rule refused the node, is reported at once in one
 * UnsupportedOpsError. Nodes whose inputs come from an unsupported node are skipped quietly when their
 * own rule cannot proceed, so one missing op is not reported a second time downstream.
 */
export function lowerToOnnx(model: Model, table: LoweringTable, options: LowerOptions): void {
  model.opsetImports.set('', options.opset);
  const engine = new Engine(model, model.opsetImports, emptyInferReport(), 0);
  const unsupported = new UnsupportedCollector();
  const poisoned = new Set<Value>();
  lowerGraph(model.graph, { model, table, engine, unsupported, poisoned, opset: options.opset });
  removeDeadNodes(model.graph);
  for (const n of leftovers(model.graph, table)) unsupported.add(n, 'used where no rule reads it');
  unsupported.throwIfAny(options.file);
  for (const d of table.sourceDomains) model.opsetImports.delete(d);
  sortTopologically(model.graph);
  engine.apply();
}

interface Pass {
  model: Model;
  table: LoweringTable;
  engine: Engine;
  unsupported: UnsupportedCollector;
  poisoned: Set<Value>;
  opset: number;
}

function lowerGraph(graph: Graph, p: Pass): void {
  for (const node of graph) {
    if (!p.table.isSource(node)) {
      for (const g of node.subgraphs()) lowerGraph(g, p);
      p.engine.inferNode(node);
      continue;
    }
    lowerNode(graph, node, p);
  }
}

function lowerNode(graph: Graph, node: Node, p: Pass): void {
  const tainted = node.inputs.some((v) => v !== null && p.poisoned.has(v));
  const rule = p.table.find(node);
  if (rule === undefined) return poison(node, p, '');
  if (rule === keepForConsumers) return;
  const host: LowerHost = {
    opset: p.opset,
    emit: (n) => {
      graph.insertBefore(node, n);
      // A rule may emit a Loop or If whose body still holds source nodes (a TF While's body): lower
      // those before the node's own types are inferred from its body.
      for (const g of n.subgraphs()) lowerGraph(g, p);
      p.engine.inferNode(n);
    },
    typeOf: (v) => p.engine.typeOf(v),
    constantOf: (v) => p.engine.constantOf(v),
  };
  const ctx = new LowerContext(node, host);
  try {
    rule(ctx);
  } catch (e) {
    if (e instanceof RuleRefusal) return poison(node, p, tainted ? undefined : e.message);
    if (e instanceof BridgeError) throw e;
    throw new CheckError(`converting ${sourceOpName(node)} failed: ${e instanceof Error ? e.message : String(e)}`, { node: node.name, op: sourceOpName(node) }, { cause: e });
  }
  node.outputs.forEach((out, i) => {
    let rep = ctx.results[i];
    if (rep === undefined) {
      if (out.uses.length > 0 || out.isGraphOutput()) throw new CheckError(`the rule for ${sourceOpName(node)} left output ${i} unset`, { node: node.name });
      return;
    }
    if (rep === null) return;
    // A rule that succeeded on the output of an unsupported node still yields a value of unknown
    // type; keep the taint so rules further down stay quiet instead of reporting a second failure.
    if (tainted) p.poisoned.add(rep);
    // What the source said about the value (e.g. a .pt2 TensorMeta) must agree with what we built.
    try {
      p.engine.types.set(rep, mergeTypes(p.engine.typeOf(rep), out.type));
    } catch (e) {
      if (!(e instanceof TypeConflict)) throw e;
      throw new CheckError(`converted output ${i} does not match the source: ${e.message}`, { node: node.name, op: sourceOpName(node) });
    }
    // A graph output needs a value of its own: an input, an initializer or another output passed
    // straight through gets an Identity, so neither the model's interface nor names change.
    if (out.isGraphOutput() && (rep.producer === undefined || rep.isGraphOutput())) rep = passThrough(graph, node, rep, i, p);
    out.replaceAllUsesWith(rep);
  });
  graph.removeNode(node, true);
}

function passThrough(graph: Graph, before: Node, v: Value, output: number, p: Pass): Value {
  const id = new NodeClass('Identity', [v], { name: `${before.name ?? before.opType}/Identity_${output}` });
  graph.insertBefore(before, id);
  p.engine.inferNode(id);
  return id.output(0);
}

/** Records an unsupported node (unless `reason` is undefined: a downstream casualty) and taints its outputs. */
function poison(node: Node, p: Pass, reason: string | undefined): void {
  if (reason !== undefined) p.unsupported.add(node, reason || undefined);
  for (const v of node.outputs) p.poisoned.add(v);
}

/** Structural source nodes (keepForConsumers) still read by something after lowering. */
function leftovers(graph: Graph, table: LoweringTable): Node[] {
  const out: Node[] = [];
  for (const n of graph) {
    if (table.isSource(n) && table.find(n) === keepForConsumers) out.push(n);
    for (const g of n.subgraphs()) out.push(...leftovers(g, table));
  }
  return out;
}

/** Drops nodes whose outputs nobody reads (constants and list builders left over by lowering). */
function removeDeadNodes(graph: Graph): void {
  const nodes = graph.nodes();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    for (const g of n.subgraphs()) removeDeadNodes(g);
    if (n.outputs.every((v) => v.uses.length === 0 && !v.isGraphOutput())) graph.removeNode(n);
  }
}
