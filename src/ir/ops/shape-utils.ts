/**
 * Shape arithmetic shared by the inference rules of every op family. Dims are numbers, symbols (strings)
 * or null (unknown). Rules never invent a symbol: an unknown result is null, unless a symbol passes
 * through unchanged.
 */
import type { Dim, Shape } from '../shape.js';
import type { ConstantData, InferContext, TensorInfo } from './infer-context.js';

/** Numpy-style broadcasting of any number of shapes; undefined if any rank is unknown. */
export function broadcastShapes(ctx: InferContext, shapes: readonly (Shape | undefined)[]): Shape | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const known = shapes as readonly Shape[];
  const rank = Math.max(0, ...known.map((s) => s.length));
  const out: Dim[] = [];
  for (let k = 0; k < rank; k++) {
    let dim: Dim = 1;
    for (const s of known) {
      const d = s[s.length - rank + k];
      if (d === undefined || d === 1) continue; // missing leading dim or 1 broadcasts
      dim = broadcastDim(ctx, dim, d, known);
    }
    out.push(dim);
  }
  return out;
}

function broadcastDim(ctx: InferContext, acc: Dim, d: Dim, shapes: readonly Shape[]): Dim {
  if (acc === 1) return d;
  if (typeof acc === 'number' && typeof d === 'number') {
    if (acc !== d) ctx.fail(`cannot broadcast shapes ${shapes.map(fmt).join(' and ')}: ${acc} vs ${d}`);
    return acc;
  }
  if (acc === d) return acc;
  // One side known (>1) and one symbolic: the symbol must be 1 or equal, so the known size wins.
  if (typeof acc === 'number') return acc;
  if (typeof d === 'number') return d;
  return null;
}

function fmt(s: Shape): string {
  return `[${s.map((d) => (d === null ? '?' : String(d))).join(',')}]`;
}

/** Resolves a possibly negative axis against `rank`, failing when out of range. */
export function normalizeAxis(ctx: InferContext, axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) ctx.fail(`${what} ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Product of dims when all are known numbers; null otherwise. */
export function dimProduct(dims: readonly Dim[]): number | null {
  let p = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return null;
    p *= d;
  }
  return p;
}

/** Sum of two dims when both are known. */
export function addDims(a: Dim, b: Dim): Dim {
  return typeof a === 'number' && typeof b === 'number' ? a + b : null;
}

/** Merges what two sources say about a dim: a known number beats a symbol beats unknown. */
export function mergeDim(a: Dim, b: Dim): Dim {
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return a ?? b;
}

/** The values of a constant int tensor input as numbers (INT64_MAX and the like become huge numbers). */
export function constantInts(data: ConstantData | undefined): number[] | undefined {
  if (data === undefined) return undefined;
  return Array.from(data.values as ArrayLike<number | bigint>, (v) => Number(v));
}

/** The input's tensor info, failing when present but not a tensor. */
export function requireTensor(ctx: InferContext, i: number): TensorInfo | undefined {
  const t = ctx.inputType(i);
  if (t === undefined) return undefined;
  if (t.kind !== 'tensor') ctx.fail(`input ${i} must be a tensor, got ${t.kind}`);
  return ctx.inputTensor(i);
}

/** Output 0 takes input `from`'s type and shape unchanged (Relu, Identity, Dropout's output...). */
export function propagateTensor(ctx: InferContext, from = 0, to = 0): void {
  const t = ctx.inputTensor(from);
  if (t !== undefined) ctx.setOutputTensor(to, t.dtype, t.shape);
}

/** Output convolution/pooling size along one spatial axis (explicit pads already summed in `padTotal`). */
export function convOutDim(input: Dim, kernel: number, stride: number, dilation: number, padTotal: number, ceil = false): Dim {
  if (typeof input !== 'number') return null;
  const eff = dilation * (kernel - 1) + 1;
  const span = input + padTotal - eff;
  const q = ceil ? Math.ceil(span / stride) : Math.floor(span / stride);
  return q + 1;
}
