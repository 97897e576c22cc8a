/**
 * TF bodies (tf-body.ts) -> IR nodes in domain `tf` (Note [TensorFlow source nodes]), shared by the
 * SavedModel, frozen GraphDef and TF.js importers. Only what the requested outputs need is emitted, in
 * dependency order (GraphDefs are not always sorted), so saver functions, NoOps and dead code never
 * reach the lowering table. The importer itself handles the ops that are structure rather than math:
 * Const, Placeholder, function calls (inlined), functional While/If (bodies become GRAPH attrs) and
 * variables (Note [frozen variables]).
 */
import { FormatError } from '../../../ir/errors.js';
import { Graph } from '../../../ir/graph.js';
import type { Tensor } from '../../../ir/tensor.js';
import type { Value } from '../../../ir/value.js';
import { mapGet, tensorFromProto } from '../../../formats/tf/index.js';
import { TfGraphBuilder, type TfAttr } from '../source-graph.js';
import { convertAttrs } from './attrs.js';
import { NameRegistry } from './names.js';
import { funcAttr, type FunctionLibrary, type TfBody, type TfNode, type TfRef } from './tf-body.js';
import { emitIf, emitWhile } from './control-flow.js';
import { Resource, type Bound } from './resource.js';
import { argType, type ArgType } from './value-types.js';

export { Resource, type Bound };

/** What differs between the three importers. */
export interface EmitHooks {
  /** The graph input a Placeholder stands for; undefined when it is not one of the model's inputs. */
  placeholder(node: TfNode): Value | undefined;
  /** A Const's value (TF.js keeps them in weight files); default: the `value` attr. */
  constant?(node: TfNode): Tensor | undefined;
  /** Variables bound to a function's trailing resource args (a SavedModel's concrete functions). */
  boundInputs?(fn: string): Resource[] | undefined;
}

const MAX_CALL_DEPTH = 64;

export class GraphEmitter {
  readonly names = new NameRegistry();

  constructor(
    readonly library: FunctionLibrary,
    readonly hooks: EmitHooks,
    readonly file?: string,
  ) {}

  /** Emits what `refs` of `body` need into `target`; returns their values. */
  emit(body: TfBody, target: Graph, args: readonly Bound[], refs: readonly TfRef[], prefix = '', depth = 0): Bound[] {
    if (depth > MAX_CALL_DEPTH) throw new FormatError(`function calls nest deeper than ${MAX_CALL_DEPTH} levels at ${body.name} (recursion?)`, { file: this.file });
    const scope = new Scope(this, body, target, args, prefix, depth);
    return refs.map((r) => scope.resolve(r));
  }

  /** A function body as a subgraph: inputs for its args except those bound to variables, outputs its results. */
  subgraph(body: TfBody, outer: readonly Bound[], prefix: string, depth: number, types: readonly (ArgType | undefined)[]): { graph: Graph; outputs: Bound[] } {
    if (outer.length !== body.args.length) {
      throw new FormatError(`function ${JSON.stringify(body.name)} takes ${body.args.length} arguments, but is given ${outer.length}`, { file: this.file });
    }
    const graph = new Graph(body.name);
    const args: Bound[] = body.args.map((a, i) => {
      const o = outer[i]!;
      if (o instanceof Resource) return o;
      return graph.addInput(this.names.claim(`${prefix}${a.name}`), types[i] ?? argType(a));
    });
    return { graph, outputs: this.emit(body, graph, args, body.outputs.map((o) => o.ref), prefix, depth + 1) };
  }

  builder(graph: Graph): TfGraphBuilder {
    return new TfGraphBuilder(graph);
  }
}

/** One instantiation of a body: its emitted nodes by name. */
export class Scope {
  private readonly done = new Map<string, Bound[]>();

  constructor(
    readonly em: GraphEmitter,
    readonly body: TfBody,
    readonly target: Graph,
    readonly args: readonly Bound[],
    readonly prefix: string,
    readonly depth: number,
  ) {}

  get file(): string | undefined {
    return this.em.file;
  }

  resolve(ref: TfRef): Bound {
    if ('arg' in ref) return this.args[ref.arg]!;
    this.visit(ref.node);
    const v = this.done.get(ref.node)![ref.index];
    if (v === undefined) throw new FormatError(`output ${ref.index} of ${JSON.stringify(ref.node)} is read, but the node has no such output`, { file: this.file, node: ref.node });
    return v;
  }

