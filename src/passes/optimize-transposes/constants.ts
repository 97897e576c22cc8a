/**
 * Reading and rewriting constant tensors for the transpose pass: the constant behind a value (an
 * initializer or a Constant node), and permuting its elements at compile time. Permuting only moves
 * elements, so any dtype whose elements are whole bytes works, through the raw bytes.
 */
import { attr, attrNumber, type Int64 } from '../../ir/attribute.js';
import { DataType, dataTypeInfo } from '../../ir/dtype.js';
import type { Graph } from '../../ir/graph.js';
import type { Model } from '../../ir/model.js';
import type { Node } from '../../ir/node.js';
import { ArrayTensor, BytesTensor, StringTensor, type Tensor } from '../../ir/tensor.js';
import { tensorType } from '../../ir/types.js';
import { Value } from '../../ir/value.js';
import { permute, type Perm } from './perm.js';

/** The constant a value always holds: a non-overridable initializer or a Constant node's value. */
export function constantOf(v: Value | null): Tensor | undefined {
  if (v === null) return undefined;
  if (v.constValue !== undefined) return v.isGraphInput() ? undefined : v.constValue;
  const p = v.producer;
  if (p === undefined || p.opType !== 'Constant' || p.domain !== '') return undefined;
  const t = p.attrTensor('value');
  if (t !== undefined) return t;
  const f = p.attrFloat('value_float');
  if (f !== undefined) return new ArrayTensor(DataType.FLOAT, [], Float32Array.of(f));
  const fs = p.attrFloats('value_floats');
  if (fs !== undefined) return new ArrayTensor(DataType.FLOAT, [fs.length], Float32Array.from(fs));
  const i = p.attrInt('value_int');
  if (i !== undefined) return intsTensor([i], []);
  const is = p.attrInts('value_ints');
  return is === undefined ? undefined : intsTensor(is);
}

/** The integers of a constant int32/int64 tensor (axes, pads, starts); undefined otherwise. */
export function constantInts(v: Value | null): number[] | undefined {
  const t = constantOf(v);
  if (t === undefined || (t.dtype !== DataType.INT64 && t.dtype !== DataType.INT32)) return undefined;
  return Array.from(t.toArray() as ArrayLike<number | bigint>, (x) => attrNumber(x as Int64));
}

export function intsTensor(values: readonly number[], dims: readonly number[] = [values.length]): Tensor {
  return new ArrayTensor(DataType.INT64, dims, BigInt64Array.from(values, (x) => BigInt(x)));
}

/** Whether the elements of `t` can be moved around through its raw bytes. */
export function isPermutable(t: Tensor): boolean {
  if (t instanceof StringTensor) return false;
  const bits = dataTypeInfo(t.dtype).bits;
  return bits > 0 && bits % 8 === 0;
}

/**
 * `t` with unit dims prepended up to `rank` (numpy broadcasting), then transposed by `perm`.
 * The caller checks `isPermutable` and that `t` has at most `rank` dims.
 */
export function transposeTensor(t: Tensor, rank: number, perm: Perm): Tensor {
  const dims = [...Array<number>(rank - t.dims.length).fill(1), ...t.dims];
  const outDims = permute(dims, perm);
  const size = dataTypeInfo(t.dtype).bits / 8;
  const src = t.bytes();
  const out = new Uint8Array(src.byteLength);
  const strides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= dims[d]!;
  }
  const step = permute(strides, perm);
  const index = new Array<number>(rank).fill(0);
  let from = 0;
  for (let o = 0; o < t.size; o++) {
    out.set(src.subarray(from * size, (from + 1) * size), o * size);
    // Advance the output multi-index like an odometer, keeping `from` in step.
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d]! < outDims[d]!) {
        from += step[d]!;
        break;
      }
      from -= step[d]! * (outDims[d]! - 1);
      index[d] = 0;
    }
  }
  return new BytesTensor(t.dtype, outDims, out);
}

/** A 1-D tensor whose element i is element `order[i]` of `t` (scales, sizes and roi of Resize). */
export function gatherVector(t: Tensor, order: readonly number[]): Tensor {
  const size = dataTypeInfo(t.dtype).bits / 8;
  const src = t.bytes();
  const out = new Uint8Array(order.length * size);
  order.forEach((j, i) => out.set(src.subarray(j * size, (j + 1) * size), i * size));
  return new BytesTensor(t.dtype, [order.length], out);
}

