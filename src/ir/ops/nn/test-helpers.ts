/** Shorthands for the nn family's unit tests. */
import type { Attribute } from '../../attribute.js';
import { DataType } from '../../dtype.js';
import { inferSingleNode, type SingleNodeResult } from '../../infer/testing.js';
import type { Shape } from '../../shape.js';
import { tensorType, type ValueType } from '../../types.js';
import type { ConstantData } from '../infer-context.js';

export { DataType };

export const T = (dtype: DataType, shape?: Shape): ValueType => tensorType(dtype, shape);

/** A tensor input of the given type (no known value). */
export const t = (dtype: DataType, shape?: Shape): { type: ValueType } => ({ type: T(dtype, shape) });

/** An INT64 constant input (its type included). */
export function i64(values: readonly number[], dims: readonly number[] = [values.length]): { type: ValueType; constant: ConstantData } {
  return { type: T(DataType.INT64, dims), constant: { dtype: DataType.INT64, dims, values: values.map((v) => BigInt(v)) } };
}

export interface Case {
  opset: number;
  inputs: readonly ({ type?: ValueType; constant?: ConstantData } | null)[];
  attributes?: readonly Attribute[];
  outputCount?: number;
}

/** Runs `op` and returns its output types. */
export function infer(op: string, c: Case): (ValueType | undefined)[] {
  return run(op, c).outputs;
}

export function run(op: string, c: Case): SingleNodeResult {
  return inferSingleNode({ opType: op, ...c });
}
