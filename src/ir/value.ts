import type { Graph } from './graph.js';
import type { Node } from './node.js';
import type { MetadataProps, SparseTensor, Tensor } from './tensor.js';
import type { ValueType } from './types.js';

/** One place a value is read: input `index` of `node`. */
export interface Use {
  readonly node: Node;
  readonly index: number;
}

/**
 * A value in SSA form: made once (by a node's output slot, or as a graph input or initializer) and read
 * by the nodes in `uses`. See Note [IR invariants] in invariants.md.
 */
export class Value {
  name: string;
  type?: ValueType;
  docString?: string;
  metadataProps?: MetadataProps;
  /** The constant behind an initializer. */
  constValue?: Tensor;
  /** The constant behind a sparse initializer. */
  sparseValue?: SparseTensor;

  /** @internal set by Node; read through `producer`. */
  _producer?: Node;
  /** @internal */
  _outputIndex = -1;
  /** @internal maintained by Node.setInput; read through `uses`. */
  readonly _uses: Use[] = [];
  /** @internal graphs that list this value among their outputs, maintained by Graph. */
  readonly _outputOf: Graph[] = [];
  /** @internal the graph that declares it as an input or initializer. */
  _ownerGraph?: Graph;

  constructor(name = '', type?: ValueType) {
    this.name = name;
    this.type = type;
  }

  get producer(): Node | undefined {
    return this._producer;
  }

  /** The output slot of `producer` this value fills; -1 for graph inputs and initializers. */
  get outputIndex(): number {
    return this._outputIndex;
  }

  get uses(): readonly Use[] {
    return this._uses;
  }

  /** The graph the value is defined in: its producer's, or the one declaring it as input/initializer. */
  get graph(): Graph | undefined {
    return this._producer?.graph ?? this._ownerGraph;
  }

  isInitializer(): boolean {
    return this.constValue !== undefined || this.sparseValue !== undefined;
  }

  isGraphInput(): boolean {
    return this._ownerGraph !== undefined && this._ownerGraph.inputs.includes(this);
  }

  isGraphOutput(): boolean {
    return this._outputOf.length > 0;
  }

  /**
   * Points every reader of this value (node inputs and graph outputs, in any nested graph) at `other`.
   * Graph outputs keep their name: when this value is a graph output, `other` takes over the name unless
   * `keepOutputNames` is false.
   */
  replaceAllUsesWith(other: Value, keepOutputNames = true): void {
    if (other === this) return;
    // Only a node's output that was not yet a graph output takes the name over: renaming a graph input,
    // an initializer or an existing output would change the model's interface (callers insert an
    // Identity to give such a value an output name of its own).
    const takeName = keepOutputNames && this.isGraphOutput() && !other.isGraphOutput() && other.producer !== undefined && this.name !== '';
    for (const use of [...this._uses]) use.node.setInput(use.index, other);
    for (const g of [...this._outputOf]) g.replaceOutput(this, other);
    if (takeName) {
      const oldName = this.name;
      this.name = other.name;
      other.name = oldName;
    }
  }

  /** @internal */
  _addUse(node: Node, index: number): void {
    this._uses.push({ node, index });
  }

  /** @internal */
  _removeUse(node: Node, index: number): void {
    const i = this._uses.findIndex((u) => u.node === node && u.index === index);
    if (i >= 0) this._uses.splice(i, 1);
  }
}