  /** Emits `name` after everything it reads: an explicit stack, since graphs may be deep chains. */
  private visit(root: string): void {
    if (this.done.has(root)) return;
    const onStack = new Set<string>([root]);
    const stack: { node: TfNode; next: number }[] = [{ node: this.body.nodes.get(root)!, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const deps = top.node.inputs;
      if (top.next < deps.length) {
        const r = deps[top.next++]!;
        if (!('node' in r) || this.done.has(r.node)) continue;
        if (onStack.has(r.node)) {
          throw new FormatError(`the graph has a cycle through ${JSON.stringify(r.node)} (TF1 control flow outside a loop frame?)`, { file: this.file, node: r.node });
        }
        onStack.add(r.node);
        stack.push({ node: this.body.nodes.get(r.node)!, next: 0 });
        continue;
      }
      stack.pop();
      onStack.delete(top.node.name);
      const inputs = top.node.inputs.map((r) => ('arg' in r ? this.args[r.arg]! : this.done.get(r.node)![r.index]!));
      this.done.set(top.node.name, this.emitNode(top.node, inputs));
    }
  }

  private emitNode(n: TfNode, inputs: Bound[]): Bound[] {
    const special = Object.hasOwn(STRUCTURAL, n.op) ? STRUCTURAL[n.op]! : undefined;
    return special?.(this, n, inputs) ?? this.op(n, inputs);
  }

  /** A plain `tf` node; a resource read where a tensor is expected gets the variable's value. */
  op(n: TfNode, inputs: Bound[], attrs: Record<string, TfAttr> = this.attrs(n), count = n.outputs): Value[] {
    const values = inputs.map((v) => (v instanceof Resource ? v.value(this.prefix + n.name, this.file) : v));
    const base = this.prefix + n.name;
    const names = Array.from({ length: count }, (_, k) => this.em.names.claim(k === 0 ? base : `${base}:${k}`));
    const node = this.em.builder(this.target).op(n.op, values, attrs, names, base);
    return node.outputs;
  }

  attrs(n: TfNode): Record<string, TfAttr> {
    return convertAttrs(n.attr, { file: this.file, node: this.prefix + n.name, op: n.op });
  }

  constant(n: TfNode): Value {
    const hooked = this.em.hooks.constant?.(n);
    const proto = mapGet(n.attr, 'value')?.tensor;
    if (hooked === undefined && proto === undefined) throw new FormatError('Const node has no value', { file: this.file, node: n.name });
    const t = hooked ?? tensorFromProto(proto!, { file: this.file, node: n.name });
    return this.em.builder(this.target).constant(t, this.em.names.claim(this.prefix + n.name));
  }

  /** Inlines a call's function body (Note [frozen variables] for the bound resources). */
  call(n: TfNode, fnName: string, args: Bound[]): Bound[] {
    const body = this.em.library.get(fnName, `${n.op} node ${JSON.stringify(n.name)}`);
    const bound = this.em.hooks.boundInputs?.(fnName);
    if (bound !== undefined && bound.length > 0) args = [...args.slice(0, args.length - bound.length), ...bound];
    if (args.length !== body.args.length) {
      throw new FormatError(`calls ${JSON.stringify(fnName)} with ${args.length} inputs, but it takes ${body.args.length}`, { file: this.file, node: n.name, op: n.op });
    }
    return this.em.emit(body, this.target, args, body.outputs.map((o) => o.ref), `${this.prefix}${n.name}/`, this.depth + 1);
  }
}

type Structural = (s: Scope, n: TfNode, inputs: Bound[]) => Bound[] | undefined;

/** Ops the importer resolves itself; anything else becomes a `tf` node for the lowering table. */
const STRUCTURAL: Readonly<Record<string, Structural>> = {
  Const: (s, n) => [s.constant(n)],
  Placeholder: (s, n) => {
    const v = s.em.hooks.placeholder(n);
    if (v === undefined) throw new FormatError(`the outputs need Placeholder ${JSON.stringify(n.name)}, which is not among the model's inputs`, { file: s.file, node: n.name });
    return [v];
  },
  // Not fed (e.g. Keras' learning phase): its default value.
  PlaceholderWithDefault: (s, n, inputs) => [s.em.hooks.placeholder(n) ?? inputs[0]!],
  VarHandleOp: (_s, n) => [new Resource(n.name)],
  // Identity of a handle is the handle; of a tensor, an ordinary node.
  Identity: (_s, _n, inputs) => (inputs[0] instanceof Resource ? [inputs[0]] : undefined),
  ReadVariableOp: (s, n, inputs) => {
    const r = inputs[0];
    if (!(r instanceof Resource)) throw new FormatError('ReadVariableOp reads something that is not a variable handle', { file: s.file, node: n.name, op: n.op });
    return [r.value(s.prefix + n.name, s.file)];
  },
  PartitionedCall: (s, n, inputs) => s.call(n, funcAttr(n, 'f', s.file), inputs),
  StatefulPartitionedCall: (s, n, inputs) => s.call(n, funcAttr(n, 'f', s.file), inputs),
  While: (s, n, inputs) => emitWhile(s, n, inputs),
  StatelessWhile: (s, n, inputs) => emitWhile(s, n, inputs),
  If: (s, n, inputs) => emitIf(s, n, inputs),
  StatelessIf: (s, n, inputs) => emitIf(s, n, inputs),
};