/**
 * Puts new constants into the graph. When the old constant is read only where it is being replaced
 * (`exclusive`), its initializer or Constant node is rewritten in place; otherwise a new initializer is
 * added under a fresh name, and shared by every later request with the same `key` (the same constant
 * permuted the same way), so a bias read by many nodes is permuted once. Names of the whole model are
 * collected once, on first need. `sweep` drops the constants that replacements left without readers.
 */
export class ConstantWriter {
  private names?: Set<string>;
  private readonly suffixes = new Map<string, number>();
  /** old constant -> key -> its replacement; and back, to forget an entry whose value gets rewritten. */
  private readonly shared = new Map<Value, Map<string, Value>>();
  private readonly sharedAs = new Map<Value, [Value, string]>();
  private readonly replaced = new Set<Value>();

  constructor(private readonly model: Model) {}

  /** The value to read instead of `old`, holding `tensor`. */
  replace(old: Value | null, tensor: Tensor, exclusive: boolean, where: Graph, key?: string): Value {
    const cached = old === null || key === undefined ? undefined : this.shared.get(old)?.get(key);
    if (cached !== undefined && cached.graph === where) return cached;
    if (old !== null && exclusive && !old.isGraphOutput() && this.rewriteInPlace(old, tensor)) return old;
    const v = where.addInitializer(new Value(this.freshName(old?.name || 'const'), tensorType(tensor.dtype, tensor.dims)), tensor);
    if (old !== null) {
      this.replaced.add(old);
      if (key !== undefined) {
        let byKey = this.shared.get(old);
        if (byKey === undefined) this.shared.set(old, (byKey = new Map()));
        byKey.set(key, v);
        this.sharedAs.set(v, [old, key]);
      }
    }
    return v;
  }

  /** Removes initializers and Constant nodes that `replace` left unread. */
  sweep(): void {
    for (const v of this.replaced) {
      if (v.uses.length > 0 || v.isGraphOutput()) continue;
      const p = v.producer;
      if (v.constValue !== undefined && !v.isGraphInput()) v.graph?.removeInitializer(v);
      else if (p?.opType === 'Constant' && p.graph !== undefined && p.outputs.length === 1) p.graph.removeNode(p);
    }
    this.replaced.clear();
  }

  private rewriteInPlace(old: Value, tensor: Tensor): boolean {
    const p = old.producer;
    if (old.constValue !== undefined && !old.isGraphInput()) old.constValue = tensor;
    else if (p?.opType === 'Constant' && p.domain === '') {
      for (const name of [...p.attributes.keys()]) if (name.startsWith('value')) p.attributes.delete(name);
      p.setAttr(attr.tensor('value', tensor));
    } else return false;
    old.type = tensorType(tensor.dtype, tensor.dims);
    // A shared replacement rewritten for its last reader no longer holds what its key says.
    const entry = this.sharedAs.get(old);
    if (entry !== undefined) {
      this.shared.get(entry[0])?.delete(entry[1]);
      this.sharedAs.delete(old);
    }
    return true;
  }

  private freshName(base: string): string {
    this.names ??= modelNames(this.model);
    let n = this.suffixes.get(base) ?? 0;
    let name = `${base}_perm`;
    while (this.names.has(name)) name = `${base}_perm${++n}`;
    this.suffixes.set(base, n);
    this.names.add(name);
    return name;
  }
}

/** The key of "this constant, unsqueezed to `rank` and transposed by `perm`" for ConstantWriter.replace. */
export function permutedKey(rank: number, perm: Perm): string {
  return `${rank}:${perm.join(',')}`;
}

function modelNames(model: Model): Set<string> {
  const names = new Set<string>();
  const walk = (g: Graph): void => {
    for (const v of g.inputs) names.add(v.name);
    for (const v of g.initializers.values()) names.add(v.name);
    for (const node of g) {
      for (const v of node.outputs) names.add(v.name);
      for (const sub of node.subgraphs()) walk(sub);
    }
  };
  walk(model.graph);
  for (const f of model.functions) walk(f.graph);
  return names;
}

/** Whether every read of `v` is one of `node`'s inputs (so `node` may have it rewritten for itself). */
export function readOnlyBy(v: Value, node: Node, slots?: ReadonlySet<number>): boolean {
  return !v.isGraphOutput() && v.uses.every((u) => u.node === node && (slots === undefined || slots.has(u.index)));
}
