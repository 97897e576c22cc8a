/**
 * A harness for shape-rule unit tests: runs one node's rule on given input types and constants, the
 * same way inferShapes does inside a model.
 */
import type { Attribute } from '../attribute.js';
import { ShapeError } from '../errors.js';
import { Graph } from '../graph.js';
import type { ConstantData } from '../ops/infer-context.js';
import { Node } from '../node.js';
import type { ValueType } from '../types.js';
import { Value } from '../value.js';
import { emptyInferReport, Engine } from './infer-shapes.js';

export interface SingleNodeCase {
  opType: string;
  domain?: string;
  opset: number;
  /** One entry per input slot; `null` leaves the slot empty (an omitted optional input). */
  inputs: readonly ({ type?: ValueType; constant?: ConstantData } | null)[];
  attributes?: readonly Attribute[];
  outputCount?: number;
  /** For If/Loop/Scan: graphs are passed as GRAPH attributes in `attributes`. */
}

export interface SingleNodeResult {
  outputs: (ValueType | undefined)[];
  constants: (ConstantData | undefined)[];
}

/** Throws the rule's ShapeError when it fails; throws if the op has no rule. */
export function inferSingleNode(c: SingleNodeCase): SingleNodeResult {
  const graph = new Graph('case');
  const inputs = c.inputs.map((spec, i) => (spec === null ? null : graph.addInput(new Value(`in${i}`, spec.type))));
  const node = new Node(c.opType, inputs, {
    domain: c.domain ?? '',
    name: 'n',
    outputs: Array.from({ length: c.outputCount ?? 1 }, (_, i) => `out${i}`),
    attributes: c.attributes ?? [],
  });
  for (const g of node.subgraphs()) g.parentNode = node;
  graph.appendNode(node);
  const report = emptyInferReport();
  const engine = new Engine(undefined, new Map([[c.domain ?? '', c.opset]]), report, 0);
  c.inputs.forEach((spec, i) => {
    const v = inputs[i];
    if (v && spec?.constant) engine.consts.set(v, spec.constant);
  });
  engine.inferGraph(graph);
  if (report.missingRules.size > 0) throw new Error(`no shape rule for ${[...report.missingRules.keys()].join(', ')}`);
  const err = report.errors[0];
  if (err) throw err instanceof ShapeError ? err : new ShapeError(err.message);
  return {
    outputs: node.outputs.map((v) => engine.types.get(v)),
    constants: node.outputs.map((v) => engine.consts.get(v)),
  };
}
