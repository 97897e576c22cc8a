import { CheckError } from './errors.js';
import type { Node } from './node.js';
import type { MetadataProps, SparseTensor, Tensor } from './tensor.js';
import type { ValueType } from './types.js';
import { Value } from './value.js';

/** ONNX TensorAnnotation: quantization parameter tensors named for one tensor. */
export interface TensorAnnotation {
  tensorName?: string;
  quantParameterTensorNames: [key: string, value: string][];
}

/**
 * A graph: inputs, initializers, a list of nodes and outputs. Nodes form a doubly linked list so that a
 * pass may insert or remove nodes while it iterates (iteration skips removed nodes and sees inserted
 * ones that come after the current node). A subgraph (If branch, Loop body) has `parentNode` set and may
 * read values of enclosing graphs directly.
 */
export class Graph {
  name?: string;
  docString?: string;
  metadataProps?: MetadataProps;
  quantizationAnnotation?: TensorAnnotation[];
  /** Values that the file described in value_info, in file order (types live on the values). */
  valueInfo: Value[] = [];
  /** The node holding this graph in an attribute; undefined for a model's main graph and functions. */
  parentNode?: Node;

  private readonly _inputs: Value[] = [];
  private readonly _outputs: Value[] = [];
  private readonly _initializers = new Map<string, Value>();
  private readonly _sparseInitializers: Value[] = [];
  private _first?: Node;
  private _last?: Node;
  private _count = 0;

  constructor(name?: string) {
    if (name !== undefined) this.name = name;
  }

  get inputs(): readonly Value[] {
    return this._inputs;
  }

  get outputs(): readonly Value[] {
    return this._outputs;
  }

  /** Initializers by name, in file order. An initializer may also be listed in `inputs` (IR < 4 style). */
  get initializers(): ReadonlyMap<string, Value> {
    return this._initializers;
  }

  get sparseInitializers(): readonly Value[] {
    return this._sparseInitializers;
  }

  get nodeCount(): number {
    return this._count;
  }

  get firstNode(): Node | undefined {
    return this._first;
  }

  get lastNode(): Node | undefined {
    return this._last;
  }

  addInput(name: string | Value, type?: ValueType): Value {
    const v = typeof name === 'string' ? new Value(name, type) : name;
    if (v._producer !== undefined) throw new CheckError(`graph input ${JSON.stringify(v.name)} has a producer`);
    v._ownerGraph = this;
    this._inputs.push(v);
    return v;
  }

  removeInput(v: Value): void {
    const i = this._inputs.indexOf(v);
    if (i >= 0) this._inputs.splice(i, 1);
  }

  /** Adds (or returns, when `value` is already one) an initializer holding `tensor`. */
  addInitializer(name: string | Value, tensor: Tensor): Value {
    const v = typeof name === 'string' ? (this._initializers.get(name) ?? new Value(name)) : name;
    v.constValue = tensor;
    v._ownerGraph = this;
    this._initializers.set(v.name, v);
    return v;
  }

  addSparseInitializer(name: string | Value, tensor: SparseTensor): Value {
    const v = typeof name === 'string' ? new Value(name) : name;
    v.sparseValue = tensor;
    v._ownerGraph = this;
    this._sparseInitializers.push(v);
    return v;
  }

  removeInitializer(v: Value): void {
    if (this._initializers.get(v.name) === v) this._initializers.delete(v.name);
    const i = this._sparseInitializers.indexOf(v);
    if (i >= 0) this._sparseInitializers.splice(i, 1);
  }

  addOutput(v: Value): void {
    this._outputs.push(v);
    v._outputOf.push(this);
  }

  setOutput(i: number, v: Value): void {
    const old = this._outputs[i];
    if (old === undefined) throw new RangeError(`graph has no output ${i}`);
    this._outputs[i] = v;
    detachOutput(old, this);
    v._outputOf.push(this);
  }

