/**
 * A GraphDef or a FunctionDef with its tensor references resolved once, so that the emitter reads one
 * form: every data input is (node, flat output index) or (function arg index). Control inputs (`^name`)
 * are dropped (Note [TensorFlow source nodes]). GraphDefs name tensors `node` / `node:k`; FunctionDefs
 * name them `node:<output arg>:k` and their args by bare name (FORMATS.md §3.3).
 */
import type { AttrValue, FunctionDef, NodeDef, TensorShapeProto } from '../../../formats/tf/index.js';
import { mapEntries, mapGet } from '../../../formats/tf/index.js';
import { FormatError } from '../../../ir/errors.js';
import { flatOutputIndex, outputCount } from './op-outputs.js';

export type TfRef = { node: string; index: number } | { arg: number };

export interface TfNode {
  name: string;
  op: string;
  inputs: TfRef[];
  attr: Record<string, AttrValue>;
  /** Outputs: the op's count from op-outputs.ts, or more when the body reads a higher index. */
  outputs: number;
}

export interface TfArg {
  name: string;
  /** TF DataType number. */
  type: number;
  /** From the arg's `_output_shapes` attr (or handle data), when the function records one. */
  shape?: TensorShapeProto;
}

export interface TfBody {
  /** The function's name, or `graph` for a GraphDef. */
  name: string;
  /** In file order. */
  nodes: Map<string, TfNode>;
  args: TfArg[];
  /** A function's results in output_arg order (empty for a GraphDef: its importer picks the outputs). */
  outputs: { name: string; ref: TfRef }[];
}

/** Where a body came from, for messages. */
export interface BodySource {
  file?: string;
}

function indexNodes(defs: readonly NodeDef[], body: string, file: string | undefined): Map<string, { def: NodeDef; node: TfNode }> {
  const out = new Map<string, { def: NodeDef; node: TfNode }>();
  defs.forEach((def, i) => {
    const name = def.name ?? '';
    if (name === '' || def.op === undefined || def.op === '') throw new FormatError(`${body}: node ${i} has no ${name === '' ? 'name' : 'op'}`, { file, node: name || undefined });
    if (out.has(name)) throw new FormatError(`${body}: two nodes are named ${JSON.stringify(name)}`, { file, node: name });
    out.set(name, { def, node: { name, op: def.op, inputs: [], attr: def.attr ?? {}, outputs: 1 } });
  });
  return out;
}

/**
 * Sets each node's output count from the table and checks what the body reads against it; ops the table
 * does not size get as many outputs as the highest index read.
 */
function countOutputs(nodes: Map<string, TfNode>, refs: Iterable<TfRef>): void {
  const known = new Set<string>();
  for (const n of nodes.values()) {
    const c = outputCount(n.op, n.attr);
    n.outputs = c ?? 1;
    if (c !== undefined && c !== 1) known.add(n.name);
  }
  for (const r of refs) {
    if (!('node' in r)) continue;
    const n = nodes.get(r.node)!;
    if (r.index < n.outputs) continue;
    if (known.has(n.name)) throw new FormatError(`output ${r.index} of ${n.op} node ${JSON.stringify(n.name)} is read, but it has ${n.outputs}`, {});
    n.outputs = r.index + 1;
  }
}

function* allRefs(nodes: Map<string, TfNode>): Iterable<TfRef> {
  for (const n of nodes.values()) yield* n.inputs;
}

/** A GraphDef's nodes as a body; references are `node` or `node:k`. */
export function graphBody(defs: readonly NodeDef[], src: BodySource = {}): TfBody {
  const file = src.file;
  const indexed = indexNodes(defs, 'graph', file);
  const ref = (s: string, where: string): TfRef => {
    const m = /^(.*?)(?::(\d+))?$/.exec(s)!;
    const name = m[1]!;
    if (!indexed.has(name)) throw new FormatError(`${where} reads ${JSON.stringify(s)}, which no node defines`, { file, node: where });
    return { node: name, index: m[2] === undefined ? 0 : Number(m[2]) };
  };
  for (const { def, node } of indexed.values()) {
    node.inputs = (def.input ?? []).filter((s) => !s.startsWith('^')).map((s) => ref(s, node.name));
  }
  const nodes = new Map([...indexed].map(([k, v]) => [k, v.node]));
  try {
    countOutputs(nodes, allRefs(nodes));
  } catch (e) {
    throw e instanceof FormatError ? new FormatError(e.detail, { file }) : e;
  }
  return { name: 'graph', nodes, args: [], outputs: [] };
}

/**
 * A GraphDef tensor name (`node`, `node:k`, as in signatures) as a reference into `body`; undefined
 * when no node has that name.
 */
