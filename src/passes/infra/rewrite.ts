import type { Graph } from '../../ir/graph.js';
import type { Node } from '../../ir/node.js';

/**
 * A local rewrite around one node, tinygrad style: the pattern is the code before the first edit.
 * `apply` either returns undefined having changed nothing, or edits the graph (through use lists) and
 * returns the nodes whose surroundings changed so they are looked at again; the node itself is revisited
 * as long as it is still in the graph.
 */
export interface RewriteRule<C> {
  readonly name: string;
  apply(node: Node, ctx: C): readonly Node[] | undefined;
}

export interface RewriteStats {
  /** Rewrites done, in all. */
  rewrites: number;
  /** Rewrites done, per rule name. */
  readonly byRule: Map<string, number>;
  /** True when `maxRewrites` stopped the worklist before it ran dry. */
  capped: boolean;
}

/**
 * Applies `rules` (first match wins) to the nodes of `graph` that `select` picks, with a worklist: every
 * selected node once, then whatever a rewrite hands back, until nothing matches. Cost is the number of
 * rewrites times the local work of a rule, not a rescan of the graph per change. `maxRewrites` (default
 * 16 per node) bounds rule sets that might not settle; a capped run leaves a valid graph, and the pass
 * manager's next round picks up where it stopped.
 */
export function rewriteGraph<C>(
  graph: Graph,
  select: (node: Node) => boolean,
  rules: readonly RewriteRule<C>[],
  ctx: C,
  maxRewrites = 16 * (graph.nodeCount + 16),
): RewriteStats {
  const stats: RewriteStats = { rewrites: 0, byRule: new Map(), capped: false };
  const queue: Node[] = [];
  const queued = new Set<Node>();
  const enqueue = (n: Node): void => {
    if (n.graph === graph && !queued.has(n) && select(n)) {
      queued.add(n);
      queue.push(n);
    }
  };
  for (const n of graph) enqueue(n);
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    queued.delete(node);
    if (node.graph !== graph || !select(node)) continue;
    for (const rule of rules) {
      const touched = rule.apply(node, ctx);
      if (touched === undefined) continue;
      stats.rewrites++;
      stats.byRule.set(rule.name, (stats.byRule.get(rule.name) ?? 0) + 1);
      if (stats.rewrites >= maxRewrites) {
        stats.capped = true;
        return stats;
      }
      enqueue(node);
      touched.forEach(enqueue);
      break;
    }
  }
  return stats;
}
