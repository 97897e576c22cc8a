/**
 * Operator schemas: the signature of one version of one op, as ONNX's `OpSchema` describes it.
 * The data comes from `generated/schemas.json` (see scripts/gen-op-schemas.py); these types are the
 * camelCase view that the registry hands out. Doc strings are deliberately absent (size).
 */
import type { DataType } from '../dtype.js';

/**
 * Numbered exactly as ONNX's AttributeProto.AttributeType so that the number is the identity on the
 * wire, in schemas and in the IR (src/ir/attribute.ts imports this enum).
 */
export enum AttributeType {
  UNDEFINED = 0,
  FLOAT = 1,
  INT = 2,
  STRING = 3,
  TENSOR = 4,
  GRAPH = 5,
  FLOATS = 6,
  INTS = 7,
  STRINGS = 8,
  TENSORS = 9,
  GRAPHS = 10,
  SPARSE_TENSOR = 11,
  SPARSE_TENSORS = 12,
  TYPE_PROTO = 13,
  TYPE_PROTOS = 14,
}

/** ONNX's FormalParameterOption, spelled as lower-case strings. */
export type FormalParameterOption = 'single' | 'optional' | 'variadic';

export interface FormalParameter {
  readonly name: string;
  /** Either a type parameter of the schema (`T`) or a concrete type string (`tensor(int64)`). */
  readonly typeStr: string;
  readonly option: FormalParameterOption;
  /** For variadic parameters: whether every occurrence must have the same type. */
  readonly isHomogeneous: boolean;
  /** For variadic parameters: how many occurrences at least (1 for single, 0 for optional). */
  readonly minArity: number;
}

/** A tensor-valued default, as stored in the schema JSON. */
export interface TensorDefault {
  readonly dtype: DataType;
  readonly dims: readonly number[];
  readonly values: readonly (number | string)[];
}

/**
 * A default attribute value. INT/INTS values beyond 2^53 are bigints (JSON stores them as strings);
 * non-finite FLOAT values are JS numbers (JSON stores them as "inf"/"-inf"/"nan").
 */
export type AttributeDefault =
  | number
  | bigint
  | string
  | readonly number[]
  | readonly (number | bigint)[]
  | readonly string[]
  | TensorDefault;

export interface AttributeSchema {
  readonly name: string;
  readonly type: AttributeType;
  readonly required: boolean;
  /** Absent when the schema has no default (required attributes never have one). */
  readonly default?: AttributeDefault;
  /** True when ONNX has a default we could not represent (e.g. a graph); `default` is then absent. */
  readonly defaultOmitted?: boolean;
}

export interface TypeConstraint {
  readonly typeParamStr: string;
  readonly allowedTypeStrs: readonly string[];
}

export interface OpSchema {
  /** '' for the default ai.onnx domain. */
  readonly domain: string;
  readonly name: string;
  readonly sinceVersion: number;
  readonly deprecated: boolean;
  readonly inputs: readonly FormalParameter[];
  readonly outputs: readonly FormalParameter[];
  readonly attributes: readonly AttributeSchema[];
  readonly typeConstraints: readonly TypeConstraint[];
  readonly minInput: number;
  /** 2147483647 (INT_MAX) when the last input is variadic, as ONNX reports it. */
  readonly maxInput: number;
  readonly minOutput: number;
  readonly maxOutput: number;
  readonly hasFunction: boolean;
  readonly hasContextDependentFunction: boolean;
}
