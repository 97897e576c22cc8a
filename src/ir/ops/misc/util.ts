/**
 * Helpers for the misc family (recurrent, attention, signal, control flow, strings, ML): dim arithmetic
 * that keeps unknowns unknown, reading scalar constants, and joining the types that two control-flow
 * paths may produce. Generic enough for other families to import.
 */
import { attrText, AttributeType } from '../../attribute.js';
import { DataType, dataTypeName } from '../../dtype.js';
import { shapesEqual, type Dim, type Shape } from '../../shape.js';
import { formatType, type ValueType } from '../../types.js';
import type { InferContext } from '../infer-context.js';
import { constantInts } from '../shape-utils.js';

/** Dim `i` of a shape (negative counts from the back); null when the rank is unknown or too small. */
export function dimAt(shape: Shape | undefined, i: number): Dim {
  if (shape === undefined) return null;
  return shape[i < 0 ? shape.length + i : i] ?? null;
}

/** Product of two dims when both are known. */
export function mulDims(a: Dim, b: Dim): Dim {
  return typeof a === 'number' && typeof b === 'number' ? a * b : null;
}

/**
 * `d / n` for a dim that packs `n` equal parts (heads, gates). Fails when a known dim does not divide,
 * naming `what` so the message says which packing is broken.
 */
export function divDim(ctx: InferContext, d: Dim, n: number | null, what: string): Dim {
  if (typeof d !== 'number' || n === null) return null;
  if (n <= 0) ctx.fail(`${what}: divisor must be positive, got ${n}`);
  if (d % n !== 0) ctx.fail(`${what}: ${d} is not divisible by ${n}`);
  return d / n;
}

/**
 * What two sources say about one dim that must be equal: a known number wins, equal symbols stay, and
 * two different known numbers fail with `what` in the message.
 */
export function unifyDim(ctx: InferContext, a: Dim, b: Dim, what: string): Dim {
  if (typeof a === 'number' && typeof b === 'number' && a !== b) ctx.fail(`${what}: ${a} vs ${b}`);
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return a ?? b;
}

/** Fails unless the input's rank (when known) is one of `ranks`. */
export function checkRank(ctx: InferContext, shape: Shape | undefined, ranks: readonly number[], what: string): void {
  if (shape !== undefined && !ranks.includes(shape.length)) {
    ctx.fail(`${what} must have rank ${ranks.join(' or ')}, got rank ${shape.length}`);
  }
}

/** The single value of a constant scalar (or one-element) input, as a number. */
export function scalarConstant(ctx: InferContext, i: number): number | undefined {
  const v = constantInts(ctx.inputConstant(i));
  if (v === undefined) return undefined;
  if (v.length !== 1) ctx.fail(`input ${i} must hold one value, got ${v.length}`);
  return v[0];
}

/** A STRINGS attribute decoded as UTF-8 (empty when absent). */
export function attrStrings(ctx: InferContext, name: string): string[] {
  return (ctx.attr(name, AttributeType.STRINGS) ?? []).map(attrText);
}

/** Fails unless `dtype` is one the schema's type parameter allows (output_datatype-style attributes). */
export function checkAllowedDtype(ctx: InferContext, dtype: number, typeParam: string, attrName: string): DataType {
  const tc = ctx.schema.typeConstraints.find((c) => c.typeParamStr === typeParam);
  const name = `tensor(${dataTypeName(dtype).toLowerCase()})`;
  if (tc !== undefined && !tc.allowedTypeStrs.includes(name)) {
    ctx.fail(`${attrName} ${dtype} (${dataTypeName(dtype)}) is not one of ${tc.allowedTypeStrs.join(', ')}`);
  }
  return dtype as DataType;
}

/**
 * Note [joining control-flow types]
 * If's output is one of its branches' outputs; a Loop or Scan state after the loop is the initial value
 * or some iteration's body output. The type we may state is what all candidates share: element types
 * must agree (the spec requires it, so a mismatch fails); a dim stays when it is the same known number or
 * the same symbol on both sides and becomes null otherwise; ranks that differ leave the rank unknown;
 * anything unknown on either side stays unknown.
 */
export function joinTypes(ctx: InferContext, a: ValueType | undefined, b: ValueType | undefined, what: string): ValueType | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (a.kind !== b.kind) ctx.fail(`${what}: ${formatType(a)} vs ${formatType(b)}`);
  switch (a.kind) {
    case 'tensor':
    case 'sparse_tensor': {
      const bt = b as typeof a;
      const dtype = joinDtype(ctx, a.dtype, bt.dtype, a, b, what);
      const shape = joinShapes(a.shape, bt.shape);
      return shape === undefined ? { kind: a.kind, dtype } : { kind: a.kind, dtype, shape };
    }
    case 'sequence':
    case 'optional': {
      const elem = joinTypes(ctx, a.elem, (b as typeof a).elem, what);
      return elem === undefined ? { kind: a.kind } : { kind: a.kind, elem };
    }
    case 'map': {
      const bm = b as typeof a;
      if (a.key !== bm.key) ctx.fail(`${what}: ${formatType(a)} vs ${formatType(b)}`);
      const value = joinTypes(ctx, a.value, bm.value, what);
      return value === undefined ? { kind: 'map', key: a.key } : { kind: 'map', key: a.key, value };
    }
    case 'opaque':
      return a;
  }
}

function joinDtype(ctx: InferContext, x: DataType, y: DataType, a: ValueType, b: ValueType, what: string): DataType {
  if (x === DataType.UNDEFINED) return y;
  if (y === DataType.UNDEFINED || x === y) return x;
  return ctx.fail(`${what}: element types differ, ${formatType(a)} vs ${formatType(b)}`);
}

/** See Note [joining control-flow types]. */
export function joinShapes(a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (a === undefined || b === undefined || a.length !== b.length) return undefined;
  return a.map((d, i) => (d !== null && d === b[i] ? d : null));
}

/** Structural equality of two types (used to detect the fixpoint of loop-state types). */
export function sameType(a: ValueType | undefined, b: ValueType | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'tensor':
    case 'sparse_tensor': {
      const bt = b as typeof a;
      return a.dtype === bt.dtype && shapesEqual(a.shape, bt.shape);
    }
    case 'sequence':
    case 'optional':
      return sameType(a.elem, (b as typeof a).elem);
    case 'map':
      return a.key === (b as typeof a).key && sameType(a.value, (b as typeof a).value);
    case 'opaque':
      return a.domain === (b as typeof a).domain && a.name === (b as typeof a).name;
  }
}
