/**
 * The inputs and outputs of a GraphDef that does not name them (a frozen .pb, a TF.js model without a
 * signature).
 */
import { FormatError } from '../../../ir/errors.js';
import type { TfBody, TfRef } from './tf-body.js';

/** Every Placeholder, in file order, as an input named like the node. */
export function placeholders(body: TfBody): { name: string; node: string }[] {
  return [...body.nodes.values()].filter((n) => n.op === 'Placeholder').map((n) => ({ name: n.name, node: n.name }));
}

/** Ops that are never a model's result even when nothing reads them. */
const NOT_RESULTS = new Set(['Placeholder', 'PlaceholderWithDefault', 'Const', 'VarHandleOp', 'NoOp']);

/**
 * Note [frozen graph outputs]: a GraphDef does not record which tensors are the model's outputs (TF feeds
 * and fetches them by name at run time), and importers do not read fixture metadata. The outputs are the
 * graph's sinks that depend on an input: nodes whose outputs no other node reads as data (control edges
 * do not count) and that a Placeholder reaches, leaving out Placeholders, Consts, variable handles and
 * ops without outputs. Freezing leaves sinks that hang off constants only (the Identity that was a
 * variable read before its value was inlined into a loop body), which are not results. When some sinks
 * are Identity nodes, only those are taken: TF's freezing tools (convert_variables_to_constants_v2, the
 * TF.js converter) end every signature output with an `Identity`/`Identity_<k>` node, while other sinks
 * are leftovers such as unused shape computations. Each output keeps its node's name (`name`, `name:k`
 * for further outputs of a multi-output node), in file order. A graph without Placeholders uses every sink.
 */
export function sinkOutputs(body: TfBody, file?: string): { name: string; ref: TfRef }[] {
  const readers = new Map<string, string[]>();
  for (const n of body.nodes.values()) {
    for (const r of n.inputs) {
      if (!('node' in r)) continue;
      const list = readers.get(r.node);
      if (list === undefined) readers.set(r.node, [n.name]);
      else list.push(n.name);
    }
  }
  const live = fedByPlaceholders(body, readers);
  const sinks = [...body.nodes.values()].filter((n) => !readers.has(n.name) && !NOT_RESULTS.has(n.op) && n.outputs > 0 && (live.size === 0 || live.has(n.name)));
  const identities = sinks.filter((n) => n.op === 'Identity');
  const chosen = identities.length > 0 ? identities : sinks;
  if (chosen.length === 0) throw new FormatError('the graph has no node whose result nothing reads, so it has no outputs', { file });
  return chosen.flatMap((n) => Array.from({ length: n.outputs }, (_, k) => ({ name: k === 0 ? n.name : `${n.name}:${k}`, ref: { node: n.name, index: k } })));
}

/** Names of the nodes a Placeholder reaches through data edges. */
function fedByPlaceholders(body: TfBody, readers: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const todo = [...body.nodes.values()].filter((n) => n.op === 'Placeholder').map((n) => n.name);
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    todo.push(...(readers.get(name) ?? []));
  }
  return seen;
}
