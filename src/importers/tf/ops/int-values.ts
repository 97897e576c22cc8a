import { DataType } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';

/*
 * Index helpers for the array, shape, strided-slice and image families. TensorFlow index tensors
 * (shapes, begins, sizes, paddings, multiples) are usually int32; ONNX wants int64 for every shape-like
 * input (Reshape, Expand, Tile, Pad, Slice, Split, ConstantOfShape, Resize sizes), so they are converted.
 */

/** ONNX Slice sentinels for "to the end" forwards and backwards (onnxruntime clamps them to the dim). */
export const INT64_MAX = 2n ** 63n - 1n;
export const INT64_MIN = -(2n ** 63n);

/** NHWC -> NCHW and back around a layout-sensitive ONNX op; the transpose pass cancels the pairs. */
export const TO_NCHW = [0, 3, 1, 2];
export const TO_NHWC = [0, 2, 3, 1];

/** A 1-D INT64 constant; bigints keep the sentinels exact. */
export function int64s(ctx: LowerContext, values: readonly (number | bigint)[]): Value {
  return ctx.constant(DataType.INT64, [values.length], values.map((v) => BigInt(v)));
}

/** `v` as `dtype`, cast unless it already is. */
export function castTo(ctx: LowerContext, v: Value, dtype: DataType): Value {
  return ctx.dtype(v) === dtype ? v : ctx.op('Cast', [v], { to: dtype });
}

export function asInt64(ctx: LowerContext, v: Value): Value {
  return castTo(ctx, v, DataType.INT64);
}

/** The values of a constant integer input, or undefined when it is computed in the graph. */
export function constInts(ctx: LowerContext, v: Value): number[] | undefined {
  const c = ctx.constantOf(v);
  return c === undefined ? undefined : Array.from(c.values as ArrayLike<number | bigint>, (x) => Number(x));
}

/** A shape-like input as INT64: an int32 constant becomes an INT64 constant, a computed one is cast. */
export function int64Input(ctx: LowerContext, v: Value): Value {
  const c = ctx.dtype(v) === DataType.INT64 ? undefined : constInts(ctx, v);
  if (c === undefined) return asInt64(ctx, v);
  return ctx.constant(DataType.INT64, ctx.shape(v)?.map(Number) ?? [c.length], c);
}

/** An axis in [-rank, rank) made non-negative, refusing others (TF raises on them at run time). */
export function normAxis(ctx: LowerContext, axis: number, rank: number): number {
  if (axis < -rank || axis >= rank) ctx.unsupported(`axis ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

/** 0, 1, ..., n-1. */
export function iota(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
