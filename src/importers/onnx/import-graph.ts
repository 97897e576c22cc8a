import { Graph, type TensorAnnotation } from '../../ir/graph.js';
import { Node } from '../../ir/node.js';
import { Value } from '../../ir/value.js';
import type { GraphProto, NodeProto } from '../../formats/onnx/generated/onnx-types.js';
import { notePresentDefaults, noteUnknowns } from '../../ir/wire-hints.js';
import { Scope, type ImportContext } from './context.js';
import { importAttribute } from './import-attribute.js';
import { importMetadata, importPairs } from './import-lists.js';
import { importSparse, importTensor } from './import-tensor.js';
import { describeValue } from './import-values.js';

/** A GraphProto (or a FunctionProto's body in that shape) with its own scope. */
export interface ImportedGraph {
  graph: Graph;
  scope: Scope;
}

/**
 * GraphProto -> Graph, in three steps so that file order never matters for name lookup:
 *   1. define every name the graph makes (inputs, initializers, every node's outputs), in file order;
 *   2. attach ValueInfoProtos (inputs, outputs, value_info) to the values they name;
 *   3. wire node inputs and import attributes (subgraphs see the finished scope through `scope.parent`).
 * Nodes stay in file order; check-order.ts finds cycles afterwards. `describeIo` is false for function
 * bodies, whose inputs and outputs are bare names.
 */
export function importGraph(g: GraphProto, ctx: ImportContext, scope: Scope, describeIo = true): ImportedGraph {
  const graph = new Graph();
  if (g.name !== undefined) graph.name = g.name;
  if (g.doc_string !== undefined) graph.docString = g.doc_string;
  const meta = importMetadata(g.metadata_props);
  if (meta !== undefined) graph.metadataProps = meta;
  noteUnknowns(graph, g);

  for (const vi of g.input ?? []) scope.define(graph.addInput(vi.name ?? ''), 'graph input', ctx);
  defineInitializers(g, graph, scope, ctx);
  const nodes = (g.node ?? []).map((n) => defineNode(n, graph, scope, ctx));

  if (describeIo) (g.input ?? []).forEach((vi, i) => describeValue(graph.inputs[i]!, vi, graph, 'input', i, ctx));
  (g.output ?? []).forEach((vi, i) => {
    const name = vi.name ?? '';
    const v = scope.resolve(name);
    if (v === undefined) throw ctx.checkError(`graph output ${JSON.stringify(name)} is never defined`, { path: graphPath(graph) });
    graph.addOutput(v);
    if (describeIo) describeValue(v, vi, graph, 'output', i, ctx);
  });
  (g.value_info ?? []).forEach((vi, i) => {
    // value_info may name a value that nothing defines; it is kept (a Value without producer) for the file.
    const v = scope.resolve(vi.name ?? '') ?? new Value(vi.name ?? '');
    graph.valueInfo.push(v);
    describeValue(v, vi, graph, 'value_info', i, ctx);
  });

  nodes.forEach((node, k) => wireNode(g.node![k]!, node, k, graph, scope, ctx));
  if ((g.quantization_annotation?.length ?? 0) > 0) {
    graph.quantizationAnnotation = g.quantization_annotation!.map((q) => {
      const a: TensorAnnotation = { quantParameterTensorNames: importPairs(q.quant_parameter_tensor_names) };
      if (q.tensor_name !== undefined) a.tensorName = q.tensor_name;
      noteUnknowns(a, q);
      return a;
    });
  }
  return { graph, scope };
}

/** A subgraph held by `node` (If branch, Loop or Scan body): a new scope inside `outer`. */
export function importSubgraph(g: GraphProto, ctx: ImportContext, outer: Scope, node: Node | undefined): Graph {
  const { graph } = importGraph(g, ctx, new Scope(outer));
  if (node !== undefined) graph.parentNode = node;
  return graph;
}

/** Initializers, dense then sparse. One that shares a graph input's name is that input's value (IR < 4). */
function defineInitializers(g: GraphProto, graph: Graph, scope: Scope, ctx: ImportContext): void {
  const inputs = new Set(graph.inputs);
  const taken = new Set<Value>();
  const valueFor = (name: string, what: string): Value => {
    const v = scope.own(name);
    if (v !== undefined && inputs.has(v) && !taken.has(v)) {
      taken.add(v);
      return v;
    }
    const fresh = new Value(name);
    scope.define(fresh, what, ctx); // a second definition of a name throws here
    taken.add(fresh);
    return fresh;
  };
  let unnamed = false;
  for (const t of g.initializer ?? []) {
    // Initializers are kept by name, so only one may lack a name.
    if ((t.name ?? '') === '' && unnamed) throw ctx.checkError('more than one initializer has no name', { path: graphPath(graph) });
    unnamed ||= (t.name ?? '') === '';
    const tensor = importTensor(t, ctx);
    graph.addInitializer(valueFor(t.name ?? '', 'initializer'), tensor);
  }
  for (const s of g.sparse_initializer ?? []) {
    const name = s.values?.name ?? '';
    const sparse = importSparse(s, ctx, name);
    graph.addSparseInitializer(valueFor(name, 'sparse initializer'), sparse);
  }
}

/** Creates a node with its outputs (defined in scope at once) but no inputs yet. */
function defineNode(n: NodeProto, graph: Graph, scope: Scope, ctx: ImportContext): Node {
  const node = new Node(n.op_type ?? '', [], {
    domain: n.domain ?? '',
    outputs: n.output ?? [],
    ...(n.name !== undefined ? { name: n.name } : {}),
    ...(n.overload !== undefined ? { overload: n.overload } : {}),
  });
  if (n.doc_string !== undefined) node.docString = n.doc_string;
  const meta = importMetadata(n.metadata_props);
  if (meta !== undefined) node.metadataProps = meta;
  if ((n.device_configurations?.length ?? 0) > 0) node.deviceConfigurations = n.device_configurations;
  notePresentDefaults(node, n, ['op_type', 'domain']);
  noteUnknowns(node, n);
  for (const v of node.outputs) scope.define(v, `output of ${node.describe()}`, ctx);
  graph.appendNode(node);
  return node;
}

/** Points the node's inputs at the values their names resolve to; '' is an omitted optional input. */
function wireNode(n: NodeProto, node: Node, k: number, graph: Graph, scope: Scope, ctx: ImportContext): void {
  const where = { node: node.name, op: node.opType, ...(node.name ? {} : { path: `${graphPath(graph)}.node[${k}]` }) };
  for (const name of n.input ?? []) {
    if (name === '') {
      node.appendInput(null);
      continue;
    }
    const v = scope.resolve(name);
    if (v === undefined) throw ctx.checkError(`input ${JSON.stringify(name)} is not defined (dangling: no node, graph input or initializer in scope makes it)`, where);
    node.appendInput(v);
  }
  for (const a of n.attribute ?? []) {
    const attr = importAttribute(a, ctx, scope, node);
    if (node.attributes.has(attr.name)) throw ctx.checkError(`attribute ${JSON.stringify(attr.name)} appears twice`, where);
    node.setAttr(attr);
  }
}

export function graphPath(graph: Graph): string {
  return graph.name ? `graph ${JSON.stringify(graph.name)}` : 'graph';
}

