import { attr as mkAttr, AttributeType, type Attribute } from '../../ir/attribute.js';
import type { Graph } from '../../ir/graph.js';
import { Node } from '../../ir/node.js';
import type { Tensor } from '../../ir/tensor.js';
import { tensorType } from '../../ir/types.js';
import type { Value } from '../../ir/value.js';

/**
 * Note [TensorFlow source nodes]: a TF NodeDef becomes an IR node in domain `tf` whose opType is the TF
 * op name and whose inputs are its data inputs in order (control inputs `^name` are dropped: a graph
 * without side effects does not need them). Attributes keep their TF names, converted by kind:
 * `type` -> INT holding the ONNX DataType, `i` -> INT, `f` -> FLOAT, `b` -> INT 0/1, `s` -> STRING,
 * `shape` -> INTS (-1 for an unknown dim; an unknown rank is left out), `tensor` -> TENSOR,
 * `list(i)` -> INTS, `list(f)` -> FLOATS, `list(type)` -> INTS of ONNX DataTypes, `list(s)` -> STRINGS,
 * `func` -> GRAPH when the importer turned the function into a subgraph (While/If bodies), else the
 * function's name as STRING. `Const` nodes become ONNX Constant nodes directly.
 */
export type TfAttr =
  | { kind: 'type'; value: number }
  | { kind: 'i'; value: number }
  | { kind: 'f'; value: number }
  | { kind: 'b'; value: boolean }
  | { kind: 's'; value: string | Uint8Array }
  | { kind: 'shape'; value: number[] | undefined }
  | { kind: 'tensor'; value: Tensor }
  | { kind: 'list_i'; value: number[] }
  | { kind: 'list_f'; value: number[] }
  | { kind: 'list_type'; value: number[] }
  | { kind: 'list_s'; value: (string | Uint8Array)[] }
  | { kind: 'graph'; value: Graph }
  | { kind: 'func'; value: string };

export function toIrAttribute(name: string, a: TfAttr): Attribute | undefined {
  switch (a.kind) {
    case 'type':
    case 'i':
      return mkAttr.int(name, a.value);
    case 'f':
      return mkAttr.float(name, a.value);
    case 'b':
      return mkAttr.int(name, a.value ? 1 : 0);
    case 's':
    case 'func':
      return mkAttr.string(name, a.value);
    case 'shape':
      return a.value === undefined ? undefined : mkAttr.ints(name, a.value);
    case 'tensor':
      return mkAttr.tensor(name, a.value);
    case 'list_i':
    case 'list_type':
      return mkAttr.ints(name, a.value);
    case 'list_f':
      return { name, type: AttributeType.FLOATS, value: a.value };
    case 'list_s':
      return mkAttr.strings(name, a.value);
    case 'graph':
      return mkAttr.graph(name, a.value);
  }
}

/** Builds `tf`-domain source graphs for the TensorFlow importers and the op-case tests. */
export class TfGraphBuilder {
  constructor(readonly graph: Graph) {}

  op(opType: string, inputs: readonly (Value | null)[], attrs: Record<string, TfAttr>, outputs: readonly string[], name: string): Node {
    const attributes = Object.entries(attrs)
      .map(([k, a]) => toIrAttribute(k, a))
      .filter((a): a is Attribute => a !== undefined);
    const node = new Node(opType, inputs, { domain: 'tf', name, outputs, attributes });
    for (const a of attributes) if (a.type === AttributeType.GRAPH) (a.value as Graph).parentNode = node;
    this.graph.appendNode(node);
    return node;
  }

  constant(t: Tensor, name: string): Value {
    const node = new Node('Constant', [], { name, outputs: [name], attributes: [mkAttr.tensor('value', t)] });
    node.output(0).type = tensorType(t.dtype, t.dims);
    this.graph.appendNode(node);
    return node.output(0);
  }
}
