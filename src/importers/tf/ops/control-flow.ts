import { attr, AttributeType, isRefAttribute, type Attribute } from '../../../ir/attribute.js';
import { DataType, type TypedArray } from '../../../ir/dtype.js';
import { UnsupportedOpsError } from '../../../ir/errors.js';
import { Graph } from '../../../ir/graph.js';
import { MAX_CONSTANT_ELEMENTS } from '../../../ir/infer/constant-data.js';
import { Model } from '../../../ir/model.js';
import { Node } from '../../../ir/node.js';
import { ArrayTensor, type Tensor } from '../../../ir/tensor.js';
import { sortTopologically } from '../../../ir/topo-sort.js';
import { tensorType, type ValueType } from '../../../ir/types.js';
import { Value } from '../../../ir/value.js';
import { lowerToOnnx } from '../../common/lower.js';
import type { LowerContext } from '../../common/lower-context.js';
import type { LoweringRule } from '../../common/lowering-table.js';
import { tfTable } from '../table.js';

/**
 * Note [functional control flow]
 * TF2 graphs hold control flow as functional ops, While(vars; cond, body) and If(pred, args;
 * then_branch, else_branch), whose functions the importer turned into `tf`-domain subgraphs (inputs: the
 * function's arguments; outputs: its results). We rebuild them as ONNX Loop and If:
 * - A function is copied per use (instantiate), its arguments bound to what is known outside. ONNX
 *   subgraphs read outer values directly, so every If argument, and every While variable that the body
 *   returns unchanged (TF passes captured tensors, such as weights, the sequence length or the input
 *   TensorList, as loop variables), becomes a reference to the outer value: carried by nothing, copied
 *   by nothing.
 * - The copy is lowered by a nested run of the driver (lowerToOnnx on a throwaway model), because the
 *   driver does not lower the subgraphs of nodes a rule emits. During that run the outer references are
 *   graph inputs typed as outside (small constants are Constant nodes, so rules needing constant
 *   arguments see them), rewired to the outer values afterwards.
 * - Loop-carried variables are typed by dtype and rank only while the body is lowered: whatever a rule
 *   decides from their type must hold in every iteration, and their dims may change between iterations
 *   (a reserved TensorList materialises unknown dims on its first write). The Loop's shape rule recovers
 *   the dims later (Note [loop state fixpoint]).
 * - ONNX Loop's body yields the next condition where TF evaluates cond separately: the Loop body is TF's
 *   body followed by a copy of cond applied to its results, and the initial condition is another copy
 *   of cond applied to the initial values, before the Loop. The trip count is left empty.
 * - TF turns a non-bool condition into a bool as ToBool does (toBool below).
 * v1 control flow (Enter/Exit/Switch/Merge/NextIteration/LoopCond, as in TF.js models converted without
 * control_flow_v2) has no rule on purpose: it is reported as unsupported.
 */

/** Adds a node to wherever the condition is being made (the outer graph, or a Loop body). */
type Emit = (opType: string, inputs: readonly (Value | null)[], attrs?: Attribute[]) => Value;

/** A cloned value for an outer one: during the nested run a local stands in for `outer`. */
interface Capture {
  readonly local: Value;
  readonly outer: Value;
}

function functionGraph(ctx: LowerContext, name: string): Graph {
  const a = ctx.node.attr(name);
  if (a?.type === AttributeType.GRAPH) return a.value as Graph;
  if (a?.type === AttributeType.STRING) ctx.unsupported(`function ${String(a.value)} (attribute ${name}) was not imported as a subgraph`);
  return ctx.unsupported(`attribute ${name} is missing`);
}

/** Whether the function returns its argument `k` unchanged: directly or through Identity nodes (TF's or ONNX's). */
function passesThrough(fn: Graph, k: number): boolean {
  const arg = fn.inputs[k];
  let v = fn.outputs[k];
  while (v !== undefined && v !== arg) {
    const p = v.producer;
    const tfIdentity = p?.domain === 'tf' && (p.opType === 'Identity' || p.opType === 'IdentityN');
    if (p === undefined || !(tfIdentity || (p.domain === '' && p.opType === 'Identity'))) return false;
    v = p.input(p.opType === 'IdentityN' ? v.outputIndex : 0) ?? undefined;
  }
  return v !== undefined;
}

