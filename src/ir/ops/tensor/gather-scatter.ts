/**
 * Indexed reads and writes: Gather, GatherElements, GatherND, Scatter, ScatterElements, ScatterND,
 * TensorScatter. Scatters keep the data's type and shape.
 */
import type { Dim, Shape } from '../../shape.js';
import { formatShape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { constantInts, normalizeAxis } from '../shape-utils.js';
import { pickValues, setConstant, staticDims, strides, unifyDim } from './util.js';

function gather(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  const q = ctx.inputTensor(1)?.shape;
  if (s === undefined || q === undefined) return ctx.setOutputTensor(0, x.dtype, undefined);
  if (s.length === 0) ctx.fail('data must have rank >= 1');
  const a = normalizeAxis(ctx, ctx.attrInt('axis', 0), s.length);
  const out = [...s.slice(0, a), ...q, ...s.slice(a + 1)];
  const indices = constantInts(ctx.inputConstant(1));
  const dim = s[a];
  if (indices !== undefined && typeof dim === 'number') {
    for (const i of indices) {
      if (i < -dim || i >= dim) ctx.fail(`index ${i} is out of range [${-dim}, ${dim - 1}] for axis ${a} of ${formatShape(s)}`);
    }
  }
  ctx.setOutputTensor(0, x.dtype, out);
  const data = ctx.inputConstant(0);
  const inDims = staticDims(s);
  const outDims = staticDims(out);
  if (data === undefined || indices === undefined || inDims === undefined || outDims === undefined) return;
  const st = strides(inDims);
  const qs = strides(staticDims(q) ?? []);
  const d = inDims[a] ?? 0;
  const pick = (idx: readonly number[]): number => {
    let j = 0;
    for (let k = 0; k < q.length; k++) j += (idx[a + k] ?? 0) * (qs[k] ?? 0);
    const raw = indices[j] ?? 0;
    let flat = (raw < 0 ? raw + d : raw) * (st[a] ?? 0);
    for (let k = 0; k < a; k++) flat += (idx[k] ?? 0) * (st[k] ?? 0);
    for (let k = a + 1; k < s.length; k++) flat += (idx[k - 1 + q.length] ?? 0) * (st[k] ?? 0);
    return flat;
  };
  setConstant(ctx, 0, pickValues(data, outDims, pick));
}

function gatherElements(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  const q = ctx.inputTensor(1)?.shape;
  if (s !== undefined) {
    normalizeAxis(ctx, ctx.attrInt('axis', 0), s.length);
    if (q !== undefined && q.length !== s.length) ctx.fail(`indices ${formatShape(q)} must have the rank of data ${formatShape(s)}`);
  }
  ctx.setOutputTensor(0, x.dtype, q);
}

function gatherND(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  const q = ctx.inputTensor(1)?.shape;
  const b = ctx.attrInt('batch_dims', 0);
  if (s === undefined || q === undefined) return ctx.setOutputTensor(0, x.dtype, undefined);
  if (s.length < 1 || q.length < 1) ctx.fail(`data ${formatShape(s)} and indices ${formatShape(q)} must have rank >= 1`);
  if (b < 0 || b >= Math.min(s.length, q.length)) ctx.fail(`batch_dims ${b} must be less than both ranks (${s.length}, ${q.length})`);
  const last = q[q.length - 1];
  for (let k = 0; k < b; k++) unifyDim(ctx, s[k] ?? null, q[k] ?? null, `batch dim ${k} of data ${formatShape(s)} and indices ${formatShape(q)}`);
  if (typeof last !== 'number') return ctx.setOutputTensor(0, x.dtype, undefined);
  if (last < 1 || last > s.length - b) {
    ctx.fail(`indices ${formatShape(q)} index ${last} dims, but data ${formatShape(s)} has ${s.length - b} after the batch dims`);
  }
  const batch = s.slice(0, b).map((d, k) => unifyDim(ctx, d, q[k] ?? null, 'batch dim'));
  ctx.setOutputTensor(0, x.dtype, [...batch, ...q.slice(b, -1), ...s.slice(b + last)]);
}

/** Scatters: the output is the data; indices and updates must agree with each other. */
function scatterLike(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  const q = ctx.inputTensor(1)?.shape;
  const u = ctx.inputTensor(2)?.shape;
  if (q !== undefined && u !== undefined) {
    if (q.length !== u.length) ctx.fail(`indices ${formatShape(q)} and updates ${formatShape(u)} must have the same shape`);
    q.forEach((d, k) => unifyDim(ctx, d, u[k] ?? null, `indices ${formatShape(q)} and updates ${formatShape(u)} differ in dim ${k}`));
  }
  if (s !== undefined) {
    normalizeAxis(ctx, ctx.attrInt('axis', 0), Math.max(s.length, 1));
    if (q !== undefined && q.length !== s.length) ctx.fail(`indices ${formatShape(q)} must have the rank of data ${formatShape(s)}`);
  }
  ctx.setOutputTensor(0, x.dtype, s);
}

function scatterND(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  const q = ctx.inputTensor(1)?.shape;
  const u = ctx.inputTensor(2)?.shape;
  const last = q?.[q.length - 1];
  if (s !== undefined && q !== undefined && u !== undefined && typeof last === 'number') {
    // updates = indices.shape[:-1] + data.shape[last:]
    const want: Shape = [...q.slice(0, -1), ...s.slice(last)];
    if (last > s.length) ctx.fail(`indices ${formatShape(q)} index ${last} dims of data ${formatShape(s)}`);
    if (u.length !== want.length) ctx.fail(`updates ${formatShape(u)} must have shape ${formatShape(want)}`);
    want.forEach((d: Dim, k) => unifyDim(ctx, d, u[k] ?? null, `updates ${formatShape(u)} must have shape ${formatShape(want)}`));
  }
  ctx.setOutputTensor(0, x.dtype, s);
}

function tensorScatter(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  const u = ctx.inputTensor(1)?.shape;
  if (s !== undefined && u !== undefined && u.length !== s.length) {
    ctx.fail(`update ${formatShape(u)} must have the rank of past_cache ${formatShape(s)}`);
  }
  ctx.setOutputTensor(0, x.dtype, s);
}

registerShapeRules({
  Gather: gather,
  GatherElements: gatherElements,
  GatherND: gatherND,
  Scatter: scatterLike,
  ScatterElements: scatterLike,
  ScatterND: scatterND,
  TensorScatter: tensorScatter,
});
