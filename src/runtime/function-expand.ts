/**
 * Function expansion: a node with no kernel that calls a model-local function (Model.functions) or an
 * ONNX op whose schema has a static function body (`has_function`) is replaced by that body, before the
 * plan is built. The body's formal parameters become the node's inputs and outputs, attribute references
 * (`ref_attr_name`) take the node's attribute, else the function's default, else the schema's default,
 * internal values get fresh names, and the inserted nodes are expanded in turn (bodies call function ops).
 * A body that cannot be expanded faithfully is left alone, so its op is reported as unsupported:
 * context-dependent bodies (no static form), bodies with subgraph attributes, bodies whose ops mean
 * something else at the model's opset than at the opset the body was written for (see sameInterface), and TENSOR defaults.
 * Browser-safe.
 */
import { isRefAttribute, AttributeType, type Attribute } from '../ir/attribute.js';
import type { Graph } from '../ir/graph.js';
import { opsetVersion, type Func, type Model } from '../ir/model.js';
import { Node } from '../ir/node.js';
import type { AttributeSchema } from '../ir/ops/schema.js';
import type { Value } from '../ir/value.js';
import { decodeMessage } from '../formats/onnx/codec.js';
import { importModel } from '../importers/onnx/index.js';
import { runtimeFunctionBody, runtimeSchema, type RuntimeSchema } from './op-table.js';
import type { KernelRegistry } from './registry.js';

/** Bodies nest (a body calls a function op); deeper than this is taken to be a cycle and left alone. */
const MAX_DEPTH = 32;

/**
 * Expands, in place, every kernel-less function call in `model.graph` and its subgraphs. The model is
 * changed only where it could not have run otherwise.
 */
export function expandFunctions(model: Model, kernels: KernelRegistry): void {
  const state: ExpandState = { model, kernels, counter: 0 };
  expandNodes(model.graph, model.graph.nodes(), state, 0);
}

interface ExpandState {
  readonly model: Model;
  readonly kernels: KernelRegistry;
  counter: number;
}

function expandNodes(graph: Graph, nodes: readonly Node[], state: ExpandState, depth: number): void {
  for (const node of nodes) {
    for (const g of node.subgraphs()) expandNodes(g, g.nodes(), state, depth);
    const opset = opsetVersion(state.model.opsetImports, node.domain) ?? 1;
    if (state.kernels.lookup(node.domain, node.opType, opset) !== undefined || depth >= MAX_DEPTH) continue;
    const local = state.model.findFunction(node.domain, node.opType, node.overload);
    const schema = local ? undefined : runtimeSchema(node.domain, node.opType, opset);
    const func = local ?? (schema?.hasFunction ? schemaFunction(schema, opset) : undefined);
    if (func === undefined) continue;
    const inserted = inline(graph, node, func, schema, state);
    if (inserted) expandNodes(graph, inserted, state, depth + 1);
  }
}

const schemaFunctions = new Map<string, Func | undefined>();

/** The schema's static body for `opset`, decoded once. */
function schemaFunction(schema: RuntimeSchema, opset: number): Func | undefined {
  const entry = runtimeFunctionBody(schema, opset);
  if (entry === undefined) return undefined;
  const key = `${schema.domain}::${schema.name}::${schema.sinceVersion}::${entry.opset}`;
  if (!schemaFunctions.has(key)) {
    const bytes = Uint8Array.from(atob(entry.functionProto), (c) => c.charCodeAt(0));
    const proto = decodeMessage('FunctionProto', bytes);
    schemaFunctions.set(key, importModel({ functions: [proto] }).functions[0]);
  }
  return schemaFunctions.get(key);
}

