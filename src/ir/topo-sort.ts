import { CheckError } from './errors.js';
import { relinkNodes, type Graph } from './graph.js';
import type { Node } from './node.js';

/**
 * Reorders `graph` (and, recursively, its subgraphs) so every node comes after the producers of what it
 * reads, including values its subgraphs read from this graph. Stable: nodes already in order keep their
 * relative order. Linear in nodes plus edges. Throws a CheckError naming a node on a cycle.
 */
export function sortTopologically(graph: Graph): void {
  const nodes = graph.nodes();
  const index = new Map<Node, number>(nodes.map((n, i) => [n, i]));
  const deps = nodes.map((n) => dependencies(n, graph, index));
  const pending = deps.map((d) => d.size);
  const readers: number[][] = nodes.map(() => []);
  deps.forEach((d, i) => d.forEach((j) => readers[j]!.push(i)));

  // A min-heap of ready positions keeps the original order wherever the dependencies allow it.
  const ready = new MinHeap();
  pending.forEach((p, i) => p === 0 && ready.push(i));
  const order: Node[] = [];
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(nodes[i]!);
    for (const r of readers[i]!) if (--pending[r]! === 0) ready.push(r);
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.find((_, i) => pending[i]! > 0)!;
    throw new CheckError('the graph has a cycle through this node', { node: stuck.name, op: stuck.opType });
  }
  relinkNodes(graph, order);
  for (const n of order) for (const g of n.subgraphs()) sortTopologically(g);
}

/** Positions (in `graph`) of the nodes whose outputs `node` reads, directly or through its subgraphs. */
function dependencies(node: Node, graph: Graph, index: Map<Node, number>): Set<number> {
  const out = new Set<number>();
  const add = (p: Node | undefined): void => {
    if (p && p.graph === graph && p !== node) {
      const i = index.get(p);
      if (i !== undefined) out.add(i);
    }
  };
  for (const v of node.inputs) add(v?.producer);
  for (const g of node.subgraphs()) for (const v of g.outerReferences()) add(v.producer);
  return out;
}

class MinHeap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(x: number): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= x) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }
  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