  removeOutput(i: number): void {
    const [old] = this._outputs.splice(i, 1);
    if (old) detachOutput(old, this);
  }

  /** Replaces every occurrence of `from` among the outputs with `to`. */
  replaceOutput(from: Value, to: Value): void {
    this._outputs.forEach((v, i) => v === from && this.setOutput(i, to));
  }

  *[Symbol.iterator](): IterableIterator<Node> {
    let n = this._first;
    while (n) {
      if (!n._removed) yield n;
      // A removed node keeps its `_next`, so removing the current node mid-iteration is safe.
      n = n._next;
      while (n && n._removed) n = n._next;
    }
  }

  nodes(): Node[] {
    return [...this];
  }

  appendNode(node: Node): Node {
    return this.insertAfter(this._last, node);
  }

  /** Inserts `node` after `ref` (at the front when `ref` is undefined). */
  insertAfter(ref: Node | undefined, node: Node): Node {
    this.adopt(node);
    const next = ref ? ref._next : this._first;
    node._prev = ref;
    node._next = next;
    if (ref) ref._next = node;
    else this._first = node;
    if (next) next._prev = node;
    else this._last = node;
    return node;
  }

  insertBefore(ref: Node, node: Node): Node {
    return this.insertAfter(ref._prev, node);
  }

  /**
   * Unlinks `node`. Unless `force`, its outputs must be unused (no readers, not graph outputs).
   * Its inputs are released so use lists stay exact.
   */
  removeNode(node: Node, force = false): void {
    if (node._graph !== this) throw new CheckError('node is not in this graph', { node: node.name, op: node.opType });
    if (!force) {
      for (const out of node.outputs) {
        if (out.uses.length > 0 || out.isGraphOutput()) {
          throw new CheckError(`cannot remove: output ${JSON.stringify(out.name)} is still used`, {
            node: node.name,
            op: node.opType,
          });
        }
      }
    }
    node.clearInputs();
    const { _prev: prev, _next: next } = node;
    if (prev) prev._next = next;
    else this._first = next;
    if (next) next._prev = prev;
    else this._last = prev;
    node._removed = true;
    node._graph = undefined;
    this._count--;
  }

  /** Every value this graph reads that is defined in an enclosing graph. */
  outerReferences(): Set<Value> {
    const own = new Set<Value>([...this._inputs, ...this._initializers.values(), ...this._sparseInitializers]);
    const outer = new Set<Value>();
    for (const node of this) {
      for (const out of node.outputs) own.add(out);
    }
    for (const node of this) {
      for (const v of node.inputs) if (v && !own.has(v)) outer.add(v);
      for (const g of node.subgraphs()) for (const v of g.outerReferences()) if (!own.has(v)) outer.add(v);
    }
    for (const v of this._outputs) if (!own.has(v)) outer.add(v);
    return outer;
  }

  private adopt(node: Node): void {
    if (node._graph !== undefined) {
      throw new CheckError('node already belongs to a graph', { node: node.name, op: node.opType });
    }
    node._graph = this;
    node._removed = false;
    this._count++;
  }
}

function detachOutput(v: Value, g: Graph): void {
  const j = v._outputOf.indexOf(g);
  if (j >= 0) v._outputOf.splice(j, 1);
}

/**
 * Relinks the nodes of `graph` in the order given, which must hold exactly the graph's nodes.
 * Kept outside the class body so only ordering code (topo-sort.ts) reaches for it.
 */
export function relinkNodes(graph: Graph, order: readonly Node[]): void {
  if (order.length !== graph.nodeCount) throw new RangeError('relinkNodes: order must hold every node once');
  let prev: Node | undefined;
  for (const n of order) {
    if (n.graph !== graph) throw new RangeError('relinkNodes: node from another graph');
    n._prev = prev;
    if (prev) prev._next = n;
    prev = n;
  }
  if (prev) prev._next = undefined;
  (graph as unknown as { _first?: Node })._first = order[0];
  (graph as unknown as { _last?: Node })._last = prev;
}