const TYPED: Partial<Record<DataType, (values: readonly number[] | readonly bigint[]) => TypedArray>> = {
  [DataType.FLOAT]: (v) => Float32Array.from(v as number[]),
  [DataType.DOUBLE]: (v) => Float64Array.from(v as number[]),
  [DataType.INT32]: (v) => Int32Array.from(v as number[]),
  [DataType.INT64]: (v) => BigInt64Array.from(v as bigint[]),
  [DataType.BOOL]: (v) => Uint8Array.from(v as number[]),
};

/** The tensor behind an outer value that is a constant: a Constant node's, an initializer's, or folded. */
function constantTensorOf(ctx: LowerContext, v: Value): Tensor | undefined {
  const p = v.producer;
  const t = p?.opType === 'Constant' && p.domain === '' ? p.attrTensor('value') : v.constValue;
  if (t !== undefined) return t;
  const c = ctx.constantOf(v);
  const make = c === undefined ? undefined : TYPED[c.dtype];
  return c === undefined || make === undefined ? undefined : new ArrayTensor(c.dtype, c.dims, make(c.values));
}

/** A local for an outer value: a Constant copy when it is a small constant, else an input typed as outside. */
function bindOuter(ctx: LowerContext, g: Graph, outer: Value, name: string, captures: Capture[]): Value {
  const c = constantTensorOf(ctx, outer);
  let local: Value;
  if (c !== undefined && c.size <= MAX_CONSTANT_ELEMENTS) {
    local = g.appendNode(new Node('Constant', [], { name, outputs: [name], attributes: [attr.tensor('value', c)] })).output(0);
  } else {
    local = g.addInput(name, ctx.typeOf(outer));
  }
  captures.push({ local, outer });
  return local;
}

/**
 * Copies `fn`'s nodes into `into`, reading `args[i]` wherever `fn` reads its argument i, and returns
 * the values that become its results. Value names get `prefix`: two functions (body and cond) or two
 * copies of one may share names, and ONNX wants one definition per name in a graph and its subgraphs.
 * Nodes are copied in two passes so a function listed out of order still maps every reference, then
 * sorted.
 */
function instantiate(into: Graph, fn: Graph, args: readonly Value[], prefix: string): Value[] {
  const map = new Map<Value, Value>();
  fn.inputs.forEach((v, i) => map.set(v, args[i]!));
  for (const [name, v] of fn.initializers) if (v.constValue) map.set(v, into.addInitializer(`${prefix}${name}`, v.constValue));
  copyNodes(into, fn, map, prefix);
  sortTopologically(into);
  return fn.outputs.map((v) => map.get(v) ?? v);
}

function copyNodes(into: Graph, from: Graph, map: Map<Value, Value>, prefix: string): void {
  const nodes = from.nodes();
  for (const n of nodes) for (const o of n.outputs) map.set(o, new Value(o.name === '' ? '' : `${prefix}${o.name}`, o.type));
  for (const n of nodes) {
    const copy = new Node(n.opType, n.inputs.map((v) => v && (map.get(v) ?? v)), {
      domain: n.domain,
      name: n.name,
      overload: n.overload,
      outputs: n.outputs.map((o) => map.get(o)!),
      attributes: [...n.attributes.values()].map((a) => copyAttribute(a, map, prefix)),
    });
    for (const g of copy.subgraphs()) g.parentNode = copy;
    into.appendNode(copy);
  }
}

function copyAttribute(a: Attribute, map: Map<Value, Value>, prefix: string): Attribute {
  if (isRefAttribute(a)) return a;
  if (a.type === AttributeType.GRAPH) return { ...a, value: copyGraph(a.value as Graph, map, prefix) };
  if (a.type === AttributeType.GRAPHS) return { ...a, value: (a.value as Graph[]).map((g) => copyGraph(g, map, prefix)) };
  return a;
}

function copyGraph(g: Graph, map: Map<Value, Value>, prefix: string): Graph {
  const c = new Graph(g.name);
  for (const v of g.inputs) map.set(v, c.addInput(v.name === '' ? '' : `${prefix}${v.name}`, v.type));
  for (const [name, v] of g.initializers) if (v.constValue) map.set(v, c.addInitializer(`${prefix}${name}`, v.constValue));
  copyNodes(c, g, map, prefix);
  for (const v of g.outputs) c.addOutput(map.get(v) ?? v);
  return c;
}

