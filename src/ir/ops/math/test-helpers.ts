/** Shorthands for the math family's unit tests. */
import type { Attribute } from '../../attribute.js';
import { DataType } from '../../dtype.js';
import { inferSingleNode } from '../../infer/testing.js';
import type { Shape } from '../../shape.js';
import type { ConstantData } from '../infer-context.js';
import { tensorType, type ValueType } from '../../types.js';

export { DataType };

export const T = (dtype: DataType, shape?: Shape): ValueType => tensorType(dtype, shape);

/** An INT64 constant input (its type included). */
export function i64(
  values: readonly (number | bigint)[],
  dims: readonly number[] = [values.length],
): { type: ValueType; constant: ConstantData } {
  return {
    type: T(DataType.INT64, dims),
    constant: { dtype: DataType.INT64, dims, values: values.map((v) => BigInt(v)) },
  };
}

export interface Case {
  opset: number;
  inputs: readonly ({ type?: ValueType; constant?: ConstantData } | null)[];
  attributes?: readonly Attribute[];
  outputCount?: number;
}

/** Runs `op` and returns its output types. */
export function infer(op: string, c: Case): (ValueType | undefined)[] {
  return inferSingleNode({ opType: op, ...c }).outputs;
}

/** Runs `op` and returns output 0's propagated constant. */
export function inferConst(op: string, c: Case): ConstantData | undefined {
  return inferSingleNode({ opType: op, ...c }).constants[0];
}
