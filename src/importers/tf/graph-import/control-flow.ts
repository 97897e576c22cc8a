/**
 * Functional control flow (While/StatelessWhile, If/StatelessIf): the called FunctionDefs become IR
 * subgraphs held in GRAPH attrs of the `tf` node (`body`/`cond`, `then_branch`/`else_branch`), inputs
 * from the function's args and outputs from its results, in TF's own semantics: a While body takes and
 * returns the loop state, its cond takes the state and returns a bool scalar; If branches take the If's
 * inputs after the condition. Lowering turns them into ONNX Loop/If. Variable handles in the state are
 * removed and bound inside (Note [frozen variables]).
 */
import { FormatError } from '../../../ir/errors.js';
import type { Graph } from '../../../ir/graph.js';
import type { Value } from '../../../ir/value.js';
import { mapGet } from '../../../formats/tf/index.js';
import type { TfAttr } from '../source-graph.js';
import { onnxTypeOf } from './attrs.js';
import type { Scope } from './emit.js';
import { addNamedOutput } from './names.js';
import { Resource, type Bound } from './resource.js';
import { funcAttr, type TfBody, type TfNode } from './tf-body.js';
import { tfValueType, type ArgType } from './value-types.js';

/** A subgraph's results as its outputs; resource results must be the handles it was given (loop-invariant). */
function setOutputs(s: Scope, n: TfNode, body: TfBody, g: Graph, results: Bound[], given: readonly Bound[] | undefined, prefix: string): void {
  results.forEach((v, i) => {
    if (v instanceof Resource) {
      if (given?.[i] !== v) throw new FormatError(`${body.name} returns a variable handle that is not the one it was given`, { file: s.file, node: n.name, op: n.op });
      return;
    }
    addNamedOutput(g, v, s.em.names.claim(`${prefix}${body.outputs[i]?.name ?? `output_${i}`}`));
  });
}

function bodyOf(s: Scope, n: TfNode, attr: string): TfBody {
  return s.em.library.get(funcAttr(n, attr, s.file), `${n.op} node ${JSON.stringify(n.name)}`);
}

/** `T`-style list attr restricted to the positions kept, as ONNX types. */
function keptTypes(n: TfNode, attr: string, keep: readonly boolean[]): TfAttr {
  const types = mapGet(n.attr, attr)?.list?.type ?? [];
  return { kind: 'list_type', value: types.filter((_, i) => keep[i] !== false).map(onnxTypeOf) };
}

function stateTypes(n: TfNode, dtypesAttr: string, count: number): ArgType[] {
  const types = mapGet(n.attr, dtypesAttr)?.list?.type ?? [];
  const shapes = mapGet(n.attr, 'output_shapes')?.list?.shape ?? [];
  return Array.from({ length: count }, (_, i) => (types[i] === undefined ? undefined : tfValueType(types[i], shapes[i])));
}

export function emitWhile(s: Scope, n: TfNode, inputs: Bound[]): Bound[] {
  const keep = inputs.map((v) => !(v instanceof Resource));
  const body = bodyOf(s, n, 'body');
  const cond = bodyOf(s, n, 'cond');
  if (body.outputs.length !== inputs.length || cond.outputs.length !== 1) {
    throw new FormatError(
      `the loop has ${inputs.length} state values, but ${body.name} returns ${body.outputs.length} and ${cond.name} ${cond.outputs.length} (want ${inputs.length} and 1)`,
      { file: s.file, node: n.name, op: n.op },
    );
  }
  const types = stateTypes(n, 'T', inputs.length);
  const prefix = `${s.prefix}${n.name}/`;
  const b = s.em.subgraph(body, inputs, `${prefix}body/`, s.depth, types);
  setOutputs(s, n, body, b.graph, b.outputs, inputs, `${prefix}body/`);
  const c = s.em.subgraph(cond, inputs, `${prefix}cond/`, s.depth, types);
  setOutputs(s, n, cond, c.graph, c.outputs, undefined, `${prefix}cond/`);
  const attrs: Record<string, TfAttr> = {
    ...s.attrs(n),
    T: keptTypes(n, 'T', keep),
    body: { kind: 'graph', value: b.graph },
    cond: { kind: 'graph', value: c.graph },
  };
  const state = inputs.filter((v): v is Value => !(v instanceof Resource));
  const outs = s.op(n, state, attrs, state.length);
  let k = 0;
  return inputs.map((v) => (v instanceof Resource ? v : outs[k++]!));
}

export function emitIf(s: Scope, n: TfNode, inputs: Bound[]): Bound[] {
  const [pred, ...args] = inputs;
  if (pred === undefined || pred instanceof Resource) throw new FormatError('If has no condition tensor', { file: s.file, node: n.name, op: n.op });
  const keep = args.map((v) => !(v instanceof Resource));
  const types = stateTypes(n, 'Tin', args.length);
  const prefix = `${s.prefix}${n.name}/`;
  const attrs: Record<string, TfAttr> = { ...s.attrs(n), Tin: keptTypes(n, 'Tin', keep) };
  for (const [attr, tag] of [
    ['then_branch', 'then'],
    ['else_branch', 'else'],
  ] as const) {
    const branch = bodyOf(s, n, attr);
    if (branch.outputs.length !== n.outputs) {
      throw new FormatError(`${branch.name} returns ${branch.outputs.length} values, but the If has ${n.outputs} outputs`, { file: s.file, node: n.name, op: n.op });
    }
    const sub = s.em.subgraph(branch, args, `${prefix}${tag}/`, s.depth, types);
    setOutputs(s, n, branch, sub.graph, sub.outputs, undefined, `${prefix}${tag}/`);
    attrs[attr] = { kind: 'graph', value: sub.graph };
  }
  return s.op(n, [pred, ...args.filter((v): v is Value => !(v instanceof Resource))], attrs);
}
