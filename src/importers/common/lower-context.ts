import { attr as mkAttr, AttributeType, type Attribute } from '../../ir/attribute.js';
import { DataType, dataTypeName } from '../../ir/dtype.js';
import { Node } from '../../ir/node.js';
import type { ConstantData } from '../../ir/ops/infer-context.js';
import { getSchema } from '../../ir/ops/registry.js';
import type { Shape } from '../../ir/shape.js';
import { ArrayTensor, StringTensor } from '../../ir/tensor.js';
import type { ValueType } from '../../ir/types.js';
import type { Value } from '../../ir/value.js';

/**
 * Note [source node arguments]: importers put every argument of a source op on the node as an input
 * value, positional ones first, then keyword ones, whose names sit in the STRINGS attribute
 * `kwarg_names` (one name per trailing input). Non-tensor arguments (ints, floats, bools, strings,
 * int lists, dtypes as c10 ScalarType numbers) are values made by ONNX `Constant` nodes, or computed
 * int64 scalars when they are dynamic (a SymInt). `None` is a null input. A list of tensors is a value
 * made by a `prim::ListConstruct` node whose inputs are the tensors.
 */
export const KWARG_NAMES = 'kwarg_names';

/** Where an argument is: its position, a keyword name, or either (position first). */
export type ArgRef = number | string | readonly [number, string];

/** Thrown by `ctx.unsupported`: the driver lists the node as unsupported (with the reason). */
export class RuleRefusal extends Error {}

/** What the lowering driver provides to a rule's context. */
export interface LowerHost {
  readonly opset: number;
  /** Inserts `node` before the node being lowered and infers its types. */
  emit(node: Node): void;
  typeOf(v: Value): ValueType | undefined;
  constantOf(v: Value): ConstantData | undefined;
}

type Attrs = Record<string, number | number[] | string | string[] | ArrayTensor | undefined> | Attribute[];

/** A rule's view of one source node; see LoweringRule. */
export class LowerContext {
  /** Replacement values for the source node's outputs, set by the rule. */
  readonly results: (Value | null | undefined)[];
  private readonly kwargs: Map<string, number>;
  private emitted = 0;

  constructor(
    readonly node: Node,
    private readonly host: LowerHost,
  ) {
    this.results = node.outputs.map(() => undefined);
    const names = node.attr(KWARG_NAMES);
    const list = names?.type === AttributeType.STRINGS ? (names.value as string[]) : [];
    const first = node.inputs.length - list.length;
    this.kwargs = new Map(list.map((n, k) => [String(n), first + k]));
  }

  get opset(): number {
    return this.host.opset;
  }

  /** Number of positional arguments. */
  get argCount(): number {
    return this.node.inputs.length - this.kwargs.size;
  }

  /** An argument's value; null when absent or None. */
  arg(ref: ArgRef): Value | null {
    if (typeof ref === 'number') return ref < this.argCount ? this.node.input(ref) : null;
    if (typeof ref === 'string') {
      const i = this.kwargs.get(ref);
      return i === undefined ? null : this.node.input(i);
    }
    const [i, name] = ref as readonly [number, string];
    return i < this.argCount ? this.node.input(i) : this.arg(name);
  }

  has(ref: ArgRef): boolean {
    return this.arg(ref) !== null;
  }

  /** A tensor argument that must be there. */
  tensor(ref: ArgRef): Value {
    const v = this.arg(ref);
    if (v === null) this.unsupported(`argument ${describe(ref)} is missing`);
    return v;
  }

  private constantData(ref: ArgRef): ConstantData | StringTensor | undefined {
    const v = this.arg(ref);
    if (v === null) return undefined;
    const p = v.producer;
    if (p?.opType === 'Constant' && p.domain === '') {
      const t = p.attrTensor('value');
      if (t instanceof StringTensor) return t;
    }
    return this.host.constantOf(v);
  }

