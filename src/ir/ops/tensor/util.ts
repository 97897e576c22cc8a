/**
 * Helpers shared by the tensor-family rules: symbolic dim products, reading int inputs/attributes, and
 * data propagation (building the values of an output from the values of constant inputs).
 * Note [propagation limit]: only outputs of at most MAX_PROPAGATED elements are recorded as constants;
 * data propagation is for shapes, axes and pads, not for weights.
 */
import { DataType } from '../../dtype.js';
import type { Dim, Shape } from '../../shape.js';
import type { ConstantData, InferContext } from '../infer-context.js';
import { constantInts } from '../shape-utils.js';

export const MAX_PROPAGATED = 4096;

type Scalar = number | bigint;

/**
 * Product of dims, keeping a symbol when it is the only non-1 factor ([N,1] -> N). A known 0 makes the
 * product 0 whatever the other dims are.
 */
export function symbolicProduct(dims: readonly Dim[]): Dim {
  let p = 1;
  let sym: string | undefined;
  let unknown = false;
  for (const d of dims) {
    if (d === 0) return 0;
    if (typeof d === 'number') p *= d;
    else if (typeof d === 'string' && sym === undefined) sym = d;
    else unknown = true;
  }
  if (unknown) return null;
  if (sym === undefined) return p;
  return p === 1 ? sym : null;
}

/** The shape as numbers when every dim is known. */
export function staticDims(shape: Shape | undefined): number[] | undefined {
  if (shape === undefined || !shape.every((d) => typeof d === 'number')) return undefined;
  return shape as number[];
}

/** Length of a 1-D input known only by its shape (an axes/pads input whose values are unknown). */
export function inputLength(ctx: InferContext, i: number): number | undefined {
  const s = ctx.inputTensor(i)?.shape;
  if (s === undefined) return undefined;
  if (s.length === 0) return 1;
  const d = s[0];
  return s.length === 1 && typeof d === 'number' ? d : undefined;
}

/** The values of constant int input `i` (any int dtype) as numbers. */
export function inputInts(ctx: InferContext, i: number): number[] | undefined {
  return ctx.hasInput(i) ? constantInts(ctx.inputConstant(i)) : undefined;
}

/** Fails on repeated axes (after normalisation), naming them. */
export function checkUnique(ctx: InferContext, axes: readonly number[], what = 'axes'): void {
  const seen = new Set<number>();
  for (const a of axes) {
    if (seen.has(a)) ctx.fail(`${what} [${axes.join(',')}] repeat axis ${a}`);
    seen.add(a);
  }
}

export function int64Data(dims: readonly number[], values: readonly number[]): ConstantData {
  return { dtype: DataType.INT64, dims, values: values.map((v) => BigInt(v)) };
}

export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let k = dims.length - 2; k >= 0; k--) s[k] = (s[k + 1] ?? 1) * (dims[k + 1] ?? 1);
  return s;
}

/** Same values, new dims (Reshape, Squeeze, Unsqueeze, Flatten). */
export function redim(data: ConstantData | undefined, dims: Shape | undefined): ConstantData | undefined {
  const d = staticDims(dims);
  if (data === undefined || d === undefined) return undefined;
  return { dtype: data.dtype, dims: d, values: data.values };
}

/**
 * The values of an output whose elements are picked from `data`: element at output multi-index `idx`
 * comes from input flat index `pick(idx)`. Undefined past the propagation limit or when `pick` gives -1.
 */
export function pickValues(
  data: ConstantData,
  outDims: readonly number[],
  pick: (idx: readonly number[]) => number,
): ConstantData | undefined {
  const count = outDims.reduce((a, b) => a * b, 1);
  if (count > MAX_PROPAGATED) return undefined;
  const src = data.values as readonly Scalar[];
  const out: Scalar[] = [];
  const idx = new Array<number>(outDims.length).fill(0);
  for (let n = 0; n < count; n++) {
    const from = pick(idx);
    const v = src[from];
    if (from < 0 || v === undefined) return undefined;
    out.push(v);
    for (let k = outDims.length - 1; k >= 0; k--) {
      idx[k] = (idx[k] ?? 0) + 1;
      if ((idx[k] ?? 0) < (outDims[k] ?? 0)) break;
      idx[k] = 0;
    }
  }
  return { dtype: data.dtype, dims: outDims, values: out as readonly number[] | readonly bigint[] };
}

/** Records an output constant when there is one (so callers can pass the result of a helper directly). */
export function setConstant(ctx: InferContext, i: number, data: ConstantData | undefined): void {
  if (data !== undefined && data.values.length <= MAX_PROPAGATED) ctx.setOutputConstant(i, data);
}

/** A shape as its numbers, or null dims of the given rank when only the rank is known. */
export function unknownDims(rank: number): Dim[] {
  return new Array<Dim>(rank).fill(null);
}

/** Merges two descriptions of one dim that must agree, failing when two known sizes differ. */
export function unifyDim(ctx: InferContext, a: Dim, b: Dim, what: string): Dim {
  if (typeof a === 'number' && typeof b === 'number' && a !== b) ctx.fail(`${what}: ${a} vs ${b}`);
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  if (a === b) return a;
  return a ?? b;
}

/** Merges shapes of elements that may differ (a sequence's elements): disagreeing dims become null. */
export function joinShapes(a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (a === undefined || b === undefined || a.length !== b.length) return undefined;
  return a.map((d, k) => (d === b[k] ? d : null));
}
