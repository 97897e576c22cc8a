import { attributeGraphs, isRefAttribute, AttributeType, type Attribute } from '../../ir/attribute.js';
import type { Graph } from '../../ir/graph.js';
import type { Model } from '../../ir/model.js';
import type { SparseTensor, Tensor } from '../../ir/tensor.js';

/**
 * Every graph of a model that the exporter writes: the main graph, function bodies, training graphs,
 * and recursively the subgraphs their nodes (and function attribute defaults) hold.
 */
export function forEachGraph(model: Model, fn: (g: Graph) => void): void {
  const visit = (g: Graph): void => {
    fn(g);
    for (const node of g) for (const a of node.attributes.values()) attributeGraphs(a).forEach(visit);
  };
  visit(model.graph);
  for (const f of model.functions) {
    visit(f.graph);
    for (const a of f.attributeDefaults) attributeGraphs(a).forEach(visit);
  }
  for (const t of model.trainingInfo) {
    if (t.initialization) visit(t.initialization);
    if (t.algorithm) visit(t.algorithm);
  }
}

/**
 * Every tensor the exporter writes as a TensorProto, once each: initializers, the two parts of sparse
 * tensors, and attribute tensors, in all graphs. Used to plan where their bytes go before writing.
 */
export function forEachTensor(model: Model, fn: (t: Tensor, part: 'dense' | 'sparse') => void): void {
  const seen = new Set<Tensor>();
  const one = (t: Tensor, part: 'dense' | 'sparse' = 'dense'): void => {
    if (seen.has(t)) return;
    seen.add(t);
    fn(t, part);
  };
  const sparse = (s: SparseTensor): void => {
    one(s.values, 'sparse');
    one(s.indices, 'sparse');
  };
  const attribute = (a: Attribute): void => {
    if (isRefAttribute(a)) return;
    if (a.type === AttributeType.TENSOR) one(a.value);
    else if (a.type === AttributeType.TENSORS) a.value.forEach((t) => one(t));
    else if (a.type === AttributeType.SPARSE_TENSOR) sparse(a.value);
    else if (a.type === AttributeType.SPARSE_TENSORS) a.value.forEach(sparse);
  };
  forEachGraph(model, (g) => {
    for (const v of g.initializers.values()) if (v.constValue) one(v.constValue);
    for (const v of g.sparseInitializers) if (v.sparseValue) sparse(v.sparseValue);
    for (const node of g) node.attributes.forEach(attribute);
  });
  for (const f of model.functions) f.attributeDefaults.forEach(attribute);
}
