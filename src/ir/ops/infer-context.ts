/**
 * What a shape/type inference rule sees of one node. Interface only: the inference engine implements it,
 * and rules (src/ir/ops/<family>.ts) are written against it so that they never touch the graph directly.
 *
 * Index conventions: `i` is the actual input/output position on the node (0-based). An input is absent
 * when it is past the end or its name is empty (ONNX's way of skipping an optional input).
 */
import type { AttributeOf, AttributeType } from '../attribute.js';
import type { DataType } from '../dtype.js';
import type { Graph } from '../graph.js';
import type { Shape } from '../shape.js';
import type { ValueType } from '../types.js';
import type { OpSchema } from './schema.js';

/** The node being inferred, loosely typed so rules do not depend on the Node class. */
export interface InferNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
}

/**
 * The known values of a constant input (an initializer, a Constant node's output, or a value the engine
 * folded). Only small tensors are offered (the engine decides the limit: shapes, axes, pads, scalars).
 * INT64/UINT64 come as bigints, every other numeric dtype (and BOOL as 0/1) as numbers.
 */
export interface ConstantData {
  readonly dtype: DataType;
  readonly dims: readonly number[];
  readonly values: readonly number[] | readonly bigint[];
}

/** The element type and shape of a tensor input; `shape` undefined means the rank is unknown. */
export interface TensorInfo {
  readonly dtype: DataType;
  readonly shape: Shape | undefined;
}

export interface InferContext {
  readonly node: InferNode;
  /** The opset version of the node's domain that the model imports. */
  readonly opset: number;
  /** The schema in force for this node at `opset` (already looked up by the engine). */
  readonly schema: OpSchema;
  /** Number of inputs on the node, counting empty (skipped) names in the middle. */
  readonly inputCount: number;
  readonly outputCount: number;

  /** True when input `i` is present (within inputCount and not an empty name). */
  hasInput(i: number): boolean;
  /** True when output `i` is present; rules may skip work for absent optional outputs. */
  hasOutput(i: number): boolean;
  /** The input's type, or undefined when absent or not yet known. */
  inputType(i: number): ValueType | undefined;
  /** The input as a tensor; undefined when absent, unknown, or not a tensor. */
  inputTensor(i: number): TensorInfo | undefined;
  /** The input's values when it is a small constant; undefined otherwise. */
  inputConstant(i: number): ConstantData | undefined;

  /*
   * Attribute accessors. When the node lacks the attribute they return `dflt` if given, else the schema's
   * default, else undefined. A present attribute of the wrong type fails inference (via fail()).
   * INT/INTS values past 2^53 come as the nearest number: shape arithmetic only needs them clamped
   * (INT64_MAX as a Slice end); use attr() for the exact bigint.
   */
  hasAttr(name: string): boolean;
  /** The raw value of an attribute of the given type (Int64 may be a bigint), or undefined. */
  attr<T extends AttributeType>(name: string, type: T): AttributeOf<T>['value'] | undefined;
  attrInt(name: string): number | undefined;
  attrInt(name: string, dflt: number): number;
  attrInts(name: string): readonly number[] | undefined;
  attrInts(name: string, dflt: readonly number[]): readonly number[];
  attrFloat(name: string): number | undefined;
  attrFloat(name: string, dflt: number): number;
  attrFloats(name: string): readonly number[] | undefined;
  attrFloats(name: string, dflt: readonly number[]): readonly number[];
  /** STRING attributes decoded as UTF-8. */
  attrString(name: string): string | undefined;
  attrString(name: string, dflt: string): string;
  attrGraph(name: string): Graph | undefined;

  /** Records the type of output `i`; the engine merges it with any type the model already declares. */
  setOutputType(i: number, type: ValueType): void;
  /** Shorthand for setOutputType(i, { kind: 'tensor', dtype, shape }). */
  setOutputTensor(i: number, dtype: DataType, shape: Shape | undefined): void;
  /**
   * Records the known values of output `i` (data propagation): Shape, Size, Constant, and cheap integer
   * ops on such values (Gather, Slice, Concat, Unsqueeze, Squeeze, Cast, Add/Mul/Sub/Div on int64) call
   * it so that a later Reshape, Expand or ConstantOfShape sees its shape input as a constant.
   * Symbolic dims cannot be expressed as values, so only fully known data is recorded.
   */
  setOutputConstant(i: number, data: ConstantData): void;
  /** Stops inference of this node with a ShapeError naming the node and op. */
  fail(msg: string): never;
  /**
   * Infers the graph held by attribute `attrName` (If's branches, Loop's and Scan's body) given the
   * types of its formal inputs, and returns the types of its outputs (undefined where unknown).
   */
  inferSubgraph(attrName: string, inputTypes: readonly (ValueType | undefined)[]): (ValueType | undefined)[];
}
