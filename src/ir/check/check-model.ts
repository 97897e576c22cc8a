import { CheckError } from '../errors.js';
import type { Graph } from '../graph.js';
import type { Model, OpsetImports } from '../model.js';
import { latestOpset } from '../ops/registry.js';
import type { Value } from '../value.js';
import { checkNode, type NodeCheckScope } from './check-node.js';

export interface CheckReport {
  errors: CheckError[];
}

/** The IR versions whose rules we know; files newer than this are read but flagged. */
export const MAX_IR_VERSION = 13;

/**
 * Checks a model as ONNX's checker does: SSA (one definition per name, across nested scopes),
 * topological order, every read defined, each node valid for its op's schema at the imported opset,
 * and the model-level fields. Reports every problem found, each naming the node, op and what is wrong.
 */
export function checkModel(model: Model): CheckReport {
  const errors: CheckError[] = [];
  const report = (e: CheckError): void => void errors.push(e);
  if (!(model.irVersion >= 1)) report(new CheckError('ir_version is not set'));
  else if (model.irVersion > MAX_IR_VERSION) report(new CheckError(`ir_version ${model.irVersion} is newer than the newest we know (${MAX_IR_VERSION})`));
  checkOpsets(model.opsetImports, report);

  const scope: NodeCheckScope = { model, opsets: model.opsetImports, inFunction: false, report };
  checkGraph(model.graph, new Set(), new Set(), scope, 'graph');
  const seen = new Set<string>();
  for (const f of model.functions) {
    if (seen.has(f.id)) report(new CheckError(`function ${f.id} is defined twice`));
    seen.add(f.id);
    checkOpsets(f.opsetImports, report);
    checkGraph(f.graph, new Set(), new Set(), { ...scope, opsets: f.opsetImports, inFunction: true }, `function ${f.name}`);
  }
  return { errors };
}

function checkOpsets(opsets: OpsetImports, report: (e: CheckError) => void): void {
  for (const [domain, version] of opsets) {
    const latest = latestOpset(domain);
    if (!Number.isInteger(version) || version < 1) report(new CheckError(`opset import ${domain || 'ai.onnx'} has version ${version}`));
    else if (latest !== undefined && version > latest) {
      report(new CheckError(`opset ${version} of ${domain || 'ai.onnx'} is newer than the newest we know (${latest})`));
    }
  }
}

/**
 * `outer` holds the names visible from enclosing graphs and `outerValues` the values themselves (an
 * IR-built subgraph may read an outer value that has no name yet; the exporter names it). A name may
 * be defined once in the whole nest: ONNX forbids a subgraph from shadowing an outer name.
 */
function checkGraph(graph: Graph, outer: ReadonlySet<string>, outerValues: ReadonlySet<Value>, scope: NodeCheckScope, where: string): void {
  const defined = new Set<Value>(outerValues);
  const names = new Set<string>(outer);
  const define = (v: Value, what: string, node?: { name?: string; opType: string }): void => {
    defined.add(v);
    if (v.name === '') return;
    if (names.has(v.name)) {
      const loc = node ? { node: node.name, op: node.opType } : { path: where };
      scope.report(new CheckError(`${what} ${JSON.stringify(v.name)} is already defined (SSA: one definition per name)`, loc));
    }
    names.add(v.name);
  };
  for (const v of graph.inputs) define(v, 'graph input');
  for (const v of graph.initializers.values()) if (!graph.inputs.includes(v)) define(v, 'initializer');
  for (const v of graph.sparseInitializers) define(v, 'sparse initializer');

  for (const node of graph) {
    node.inputs.forEach((v, i) => {
      if (v === null || defined.has(v) || (v.name !== '' && outer.has(v.name))) return;
      const later = v.producer?.graph === graph;
      scope.report(
        new CheckError(
          later
            ? `input ${i} (${JSON.stringify(v.name)}) is produced by a later node: nodes are not in topological order`
            : `input ${i} (${JSON.stringify(v.name)}) is not defined in this graph or an enclosing one`,
          { node: node.name, op: node.opType },
        ),
      );
    });
    checkNode(node, scope);
    for (const g of node.subgraphs()) checkGraph(g, names, defined, scope, `${where}/${node.describe()}`);
    for (const v of node.outputs) define(v, 'output', node);
  }
  graph.outputs.forEach((v, i) => {
    if (!defined.has(v) && !(v.name !== '' && outer.has(v.name))) {
      scope.report(new CheckError(`graph output ${i} (${JSON.stringify(v.name)}) is never defined`, { path: where }));
    }
  });
}