export function graphRef(body: TfBody, tensor: string): { node: string; index: number } | undefined {
  const m = /^(.*?)(?::(\d+))?$/.exec(tensor)!;
  const node = body.nodes.get(m[1]!);
  if (node === undefined) return undefined;
  const index = m[2] === undefined ? 0 : Number(m[2]);
  if (index >= node.outputs) node.outputs = index + 1;
  return { node: node.name, index };
}

/** A FunctionDef as a body; references are `arg`, `node:arg:k`. */
export function functionBody(fn: FunctionDef, src: BodySource = {}): TfBody {
  const file = src.file;
  const sig = fn.signature ?? {};
  const name = sig.name ?? '';
  const where = `function ${JSON.stringify(name)}`;
  const args: TfArg[] = (sig.input_arg ?? []).map((a, i) => {
    const recorded = mapGet(fn.arg_attr, String(i))?.attr;
    const shape = mapGet(recorded, '_output_shapes')?.list?.shape?.[0] ?? a.handle_data?.[0]?.shape;
    return { name: a.name ?? `arg${i}`, type: a.type ?? 0, ...(shape !== undefined ? { shape } : {}) };
  });
  const argIndex = new Map(args.map((a, i) => [a.name, i]));
  const indexed = indexNodes(fn.node_def ?? [], where, file);
  const ref = (s: string, reader: string): TfRef => {
    const parts = s.split(':');
    const bad = (why: string): never => {
      throw new FormatError(`${where}: ${reader} reads ${JSON.stringify(s)}, ${why}`, { file });
    };
    if (parts.length === 1) {
      const i = argIndex.get(s);
      return i !== undefined ? { arg: i } : bad('which is not an argument of the function');
    }
    const target = indexed.get(parts[0]!)?.node ?? bad('which no node of the function defines');
    const k = Number(parts[parts.length - 1]);
    if (!Number.isInteger(k) || k < 0) bad('whose output index is not a number');
    if (parts.length === 2) return { node: target.name, index: k };
    if (parts.length !== 3) bad('which is not of the form node:output:index');
    const flat = flatOutputIndex(target.op, target.attr, parts[1]!, k);
    return flat === undefined ? bad(`but ${target.op} has no output ${parts[1]}:${k}`) : { node: target.name, index: flat };
  };
  for (const { def, node } of indexed.values()) {
    node.inputs = (def.input ?? []).filter((s) => !s.startsWith('^')).map((s) => ref(s, `node ${JSON.stringify(node.name)}`));
  }
  const rets = new Map(mapEntries(fn.ret));
  const outputs = (sig.output_arg ?? []).map((a) => {
    const r = rets.get(a.name ?? '');
    if (r === undefined) throw new FormatError(`${where}: output ${JSON.stringify(a.name)} has no ret entry`, { file });
    return { name: a.name ?? '', ref: ref(r, `output ${JSON.stringify(a.name)}`) };
  });
  const nodes = new Map([...indexed].map(([k, v]) => [k, v.node]));
  try {
    countOutputs(nodes, [...allRefs(nodes), ...outputs.map((o) => o.ref)]);
  } catch (e) {
    throw e instanceof FormatError ? new FormatError(`${where}: ${e.detail}`, { file }) : e;
  }
  return { name, nodes, args, outputs };
}

/** A lazily parsed function library: name -> body. */
export class FunctionLibrary {
  private readonly defs = new Map<string, FunctionDef>();
  private readonly bodies = new Map<string, TfBody>();

  constructor(
    functions: readonly FunctionDef[],
    private readonly src: BodySource = {},
  ) {
    for (const f of functions) {
      const name = f.signature?.name;
      if (name !== undefined) this.defs.set(name, f);
    }
  }

  has(name: string): boolean {
    return this.defs.has(name) || this.bodies.has(name);
  }

  /** The parsed body of `name`; a FormatError naming `reader` when the library lacks it. */
  get(name: string, reader: string): TfBody {
    let body = this.bodies.get(name);
    if (body !== undefined) return body;
    const def = this.defs.get(name);
    if (def === undefined) throw new FormatError(`${reader} calls function ${JSON.stringify(name)}, which the graph's library does not define`, { file: this.src.file });
    body = functionBody(def, this.src);
    this.bodies.set(name, body);
    return body;
  }

  /** Adds a body made by the importer itself (a v1 loop rebuilt as a function). */
  add(body: TfBody): void {
    if (this.has(body.name)) throw new Error(`function ${body.name} defined twice`);
    this.bodies.set(body.name, body);
  }
}

/** The function a call or control-flow node names in its func attr `attr`. */
export function funcAttr(n: TfNode, attr: string, file: string | undefined): string {
  const f = mapGet(n.attr, attr)?.func?.name;
  if (f === undefined || f === '') throw new FormatError(`${n.op} node has no function attr ${attr}`, { file, node: n.name, op: n.op });
  return f;
}
