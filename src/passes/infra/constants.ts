/** Bookkeeping shared by passes that replace constants: the names already taken, and dropping orphans. */
import type { Graph } from '../../ir/graph.js';
import type { Model } from '../../ir/model.js';
import type { Value } from '../../ir/value.js';

/** Every value name of `model`, subgraphs included: a new initializer must not reuse one. */
export function modelNames(model: Model): Set<string> {
  const names = new Set<string>();
  const walk = (g: Graph): void => {
    for (const v of [...g.inputs, ...g.initializers.values()]) names.add(v.name);
    for (const n of g) {
      for (const v of n.outputs) names.add(v.name);
      for (const s of n.subgraphs()) walk(s);
    }
  };
  walk(model.graph);
  return names;
}

/** Removes a constant nothing reads any more (an initializer of its graph, or a Constant node). */
export function dropIfUnused(v: Value | null): void {
  if (v === null || v.uses.length > 0 || v.isGraphOutput() || v.isGraphInput()) return;
  if (v.constValue !== undefined) v.graph?.removeInitializer(v);
  else if (v.producer?.opType === 'Constant' && v.producer.graph) v.producer.graph.removeNode(v.producer);
}
