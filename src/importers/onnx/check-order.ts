import { BridgeError } from '../../ir/errors.js';
import { relinkNodes, type Graph } from '../../ir/graph.js';
import type { Node } from '../../ir/node.js';
import { sortTopologically } from '../../ir/topo-sort.js';
import type { Value } from '../../ir/value.js';
import type { ImportContext } from './context.js';

/**
 * Checks that the nodes of `graph` (and its subgraphs) can run in some order, i.e. that the graph has no
 * cycle. Files are nearly always sorted already, which one linear walk confirms. Otherwise the IR's
 * topological sort decides (it throws a CheckError naming a node on a cycle); unless `sort`, the file
 * order is then put back so that the model round-trips unchanged. `outer` holds values of enclosing
 * graphs that are already available (a training graph reads the main graph's).
 */
export function checkOrder(graph: Graph, outer: ReadonlySet<Value>, ctx: ImportContext, sort: boolean): void {
  if (firstOutOfOrder(graph, new Set(outer)) === undefined) return;
  const saved = sort ? [] : saveOrders(graph);
  try {
    sortTopologically(graph);
  } catch (e) {
    throw e instanceof BridgeError && ctx.file !== undefined ? e.withFile(ctx.file) : e;
  }
  // The sort ignores a node that reads its own output (directly or from its subgraph): that is a cycle too.
  const self = firstOutOfOrder(graph, new Set(outer));
  if (self !== undefined) throw ctx.checkError('the graph has a cycle through this node (it reads its own output)', { node: self.name, op: self.opType });
  for (const [g, order] of saved) relinkNodes(g, order);
}

/** The first node (in file order, depth first) that reads a value not yet made; undefined if none. */
function firstOutOfOrder(graph: Graph, ready: Set<Value>): Node | undefined {
  for (const v of graph.inputs) ready.add(v);
  for (const v of graph.initializers.values()) ready.add(v);
  for (const v of graph.sparseInitializers) ready.add(v);
  for (const node of graph) {
    for (const v of node.inputs) if (v !== null && !ready.has(v)) return node;
    // Values of a subgraph stay in `ready` afterwards; harmless, as outer nodes cannot name them.
    for (const g of node.subgraphs()) {
      const bad = firstOutOfOrder(g, ready);
      if (bad !== undefined) return bad;
    }
    for (const v of node.outputs) ready.add(v);
  }
  return undefined;
}

function saveOrders(graph: Graph, out: [Graph, Node[]][] = []): [Graph, Node[]][] {
  out.push([graph, graph.nodes()]);
  for (const node of graph) for (const g of node.subgraphs()) saveOrders(g, out);
  return out;
}
