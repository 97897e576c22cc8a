import { attrNumber, attrText, AttributeType, type Attribute, type Int64 } from './attribute.js';
import { CheckError } from './errors.js';
import type { Graph } from './graph.js';
import type { MetadataProps, Tensor } from './tensor.js';
import { Value } from './value.js';

export interface NodeInit {
  domain?: string;
  name?: string;
  /** Output values, their names, or how many fresh unnamed outputs to make. */
  outputs?: number | readonly (string | Value)[];
  attributes?: readonly Attribute[];
  overload?: string;
}

/**
 * One operation. It owns its output values (their producer is this node) and holds references to its
 * input values; `null` marks an omitted optional input (ONNX's empty input name).
 */
export class Node {
  opType: string;
  domain: string;
  name?: string;
  overload?: string;
  docString?: string;
  metadataProps?: MetadataProps;
  /** IR 11 multi-device placement, kept as decoded plain data for round trips. */
  deviceConfigurations?: unknown[];
  readonly attributes = new Map<string, Attribute>();
  readonly outputs: Value[] = [];

  /** @internal linked-list links, managed by Graph. */
  _graph?: Graph;
  /** @internal */
  _prev?: Node;
  /** @internal */
  _next?: Node;
  /** @internal true once removed from its graph, so iteration can skip it. */
  _removed = false;

  private readonly _inputs: (Value | null)[] = [];

  constructor(opType: string, inputs: readonly (Value | null)[] = [], init: NodeInit = {}) {
    this.opType = opType;
    this.domain = init.domain ?? '';
    if (init.name !== undefined) this.name = init.name;
    if (init.overload !== undefined) this.overload = init.overload;
    inputs.forEach((v) => this.appendInput(v));
    const outs = init.outputs ?? 1;
    const specs = typeof outs === 'number' ? Array.from({ length: outs }, () => '') : outs;
    for (const spec of specs) this.appendOutput(spec);
    for (const a of init.attributes ?? []) this.attributes.set(a.name, a);
  }

  get graph(): Graph | undefined {
    return this._graph;
  }

  get inputs(): readonly (Value | null)[] {
    return this._inputs;
  }

  input(i: number): Value | null {
    return this._inputs[i] ?? null;
  }

  output(i: number): Value {
    const v = this.outputs[i];
    if (v === undefined) throw new CheckError(`has no output ${i}`, { node: this.name, op: this.opType });
    return v;
  }

  setInput(i: number, v: Value | null): void {
    const old = this._inputs[i];
    if (old === v) return;
    if (old) old._removeUse(this, i);
    while (this._inputs.length <= i) this._inputs.push(null);
    this._inputs[i] = v;
    if (v) v._addUse(this, i);
  }

  appendInput(v: Value | null): void {
    this.setInput(this._inputs.length, v);
  }

  /** Drops every input (e.g. before removing the node), keeping use lists consistent. */
  clearInputs(): void {
    for (let i = this._inputs.length - 1; i >= 0; i--) this.setInput(i, null);
    this._inputs.length = 0;
  }

  /** Drops trailing inputs from index `n` on. */
  truncateInputs(n: number): void {
    for (let i = this._inputs.length - 1; i >= n; i--) this.setInput(i, null);
    this._inputs.length = Math.min(this._inputs.length, n);
  }

  appendOutput(spec: string | Value = ''): Value {
    const v = typeof spec === 'string' ? new Value(spec) : spec;
    if (v._producer !== undefined && v._producer !== this) {
      throw new CheckError(`value ${JSON.stringify(v.name)} already has a producer`, { node: this.name, op: this.opType });
    }
    v._producer = this;
    v._outputIndex = this.outputs.length;
    this.outputs.push(v);
    return v;
  }

  /** All graphs held by this node's attributes (If branches, Loop/Scan bodies). */
  subgraphs(): Graph[] {
    const out: Graph[] = [];
    for (const a of this.attributes.values()) {
      if ('ref' in a && a.ref !== undefined) continue;
      if (a.type === AttributeType.GRAPH) out.push(a.value as Graph);
      else if (a.type === AttributeType.GRAPHS) out.push(...(a.value as Graph[]));
    }
    return out;
  }

  attr(name: string): Attribute | undefined {
    return this.attributes.get(name);
  }

  setAttr(a: Attribute): void {
    this.attributes.set(a.name, a);
  }

  attrInt(name: string, dflt: number): number;
  attrInt(name: string): number | undefined;
  attrInt(name: string, dflt?: number): number | undefined {
    const a = this.attributes.get(name);
    return a?.type === AttributeType.INT && a.value !== undefined ? attrNumber(a.value as Int64) : dflt;
  }

  attrInts(name: string): number[] | undefined {
    const a = this.attributes.get(name);
    return a?.type === AttributeType.INTS && a.value !== undefined ? (a.value as Int64[]).map(attrNumber) : undefined;
  }

  attrFloat(name: string, dflt: number): number;
  attrFloat(name: string): number | undefined;
  attrFloat(name: string, dflt?: number): number | undefined {
    const a = this.attributes.get(name);
    return a?.type === AttributeType.FLOAT && a.value !== undefined ? (a.value as number) : dflt;
  }

  attrFloats(name: string): number[] | undefined {
    const a = this.attributes.get(name);
    return a?.type === AttributeType.FLOATS && a.value !== undefined ? (a.value as number[]) : undefined;
  }

  attrString(name: string, dflt: string): string;
  attrString(name: string): string | undefined;
  attrString(name: string, dflt?: string): string | undefined {
    const a = this.attributes.get(name);
    return a?.type === AttributeType.STRING && a.value !== undefined ? attrText(a.value as string) : dflt;
  }

  attrTensor(name: string): Tensor | undefined {
    const a = this.attributes.get(name);
    return a?.type === AttributeType.TENSOR && a.value !== undefined ? (a.value as Tensor) : undefined;
  }

  attrGraph(name: string): Graph | undefined {
    const a = this.attributes.get(name);
    return a?.type === AttributeType.GRAPH && a.value !== undefined ? (a.value as Graph) : undefined;
  }

  /** `Relu "relu_1"`, the way errors and printouts name a node. */
  describe(): string {
    const op = this.domain === '' ? this.opType : `${this.domain}::${this.opType}`;
    return this.name ? `${op} ${JSON.stringify(this.name)}` : op;
  }
}
