import type { Graph } from '../../../ir/graph.js';
import { Node } from '../../../ir/node.js';
import type { Value } from '../../../ir/value.js';

/**
 * Value names across the whole model, subgraphs included (ONNX forbids a subgraph from reusing a name of
 * an enclosing graph). Inlined function bodies are prefixed with their call's name, which keeps most
 * names unique already; a name taken twice gets a numeric suffix.
 */
export class NameRegistry {
  private readonly taken = new Set<string>();

  /** `base`, or `base_1`, `base_2`... when taken. */
  claim(base: string): string {
    let name = base;
    for (let k = 1; this.taken.has(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    return name;
  }

  /** Marks names the model's interface uses (signature keys), before anything else claims them. */
  reserve(name: string): void {
    this.taken.add(name);
  }
}

/**
 * Makes `v` an output of `graph` named `name`. A value that cannot carry the name itself (a graph input,
 * an initializer, a value from an enclosing graph, one already an output) gets an ONNX Identity, so the
 * model's interface names stay exactly the requested ones.
 */
export function addNamedOutput(graph: Graph, v: Value, name: string): Value {
  const own = v.producer !== undefined && v.producer.graph === graph && !v.isGraphOutput();
  if (own) {
    v.name = name;
    graph.addOutput(v);
    return v;
  }
  const id = new Node('Identity', [v], { name, outputs: [name] });
  id.output(0).type = v.type;
  graph.appendNode(id);
  graph.addOutput(id.output(0));
  return id.output(0);
}