  private numbers(ref: ArgRef, what: string): number[] | undefined {
    if (!this.has(ref)) return undefined;
    const c = this.constantData(ref);
    if (c === undefined || c instanceof StringTensor) this.unsupported(`argument ${describe(ref)} must be a constant ${what}`);
    return Array.from(c.values as ArrayLike<number | bigint>, (x) => Number(x));
  }

  int(ref: ArgRef, dflt?: number): number {
    const v = this.numbers(ref, 'int')?.[0] ?? dflt;
    if (v === undefined) this.unsupported(`argument ${describe(ref)} is missing`);
    return v;
  }

  ints(ref: ArgRef, dflt?: readonly number[]): number[] {
    const v = this.numbers(ref, 'int list') ?? dflt;
    if (v === undefined) this.unsupported(`argument ${describe(ref)} is missing`);
    return [...v];
  }

  float(ref: ArgRef, dflt?: number): number {
    const v = this.numbers(ref, 'number')?.[0] ?? dflt;
    if (v === undefined) this.unsupported(`argument ${describe(ref)} is missing`);
    return v;
  }

  bool(ref: ArgRef, dflt?: boolean): boolean {
    const v = this.numbers(ref, 'bool')?.[0];
    if (v === undefined && dflt === undefined) this.unsupported(`argument ${describe(ref)} is missing`);
    return v === undefined ? dflt! : v !== 0;
  }

  string(ref: ArgRef, dflt?: string): string {
    if (!this.has(ref)) {
      if (dflt === undefined) this.unsupported(`argument ${describe(ref)} is missing`);
      return dflt;
    }
    const c = this.constantData(ref);
    if (!(c instanceof StringTensor)) this.unsupported(`argument ${describe(ref)} must be a constant string`);
    return c.texts()[0] ?? '';
  }

  /** The tensors of a list argument (a prim::ListConstruct); null entries are None. */
  tensorList(ref: ArgRef): (Value | null)[] {
    const v = this.arg(ref);
    const p = v?.producer;
    if (!p || p.opType !== 'ListConstruct') this.unsupported(`argument ${describe(ref)} must be a list built in the graph`);
    return [...p.inputs];
  }

  typeOf(v: Value): ValueType | undefined {
    return this.host.typeOf(v);
  }

  /** The element type of a tensor value; refuses when unknown. */
  dtype(v: Value): DataType {
    const t = this.host.typeOf(v);
    if (t?.kind !== 'tensor' || t.dtype === DataType.UNDEFINED) this.unsupported(`the element type of ${JSON.stringify(v.name)} is unknown`);
    return t.dtype;
  }

  shape(v: Value): Shape | undefined {
    const t = this.host.typeOf(v);
    return t?.kind === 'tensor' ? t.shape : undefined;
  }

  rank(v: Value): number {
    const s = this.shape(v);
    if (s === undefined) this.unsupported(`the rank of ${JSON.stringify(v.name)} is unknown`);
    return s.length;
  }

  /*
   * Attributes of the source node (TensorFlow ops carry their parameters as attributes; ATen ops as
   * arguments). Without the attribute, `dflt` is returned; with neither, the node is refused.
   */
  attrInt(name: string, dflt?: number): number {
    const v = this.node.attrInt(name) ?? dflt;
    if (v === undefined) this.unsupported(`attribute ${name} is missing`);
    return v;
  }

  attrInts(name: string, dflt?: readonly number[]): number[] {
    const v = this.node.attrInts(name) ?? dflt;
    if (v === undefined) this.unsupported(`attribute ${name} is missing`);
    return [...v];
  }

  attrFloat(name: string, dflt?: number): number {
    const v = this.node.attrFloat(name) ?? dflt;
    if (v === undefined) this.unsupported(`attribute ${name} is missing`);
    return v;
  }

  attrString(name: string, dflt?: string): string {
    const v = this.node.attrString(name) ?? dflt;
    if (v === undefined) this.unsupported(`attribute ${name} is missing`);
    return v;
  }