/** Lowers the `tf` nodes of `g` by a nested driver run, then points the locals back at their outer values. */
function lowerNested(ctx: LowerContext, g: Graph, captures: readonly Capture[], what: string): void {
  try {
    lowerToOnnx(new Model(g, new Map([['', ctx.opset], ['tf', 1]])), tfTable, { opset: ctx.opset });
  } catch (e) {
    if (!(e instanceof UnsupportedOpsError)) throw e;
    ctx.unsupported(`its ${what} function cannot be converted: ${e.ops.map((o) => `${o.op} x${o.count}`).join(', ')}`);
  }
  for (const { local, outer } of captures) {
    // Inner references are resolved by name in files (and by our checker): an outer value made by a
    // lowering rule has none yet, so it takes the (unique) name of the argument it stands for.
    if (outer.name === '' && local.uses.length > 0) outer.name = local.name;
    local.replaceAllUsesWith(outer, false);
    if (local.isGraphInput()) g.removeInput(local);
    else if (local.producer?.graph === g) g.removeNode(local.producer);
  }
}

/** Gives every output of `g` a producer inside `g` (ONNX subgraph outputs may not be inputs or outer values). */
function ownOutputs(g: Graph): void {
  g.outputs.forEach((v, i) => {
    if (v.producer?.graph === g) return;
    const id = g.appendNode(new Node('Identity', [v], { name: `${g.name ?? ''}/output_${i}` }));
    g.setOutput(i, id.output(0));
  });
}

/**
 * TF's ToBool (While and If conditions): a scalar is true when non-zero (NaN included, as Cast to bool
 * does), any other tensor when it has elements. Strings and unknown ranks are refused.
 */
function toBool(ctx: LowerContext, emit: Emit, v: Value, t: ValueType | undefined): Value {
  if (t?.kind !== 'tensor' || t.shape === undefined) return ctx.unsupported('the condition has an unknown type or rank');
  if (t.dtype === DataType.STRING) return ctx.unsupported('string conditions are not supported');
  if (t.shape.length > 0) return emit('Greater', [emit('Size', [v]), emit('Constant', [], [attr.tensor('value', new ArrayTensor(DataType.INT64, [], BigInt64Array.of(0n)))])]);
  return t.dtype === DataType.BOOL ? v : emit('Cast', [v], [attr.int('to', DataType.BOOL)]);
}

/** Re-emits the (ONNX) nodes of `g` before the node being lowered; returns what became of its outputs. */
function replay(ctx: LowerContext, g: Graph): Value[] {
  const map = new Map<Value, Value>();
  for (const n of g) {
    const attrs = [...n.attributes.values()].map((a) => copyAttribute(a, map, ''));
    const outs = ctx.ops(n.opType, n.inputs.map((v) => v && (map.get(v) ?? v)), attrs, n.outputs.length, n.domain);
    n.outputs.forEach((o, i) => map.set(o, outs[i]!));
    const copy = outs[0]?.producer;
    if (copy !== undefined) for (const sg of copy.subgraphs()) sg.parentNode = copy;
  }
  return g.outputs.map((v) => map.get(v) ?? v);
}

/** Dtype and rank of a loop variable, without dims: what holds in every iteration (see the Note). */
function carriedType(ctx: LowerContext, v: Value, k: number): ValueType {
  const t = ctx.typeOf(v);
  if (t?.kind !== 'tensor' || t.dtype === DataType.UNDEFINED) return ctx.unsupported(`the type of loop variable ${k} is unknown`);
  return tensorType(t.dtype, t.shape?.map(() => null));
}

function checkArity(ctx: LowerContext, fn: Graph, what: string, inputs: number, outputs: number): void {
  if (fn.inputs.length !== inputs || fn.outputs.length !== outputs) {
    ctx.unsupported(`the ${what} function takes ${fn.inputs.length} and returns ${fn.outputs.length} values, expected ${inputs} and ${outputs}`);
  }
}

