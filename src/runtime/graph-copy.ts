/**
 * A structural copy of a model for the session to optimize: new Graph, Node and Value objects (so passes
 * can rewrite the copy freely), the same constant tensors (weights stay shared and zero-copy: passes never
 * write into a tensor, they make new ones). Subgraphs are copied too, with their reads of enclosing values
 * pointed at the copies. Functions, training info and metadata are shared, not copied: the session only
 * reads them.
 */
import { AttributeType, isRefAttribute, type Attribute } from '../ir/attribute.js';
import { Graph } from '../ir/graph.js';
import { Model } from '../ir/model.js';
import { Node } from '../ir/node.js';
import { Value } from '../ir/value.js';

export function copyModel(model: Model): Model {
  const copy = new Model(copyGraph(model.graph, new Map()), new Map(model.opsetImports), model.irVersion);
  copy.functions = model.functions;
  copy.trainingInfo = model.trainingInfo;
  for (const k of ['producerName', 'producerVersion', 'domain', 'modelVersion', 'docString', 'metadataProps', 'configuration'] as const) {
    if (model[k] !== undefined) (copy as unknown as Record<string, unknown>)[k] = model[k];
  }
  return copy;
}

function copyValue(v: Value): Value {
  const c = new Value(v.name, v.type);
  if (v.docString !== undefined) c.docString = v.docString;
  if (v.metadataProps !== undefined) c.metadataProps = v.metadataProps;
  return c;
}

/** `map` takes every value of enclosing graphs to its copy; values of this graph are added as they are made. */
function copyGraph(g: Graph, map: Map<Value, Value>): Graph {
  const c = new Graph(g.name);
  if (g.docString !== undefined) c.docString = g.docString;
  if (g.metadataProps !== undefined) c.metadataProps = g.metadataProps;
  if (g.quantizationAnnotation !== undefined) c.quantizationAnnotation = g.quantizationAnnotation;
  const mapped = (v: Value): Value => {
    let m = map.get(v);
    if (m === undefined) map.set(v, (m = copyValue(v)));
    return m;
  };
  for (const v of g.inputs) c.addInput(mapped(v));
  for (const v of g.initializers.values()) c.addInitializer(mapped(v), v.constValue!);
  for (const v of g.sparseInitializers) c.addSparseInitializer(mapped(v), v.sparseValue!);
  const nodes = g.nodes();
  // Outputs first: a subgraph (or a node listed before its producer) may read any of them.
  const outputs = nodes.map((n) => n.outputs.map(mapped));
  nodes.forEach((n, k) => {
    const init: ConstructorParameters<typeof Node>[2] = { domain: n.domain, outputs: outputs[k]! };
    if (n.name !== undefined) init.name = n.name;
    if (n.overload !== undefined) init.overload = n.overload;
    // A value from outside every graph being copied (a dangling read) stays as it is.
    const copy = new Node(n.opType, n.inputs.map((v) => (v === null ? null : (map.get(v) ?? v))), init);
    if (n.docString !== undefined) copy.docString = n.docString;
    if (n.metadataProps !== undefined) copy.metadataProps = n.metadataProps;
    if (n.deviceConfigurations !== undefined) copy.deviceConfigurations = n.deviceConfigurations;
    for (const a of n.attributes.values()) copy.setAttr(copyAttribute(a, copy, map));
    c.appendNode(copy);
  });
  for (const v of g.outputs) c.addOutput(map.get(v) ?? v);
  c.valueInfo = g.valueInfo.map(mapped);
  return c;
}

function copyAttribute(a: Attribute, owner: Node, map: Map<Value, Value>): Attribute {
  if (isRefAttribute(a)) return a;
  const sub = (g: Graph): Graph => {
    const c = copyGraph(g, map);
    c.parentNode = owner;
    return c;
  };
  if (a.type === AttributeType.GRAPH) return { ...a, value: sub(a.value) };
  if (a.type === AttributeType.GRAPHS) return { ...a, value: a.value.map(sub) };
  return a;
}
