import { attrNumber, attrText, AttributeType, isRefAttribute, type Attribute, type AttributeOf, type Int64 } from '../attribute.js';
import { DataType } from '../dtype.js';
import { ShapeError } from '../errors.js';
import type { Graph } from '../graph.js';
import type { Node } from '../node.js';
import type { ConstantData, InferContext, InferNode, TensorInfo } from '../ops/infer-context.js';
import type { AttributeSchema, OpSchema } from '../ops/schema.js';
import type { Shape } from '../shape.js';
import type { ValueType } from '../types.js';

/** What a NodeContext needs from the engine that runs it. */
export interface InferEnv {
  typeOf(v: import('../value.js').Value): ValueType | undefined;
  constantOf(v: import('../value.js').Value): ConstantData | undefined;
  inferSubgraph(graph: Graph, inputTypes: readonly (ValueType | undefined)[]): (ValueType | undefined)[];
  /** Resolves `ref` attributes inside a function body against the calling node. */
  resolveRef?(ref: string): Attribute | undefined;
}

/** InferContext for one node; collects what the rule sets and hands it back to the engine. */
export class NodeContext implements InferContext {
  readonly node: InferNode;
  readonly outputTypes: (ValueType | undefined)[];
  readonly outputConstants: (ConstantData | undefined)[];

  constructor(
    private readonly n: Node,
    readonly opset: number,
    readonly schema: OpSchema,
    private readonly env: InferEnv,
  ) {
    this.node = { name: n.name ?? '', opType: n.opType, domain: n.domain };
    this.outputTypes = n.outputs.map(() => undefined);
    this.outputConstants = n.outputs.map(() => undefined);
  }

  get inputCount(): number {
    return this.n.inputs.length;
  }

  get outputCount(): number {
    return this.n.outputs.length;
  }

  hasInput(i: number): boolean {
    return this.n.input(i) !== null;
  }

  hasOutput(i: number): boolean {
    const v = this.n.outputs[i];
    return v !== undefined && v.name !== '';
  }

  inputType(i: number): ValueType | undefined {
    const v = this.n.input(i);
    return v ? this.env.typeOf(v) : undefined;
  }

  inputTensor(i: number): TensorInfo | undefined {
    const t = this.inputType(i);
    if (t === undefined || t.kind !== 'tensor') return undefined;
    return { dtype: t.dtype, shape: t.shape };
  }

  inputConstant(i: number): ConstantData | undefined {
    const v = this.n.input(i);
    return v ? this.env.constantOf(v) : undefined;
  }

  private attribute(name: string): Attribute | undefined {
    const a = this.n.attributes.get(name);
    if (a !== undefined && isRefAttribute(a)) return this.env.resolveRef?.(a.ref);
    return a;
  }

  private schemaAttr(name: string): AttributeSchema | undefined {
    return this.schema.attributes.find((a) => a.name === name);
  }

  private typed(name: string, type: AttributeType): unknown {
    const a = this.attribute(name);
    if (a === undefined || a.value === undefined) return undefined;
    if (a.type !== type) this.fail(`attribute ${name} must be ${AttributeType[type]}, got ${AttributeType[a.type] ?? a.type}`);
    return a.value;
  }

  hasAttr(name: string): boolean {
    return this.attribute(name) !== undefined;
  }

  attr<T extends AttributeType>(name: string, type: T): AttributeOf<T>['value'] | undefined {
    return this.typed(name, type) as never;
  }

  attrInt(name: string, dflt?: number): number {
    const v = this.typed(name, AttributeType.INT);
    if (v !== undefined) return attrNumber(v as Int64);
    return (dflt ?? this.schemaDefault(name)) as number;
  }

  attrInts(name: string, dflt?: readonly number[]): readonly number[] {
    const v = this.typed(name, AttributeType.INTS);
    if (v !== undefined) return (v as Int64[]).map(attrNumber);
    return (dflt ?? this.schemaDefault(name)) as readonly number[];
  }

  attrFloat(name: string, dflt?: number): number {
    const v = this.typed(name, AttributeType.FLOAT);
    if (v !== undefined) return v as number;
    return (dflt ?? this.schemaDefault(name)) as number;
  }

  attrFloats(name: string, dflt?: readonly number[]): readonly number[] {
    const v = this.typed(name, AttributeType.FLOATS);
    if (v !== undefined) return v as number[];
    return (dflt ?? this.schemaDefault(name)) as readonly number[];
  }

  attrString(name: string, dflt?: string): string {
    const v = this.typed(name, AttributeType.STRING);
    if (v !== undefined) return attrText(v as string);
    return (dflt ?? this.schemaDefault(name)) as string;
  }

  attrGraph(name: string): Graph | undefined {
    return this.typed(name, AttributeType.GRAPH) as Graph | undefined;
  }

  private schemaDefault(name: string): unknown {
    const d = this.schemaAttr(name)?.default;
    if (typeof d === 'bigint') return Number(d);
    if (Array.isArray(d)) return d.map((x) => (typeof x === 'bigint' ? Number(x) : x));
    return d;
  }

  setOutputType(i: number, type: ValueType): void {
    if (i < 0 || i >= this.outputTypes.length) return; // an optional output the node does not have
    this.outputTypes[i] = type;
  }

  setOutputTensor(i: number, dtype: DataType, shape: Shape | undefined): void {
    this.setOutputType(i, shape === undefined ? { kind: 'tensor', dtype } : { kind: 'tensor', dtype, shape: [...shape] });
  }

  setOutputConstant(i: number, data: ConstantData): void {
    if (i < 0 || i >= this.outputConstants.length) return;
    this.outputConstants[i] = data;
  }

  fail(msg: string): never {
    throw new ShapeError(msg, { node: this.n.name, op: this.n.opType });
  }

  inferSubgraph(attrName: string, inputTypes: readonly (ValueType | undefined)[]): (ValueType | undefined)[] {
    const g = this.attrGraph(attrName);
    if (g === undefined) this.fail(`attribute ${attrName} holds no graph`);
    return this.env.inferSubgraph(g, inputTypes);
  }
}
