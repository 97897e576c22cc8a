/** Shorthands for the tensor family's unit tests. */
import type { Attribute } from '../../attribute.js';
import { DataType } from '../../dtype.js';
import { inferSingleNode } from '../../infer/testing.js';
import type { Shape } from '../../shape.js';
import { tensorType, type ValueType } from '../../types.js';
import type { ConstantData } from '../infer-context.js';

export { DataType };
export const F = DataType.FLOAT;

export const T = (dtype: DataType, shape?: Shape): ValueType => tensorType(dtype, shape);

type Input = { type?: ValueType; constant?: ConstantData } | null;

/** An INT64 constant input (its type included). */
export function i64(values: readonly (number | bigint)[], dims: readonly number[] = [values.length]): { type: ValueType; constant: ConstantData } {
  return { type: T(DataType.INT64, dims), constant: { dtype: DataType.INT64, dims, values: values.map((v) => BigInt(v)) } };
}

/** A FLOAT constant input. */
export function f32(values: readonly number[], dims: readonly number[] = [values.length]): { type: ValueType; constant: ConstantData } {
  return { type: T(F, dims), constant: { dtype: F, dims, values } };
}

/** A tensor input with unknown values. */
export const x = (shape?: Shape, dtype: DataType = F): { type: ValueType } => ({ type: T(dtype, shape) });

export interface Case {
  opset: number;
  inputs: readonly Input[];
  attributes?: readonly Attribute[];
  outputCount?: number;
}

/** Output types of `op`. */
export function infer(op: string, c: Case): (ValueType | undefined)[] {
  return inferSingleNode({ opType: op, ...c }).outputs;
}

/** Output 0's type. */
export function infer0(op: string, c: Case): ValueType | undefined {
  return infer(op, c)[0];
}

/** Output 0's propagated values as plain numbers, with its dims. */
export function inferValues(op: string, c: Case): { dims: readonly number[]; values: number[] } | undefined {
  const d = inferSingleNode({ opType: op, ...c }).constants[0];
  return d && { dims: d.dims, values: Array.from(d.values as ArrayLike<number | bigint>, Number) };
}