  hasAttr(name: string): boolean {
    return this.node.attributes.has(name);
  }

  /** The values of a constant input (an initializer, a Constant node, or a value inference folded). */
  constantOf(v: Value): ConstantData | undefined {
    return this.host.constantOf(v);
  }

  /** Emits an ONNX op before the source node and returns its outputs. */
  ops(opType: string, inputs: readonly (Value | null)[], attrs: Attrs = {}, outputs = 1, domain = ''): Value[] {
    const name = `${this.node.name ?? this.node.opType}/${opType}_${this.emitted++}`;
    const n = new Node(opType, inputs, { domain, name, outputs, attributes: toAttributes(attrs, opType, domain, this.host.opset) });
    this.host.emit(n);
    return n.outputs;
  }

  op(opType: string, inputs: readonly (Value | null)[], attrs: Attrs = {}): Value {
    return this.ops(opType, inputs, attrs, 1)[0]!;
  }

  /** A constant tensor value (an ONNX Constant node). */
  constant(dtype: DataType, dims: readonly number[], values: ArrayLike<number> | readonly bigint[]): Value {
    const data = dtype === DataType.INT64 ? BigInt64Array.from(values as ArrayLike<number>, (x) => BigInt(x)) : typedFor(dtype, values as ArrayLike<number>);
    return this.op('Constant', [], [mkAttr.tensor('value', new ArrayTensor(dtype, dims, data))]);
  }

  int64s(values: readonly number[]): Value {
    return this.constant(DataType.INT64, [values.length], values);
  }

  scalar(dtype: DataType, value: number): Value {
    return this.constant(dtype, [], [value]);
  }

  output(i: number, v: Value | null): void {
    this.results[i] = v;
  }

  unsupported(reason: string): never {
    throw new RuleRefusal(reason);
  }
}

function describe(ref: ArgRef): string {
  return typeof ref === 'object' ? `${ref[0]} (${ref[1]})` : String(ref);
}

function typedFor(dtype: DataType, values: ArrayLike<number>): Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Int16Array | Uint16Array {
  switch (dtype) {
    case DataType.FLOAT:
      return Float32Array.from(values);
    case DataType.DOUBLE:
      return Float64Array.from(values);
    case DataType.INT32:
      return Int32Array.from(values);
    case DataType.BOOL:
    case DataType.UINT8:
      return Uint8Array.from(values);
    case DataType.INT8:
      return Int8Array.from(values);
    case DataType.INT16:
      return Int16Array.from(values);
    default:
      throw new RangeError(`constant(): no typed array for ${dataTypeName(dtype)}`);
  }
}

/**
 * Plain attribute values are typed by the op's ONNX schema at the target opset, so `alpha: 1` is a
 * FLOAT where the schema says FLOAT and an INT where it says INT.
 */
function toAttributes(attrs: Attrs, opType: string, domain: string, opset: number): Attribute[] {
  if (Array.isArray(attrs)) return attrs;
  const schema = getSchema(domain, opType, opset);
  const out: Attribute[] = [];
  for (const [name, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    const type = schema?.attributes.find((a) => a.name === name)?.type;
    if (v instanceof ArrayTensor) out.push(mkAttr.tensor(name, v));
    else if (typeof v === 'string') out.push(mkAttr.string(name, v));
    else if (typeof v === 'number') out.push(type === AttributeType.FLOAT || (type === undefined && !Number.isInteger(v)) ? mkAttr.float(name, v) : mkAttr.int(name, v));
    else if (v.every((x) => typeof x === 'string')) out.push(mkAttr.strings(name, v as string[]));
    else if (type === AttributeType.FLOATS) out.push({ name, type: AttributeType.FLOATS, value: v as number[] });
    else out.push(mkAttr.ints(name, v as number[]));
  }
  return out;
}