/** Replaces `node` by a copy of `func`'s body; returns the inserted nodes, or undefined (graph untouched). */
function inline(graph: Graph, node: Node, func: Func, schema: RuntimeSchema | undefined, state: ExpandState): Node[] | undefined {
  const body = func.graph;
  const imports = state.model.opsetImports;
  // Checks first: nothing is changed unless the whole body can be expanded.
  for (const bn of body) {
    for (const a of bn.attributes.values()) {
      if (!isRefAttribute(a) && (a.type === AttributeType.GRAPH || a.type === AttributeType.GRAPHS)) return undefined;
    }
    const bodyVersion = opsetVersion(func.opsetImports, bn.domain);
    const modelVersion = opsetVersion(imports, bn.domain);
    if (bodyVersion !== undefined && modelVersion !== undefined) {
      const want = runtimeSchema(bn.domain, bn.opType, bodyVersion);
      if (want !== undefined && !sameInterface(want, runtimeSchema(bn.domain, bn.opType, modelVersion))) return undefined;
    }
  }
  const values = new Map<Value, Value | null>();
  body.inputs.forEach((v, i) => values.set(v, node.inputs[i] ?? null));
  const attrs: Attribute[][] = [];
  for (const bn of body) {
    const resolved: Attribute[] = [];
    for (const a of bn.attributes.values()) {
      if (!isRefAttribute(a)) {
        resolved.push(a);
        continue;
      }
      const r = resolveRef(a.name, a.ref, node, func, schema);
      if (r === 'unresolvable') return undefined;
      if (r !== undefined) resolved.push(r);
    }
    attrs.push(resolved);
  }
  for (const [i, out] of body.outputs.entries()) {
    if (out.producer === undefined && (node.outputs[i]?.name ?? '') !== '') return undefined; // an input passed through
  }
  for (const bn of body) {
    for (const v of bn.inputs) if (v !== null && !values.has(v) && v.producer?.graph !== body) return undefined; // reads an unknown value
  }

  for (const [domain, version] of func.opsetImports) if (opsetVersion(imports, domain) === undefined) imports.set(domain, version);
  const prefix = `${node.name || node.opType}/_f${state.counter++}/`;
  const inserted: Node[] = [];
  let k = 0;
  for (const bn of body) {
    const init: ConstructorParameters<typeof Node>[2] = {
      domain: bn.domain,
      name: prefix + (bn.name ?? ''),
      outputs: bn.outputs.map((o) => (o.name === '' ? '' : prefix + o.name)),
      attributes: attrs[k++]!,
    };
    if (bn.overload !== undefined) init.overload = bn.overload;
    const copy = new Node(bn.opType, bn.inputs.map((v) => (v === null ? null : (values.get(v) ?? null))), init);
    bn.outputs.forEach((o, j) => values.set(o, copy.outputs[j]!));
    graph.insertBefore(node, copy);
    inserted.push(copy);
  }
  node.outputs.forEach((o, i) => {
    const fo = body.outputs[i];
    const inner = fo === undefined ? undefined : values.get(fo);
    if (o.name !== '' && inner) o.replaceAllUsesWith(inner);
  });
  graph.removeNode(node, true);
  return inserted;
}

/**
 * Whether an op written against schema `a` means the same under schema `b`, as far as the schemas show:
 * the same inputs and outputs, every attribute of `a` kept with its type and default, and any attribute
 * `b` adds optional (its default keeps the old behaviour: CastLike-19's `saturate`). Allowed types may
 * differ. ReduceMean-13 vs -18 fails (`axes` became an input).
 */
function sameInterface(a: RuntimeSchema, b: RuntimeSchema | undefined): boolean {
  if (a === b) return true;
  if (b === undefined) return false;
  const params = (s: RuntimeSchema) => JSON.stringify([s.inputs, s.outputs].map((ps) => ps.map((p) => [p.name, p.option])));
  const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
  if (params(a) !== params(b)) return false;
  const old = new Map(a.attributes.map((x) => [x.name, json(x)]));
  return b.attributes.every((x) => (old.has(x.name) ? old.get(x.name) === json(x) : !x.required)) && a.attributes.every((x) => b.attributes.some((y) => y.name === x.name));
}

/** An attribute reference's value: the node's, else the function's default, else the schema's; undefined: omit it. */
function resolveRef(name: string, ref: string, node: Node, func: Func, schema: RuntimeSchema | undefined): Attribute | undefined | 'unresolvable' {
  const given = node.attributes.get(ref) ?? func.attributeDefaults.find((d) => d.name === ref);
  if (given !== undefined) return { ...given, name } as Attribute;
  const s = schema?.attributes.find((a) => a.name === ref);
  if (s === undefined || s.default === undefined) return s?.defaultOmitted ? 'unresolvable' : undefined;
  return schemaDefault(name, s);
}

function schemaDefault(name: string, s: AttributeSchema): Attribute | 'unresolvable' {
  const d = s.default;
  switch (s.type) {
    case AttributeType.FLOAT:
      return { name, type: s.type, value: d as number };
    case AttributeType.INT:
      return { name, type: s.type, value: d as number | bigint };
    case AttributeType.STRING:
      return { name, type: s.type, value: d as string };
    case AttributeType.FLOATS:
      return { name, type: s.type, value: [...(d as number[])] };
    case AttributeType.INTS:
      return { name, type: s.type, value: [...(d as (number | bigint)[])] };
    case AttributeType.STRINGS:
      return { name, type: s.type, value: [...(d as string[])] };
    default:
      return 'unresolvable';
  }
}