const whileLoop: LoweringRule = (ctx) => {
  const name = ctx.node.name ?? 'While';
  const init = ctx.node.inputs.map((v, k) => v ?? ctx.unsupported(`loop variable ${k} is missing`));
  const n = init.length;
  const body = functionGraph(ctx, 'body');
  const cond = functionGraph(ctx, 'cond');
  checkArity(ctx, body, 'body', n, n);
  checkArity(ctx, cond, 'cond', n, 1);
  const invariant = init.map((_, k) => passesThrough(body, k));
  const carried = init.map((_, k) => k).filter((k) => !invariant[k]);

  // The Loop body: (iteration, condition, carried...) -> (next condition, carried...).
  const g = new Graph(`${name}/body`);
  g.addInput(`${name}/iteration`, tensorType(DataType.INT64, []));
  g.addInput(`${name}/condition`, tensorType(DataType.BOOL, []));
  const captures: Capture[] = [];
  const args = init.map((v, k) => {
    // Body inputs are named after the While: ONNX forbids a subgraph name that shadows an outer one.
    const argName = `${name}/${body.inputs[k]!.name}`;
    return invariant[k] ? bindOuter(ctx, g, v, argName, captures) : g.addInput(argName, carriedType(ctx, v, k));
  });
  const next = instantiate(g, body, args, `${name}/body/`);
  g.addOutput(instantiate(g, cond, next, `${name}/next/`)[0]!);
  for (const k of carried) g.addOutput(next[k]!);
  lowerNested(ctx, g, captures, 'body or cond');
  const emitInBody: Emit = (op, inputs, attrs = []) => g.appendNode(new Node(op, inputs, { name: `${name}/body/${op}_${g.nodeCount}`, attributes: attrs })).output(0);
  g.setOutput(0, toBool(ctx, emitInBody, g.outputs[0]!, ctx.typeOf(g.outputs[0]!)));
  ownOutputs(g);

  // The first condition, on the initial values, before the Loop.
  const first = new Graph(`${name}/cond`);
  const firstCaptures: Capture[] = [];
  first.addOutput(instantiate(first, cond, init.map((v, k) => bindOuter(ctx, first, v, `${name}/first/${cond.inputs[k]!.name}`, firstCaptures)), `${name}/first/`)[0]!);
  lowerNested(ctx, first, firstCaptures, 'cond');
  const c0 = replay(ctx, first)[0]!;
  const proceed = toBool(ctx, (op, inputs, attrs = []) => ctx.op(op, inputs, attrs), c0, ctx.typeOf(c0));

  if (carried.length === 0) {
    // Nothing changes from one iteration to the next: the results are the initial values.
    init.forEach((v, k) => ctx.output(k, v));
    return;
  }
  const outs = ctx.ops('Loop', [null, proceed, ...carried.map((k) => init[k]!)], [attr.graph('body', g)], carried.length);
  g.parentNode = outs[0]!.producer;
  init.forEach((v, k) => ctx.output(k, invariant[k] ? v : outs[carried.indexOf(k)]!));
};

const ifElse: LoweringRule = (ctx) => {
  const name = ctx.node.name ?? 'If';
  const args = ctx.node.inputs.slice(1).map((v, i) => v ?? ctx.unsupported(`argument ${i} is missing`));
  const count = ctx.node.outputs.length;
  const branches = (['then_branch', 'else_branch'] as const).map((which) => {
    const fn = functionGraph(ctx, which);
    checkArity(ctx, fn, which, args.length, count);
    // ONNX If branches take no inputs: every argument is a reference to the outer value.
    const g = new Graph(`${name}/${which}`);
    const captures: Capture[] = [];
    const outs = instantiate(g, fn, args.map((v, i) => bindOuter(ctx, g, v, `${name}/${which}/${fn.inputs[i]!.name}`, captures)), `${name}/${which}/`);
    outs.forEach((v) => g.addOutput(v));
    lowerNested(ctx, g, captures, which);
    ownOutputs(g);
    return g;
  });
  if (count === 0) return;
  const pred = ctx.tensor(0);
  const cond = toBool(ctx, (op, inputs, attrs = []) => ctx.op(op, inputs, attrs), pred, ctx.typeOf(pred));
  const outs = ctx.ops('If', [cond], [attr.graph('then_branch', branches[0]!), attr.graph('else_branch', branches[1]!)], count);
  for (const g of branches) g.parentNode = outs[0]!.producer;
  outs.forEach((v, i) => ctx.output(i, v));
};

tfTable.register({
  'tf::While': whileLoop,
  'tf::StatelessWhile': whileLoop,
  'tf::If': ifElse,
  'tf::StatelessIf': ifElse,
});
