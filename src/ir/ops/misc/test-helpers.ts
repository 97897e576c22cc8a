/** Shorthands for the misc family's unit tests: input types, constants and small subgraphs. */
import type { Attribute } from '../../attribute.js';
import { DataType } from '../../dtype.js';
import { Graph } from '../../graph.js';
import { inferSingleNode } from '../../infer/testing.js';
import { Node } from '../../node.js';
import type { Shape } from '../../shape.js';
import { tensorType, type ValueType } from '../../types.js';
import type { ConstantData } from '../infer-context.js';

export { DataType };

export const T = (dtype: DataType, shape?: Shape): ValueType => tensorType(dtype, shape);

/** A tensor input of the given type (no known value). */
export const t = (dtype: DataType, shape?: Shape): { type: ValueType } => ({ type: T(dtype, shape) });

/** An integer constant input of `dtype` (INT64 by default), shaped `dims` (a scalar when omitted for one value). */
export function k(values: readonly number[], dims?: readonly number[], dtype = DataType.INT64): { type: ValueType; constant: ConstantData } {
  const d = dims ?? (values.length === 1 ? [] : [values.length]);
  const vals = dtype === DataType.INT64 ? values.map((v) => BigInt(v)) : [...values];
  return { type: T(dtype, d), constant: { dtype, dims: d, values: vals as number[] | bigint[] } };
}

export interface Case {
  opset: number;
  domain?: string;
  inputs: readonly ({ type?: ValueType; constant?: ConstantData } | null)[];
  attributes?: readonly Attribute[];
  outputCount?: number;
}

/** Runs `op` and returns its output types. */
export function infer(op: string, c: Case): (ValueType | undefined)[] {
  return inferSingleNode({ opType: op, ...c }).outputs;
}

/** A node in a subgraph under construction: op, input value names, output names, attributes. */
export interface BodyNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: readonly Attribute[];
}

/** Builds a subgraph with typed inputs, a node list (wired by value names) and named outputs. */
export function body(inputs: readonly [string, ValueType | undefined][], nodes: readonly BodyNode[], outputs: readonly string[]): Graph {
  const g = new Graph('body');
  const values = new Map(inputs.map(([name, type]) => [name, g.addInput(name, type)]));
  for (const n of nodes) {
    const ins = n.inputs.map((name) => {
      const v = values.get(name);
      if (v === undefined) throw new Error(`unknown value ${name}`);
      return v;
    });
    const node = g.appendNode(new Node(n.op, ins, { outputs: n.outputs, attributes: n.attributes ?? [] }));
    node.outputs.forEach((v) => values.set(v.name, v));
  }
  for (const name of outputs) {
    const v = values.get(name);
    if (v === undefined) throw new Error(`unknown output ${name}`);
    g.addOutput(v);
  }
  return g;
}
