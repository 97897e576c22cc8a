import { CheckError } from './errors.js';
import type { Graph } from './graph.js';
import type { Model } from './model.js';
import type { Value } from './value.js';

/**
 * Checks the IR's own invariants (Note [IR invariants] in invariants.md): use lists match inputs, each
 * value has one definition, nodes are in topological order and read only values visible to them.
 * Cheap enough to run after every pass in tests. Throws the first violation as a CheckError.
 */
export function verifyModel(model: Model): void {
  verifyGraph(model.graph, new Set());
  for (const f of model.functions) verifyGraph(f.graph, new Set());
  for (const t of model.trainingInfo) {
    if (t.initialization) verifyGraph(t.initialization, new Set(), true);
    if (t.algorithm) verifyGraph(t.algorithm, new Set(), true);
  }
}

/**
 * `visible` holds values defined by enclosing graphs. Training graphs may read the main graph's
 * initializers by name, which the IR does not link, so `lenient` skips the visibility rule there.
 */
export function verifyGraph(graph: Graph, visible: Set<Value>, lenient = false): void {
  const defined = new Set<Value>(visible);
  const define = (v: Value, what: string): void => {
    if (v.name !== '' && defined.has(v) && !visible.has(v)) throw new CheckError(`value ${JSON.stringify(v.name)} is defined twice (${what})`);
    defined.add(v);
  };
  for (const v of graph.inputs) define(v, 'graph input');
  for (const v of graph.initializers.values()) if (!graph.inputs.includes(v)) define(v, 'initializer');
  for (const v of graph.sparseInitializers) define(v, 'sparse initializer');

  for (const node of graph) {
    const where = { node: node.name, op: node.opType };
    if (node.graph !== graph) throw new CheckError('node has a stale graph link', where);
    node.inputs.forEach((v, i) => {
      if (!v) return;
      if (!v.uses.some((u) => u.node === node && u.index === i)) throw new CheckError(`input ${i} is missing from the use list of ${JSON.stringify(v.name)}`, where);
      if (!lenient && !defined.has(v)) throw new CheckError(`input ${i} (${JSON.stringify(v.name)}) is read before it is defined`, where);
    });
    for (const g of node.subgraphs()) {
      if (g.parentNode !== node) throw new CheckError('subgraph does not point back to its node', where);
      verifyGraph(g, defined, lenient);
    }
    node.outputs.forEach((v, i) => {
      if (v.producer !== node || v.outputIndex !== i) throw new CheckError(`output ${i} does not point back to its node`, where);
      define(v, `output of ${node.describe()}`);
    });
  }
  for (const v of defined) {
    for (const u of v.uses) {
      if (u.node.input(u.index) !== v) throw new CheckError(`stale use of ${JSON.stringify(v.name)}`, { node: u.node.name, op: u.node.opType });
    }
  }
  graph.outputs.forEach((v, i) => {
    if (!lenient && !defined.has(v)) throw new CheckError(`graph output ${i} (${JSON.stringify(v.name)}) is never defined`);
    if (!v._outputOf.includes(graph)) throw new CheckError(`graph output ${i} (${JSON.stringify(v.name)}) does not know it is an output`);
  });
}
