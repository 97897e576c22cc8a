import { attr } from '../../ir/attribute.js';
import { DataType } from '../../ir/dtype.js';
import type { Graph } from '../../ir/graph.js';
import { Node } from '../../ir/node.js';
import { ArrayTensor, StringTensor, type Tensor } from '../../ir/tensor.js';
import { tensorType } from '../../ir/types.js';
import type { Value } from '../../ir/value.js';
import { KWARG_NAMES } from '../common/lower-context.js';

/** A Python value an importer hands to a source op as a non-tensor argument. */
export type PyScalar = number | bigint | boolean | string | null | readonly (number | bigint | boolean)[];

/**
 * Builds source-domain graphs (`aten`, `prim`) the way Note [source node arguments] describes, for
 * both PyTorch importers: constants become ONNX Constant nodes (deduplicated), lists of tensors become
 * prim::ListConstruct nodes, keyword arguments trail the positional ones.
 */
export class SourceGraphBuilder {
  private readonly constants = new Map<string, Value>();
  private counter = 0;

  constructor(readonly graph: Graph) {}

  /** A constant argument value; `null` (None) gives null. Ints are INT64, floats DOUBLE, bools BOOL. */
  pyValue(v: PyScalar, hint?: 'float'): Value | null {
    if (v === null) return null;
    const key = `${hint ?? ''}:${typeof v === 'object' ? `[${v.map(String).join(',')}]` : `${typeof v}:${String(v)}`}`;
    const hit = this.constants.get(key);
    if (hit) return hit;
    const t = pyTensor(v, hint);
    const node = new Node('Constant', [], { name: `const_${this.counter++}`, outputs: [`const_${this.counter}`], attributes: [attr.tensor('value', t)] });
    node.output(0).type = tensorType(t.dtype, t.dims);
    this.graph.appendNode(node);
    this.constants.set(key, node.output(0));
    return node.output(0);
  }

  /** A list of tensors (None allowed) as a prim::ListConstruct value. */
  list(items: readonly (Value | null)[], name?: string): Value {
    const node = new Node('ListConstruct', items, { domain: 'prim', name: name ?? `list_${this.counter++}` });
    this.graph.appendNode(node);
    return node.output(0);
  }

  /** Appends a source op; returns its node (outputs named as given). */
  call(
    domain: string,
    op: string,
    overload: string | undefined,
    args: readonly (Value | null)[],
    kwargs: readonly [string, Value | null][],
    outputs: readonly string[],
    name: string,
  ): Node {
    const node = new Node(op, [...args, ...kwargs.map(([, v]) => v)], {
      domain,
      name,
      outputs,
      ...(overload !== undefined ? { overload } : {}),
      attributes: kwargs.length > 0 ? [attr.strings(KWARG_NAMES, kwargs.map(([k]) => k))] : [],
    });
    this.graph.appendNode(node);
    return node;
  }

  /** A tensor constant (e.g. TorchScript CONSTANTS.c0) as a Constant node value. */
  tensorConstant(t: Tensor, name: string): Value {
    const node = new Node('Constant', [], { name, outputs: [name], attributes: [attr.tensor('value', t)] });
    node.output(0).type = tensorType(t.dtype, t.dims);
    this.graph.appendNode(node);
    return node.output(0);
  }
}

function pyTensor(v: Exclude<PyScalar, null>, hint?: 'float'): Tensor {
  if (typeof v === 'string') return new StringTensor([], [new TextEncoder().encode(v)]);
  if (typeof v === 'boolean') return new ArrayTensor(DataType.BOOL, [], Uint8Array.of(v ? 1 : 0));
  if (typeof v === 'bigint') return new ArrayTensor(DataType.INT64, [], BigInt64Array.of(v));
  if (typeof v === 'number') {
    return hint === 'float' || !Number.isInteger(v)
      ? new ArrayTensor(DataType.DOUBLE, [], Float64Array.of(v))
      : new ArrayTensor(DataType.INT64, [], BigInt64Array.of(BigInt(v)));
  }
  if (v.length > 0 && v.every((x) => typeof x === 'boolean')) return new ArrayTensor(DataType.BOOL, [v.length], Uint8Array.from(v as boolean[], (b) => (b ? 1 : 0)));
  if (hint === 'float' || v.some((x) => typeof x === 'number' && !Number.isInteger(x))) {
    return new ArrayTensor(DataType.DOUBLE, [v.length], Float64Array.from(v as number[]));
  }
  return new ArrayTensor(DataType.INT64, [v.length], BigInt64Array.from(v as (number | bigint)[], (x) => BigInt(x)));
}
