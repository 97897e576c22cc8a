/**
 * Ops whose output size depends on the data or on a count: OneHot, NonZero, Compress, TopK, Unique.
 */
import { DataType } from '../../dtype.js';
import type { Dim } from '../../shape.js';
import { formatShape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { constantInts, normalizeAxis } from '../shape-utils.js';
import { symbolicProduct } from './util.js';

function oneHot(ctx: InferContext): void {
  const values = ctx.inputTensor(2);
  const vs = values?.shape;
  if (vs !== undefined) {
    const n = symbolicProduct(vs);
    if (vs.length > 1 || (typeof n === 'number' && n !== 2)) ctx.fail(`values must be a 2-element 1-D tensor, got ${formatShape(vs)}`);
  }
  const depthData = constantInts(ctx.inputConstant(1));
  if (depthData !== undefined && depthData.length !== 1) ctx.fail(`depth must hold one value, got ${depthData.length}`);
  const depth = depthData?.[0] === undefined ? null : Math.trunc(depthData[0]);
  if (depth !== null && depth < 1) ctx.fail(`depth must be positive, got ${depth}`);
  const s = ctx.inputTensor(0)?.shape;
  if (values === undefined) return;
  if (s === undefined) return ctx.setOutputTensor(0, values.dtype, undefined);
  const r = s.length + 1;
  const a = normalizeAxis(ctx, ctx.attrInt('axis', -1), r);
  ctx.setOutputTensor(0, values.dtype, [...s.slice(0, a), depth, ...s.slice(a)]);
}

function nonZero(ctx: InferContext): void {
  const s = ctx.inputTensor(0)?.shape;
  const data = ctx.inputConstant(0);
  let count: Dim = null;
  if (data !== undefined) count = (data.values as readonly (number | bigint)[]).filter((v) => Number(v) !== 0).length;
  // ONNX leaves a scalar input's result rank unspecified, so it stays unknown.
  const rank = s === undefined || s.length === 0 ? null : s.length;
  if (s !== undefined && symbolicProduct(s) === 0) count = 0;
  ctx.setOutputTensor(0, DataType.INT64, [rank, count]);
}

function compress(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const cs = ctx.inputTensor(1)?.shape;
  if (cs !== undefined && cs.length !== 1) ctx.fail(`condition must be 1-D, got ${formatShape(cs)}`);
  const cond = constantInts(ctx.inputConstant(1));
  const axis = ctx.attrInt('axis');
  const s = x.shape;
  // A condition longer than the selected axis is invalid, so on valid models its count of trues is the size.
  const len = cond === undefined ? null : cond.filter((v) => v !== 0).length;
  if (axis === undefined) {
    const total = s === undefined ? null : symbolicProduct(s);
    if (cond !== undefined && typeof total === 'number' && cond.length > total) {
      ctx.fail(`condition has ${cond.length} entries but the input ${formatShape(s)} has ${total} elements`);
    }
    return ctx.setOutputTensor(0, x.dtype, [len]);
  }
  if (s === undefined) return ctx.setOutputTensor(0, x.dtype, undefined);
  const a = normalizeAxis(ctx, axis, s.length);
  const d = s[a];
  if (cond !== undefined && typeof d === 'number' && cond.length > d) {
    ctx.fail(`condition has ${cond.length} entries but axis ${a} of ${formatShape(s)} has ${d}`);
  }
  ctx.setOutputTensor(0, x.dtype, s.map((dim, k) => (k === a ? len : dim)));
}

function topK(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  let k: number | undefined;
  if (ctx.schema.sinceVersion < 10) k = ctx.attrInt('k');
  else {
    const ks = ctx.inputTensor(1)?.shape;
    if (ks !== undefined && ks.length !== 1 && ks.length !== 0) ctx.fail(`K must be a 1-D tensor of one element, got ${formatShape(ks)}`);
    const kv = constantInts(ctx.inputConstant(1));
    if (kv !== undefined && kv.length !== 1) ctx.fail(`K must hold one value, got ${kv.length}`);
    k = kv?.[0];
  }
  if (k !== undefined && k < 0) ctx.fail(`K must be non-negative, got ${k}`);
  if (x === undefined) {
    ctx.setOutputTensor(1, DataType.INT64, undefined);
    return;
  }
  const s = x.shape;
  let out: Dim[] | undefined;
  if (s !== undefined) {
    const a = normalizeAxis(ctx, ctx.attrInt('axis', -1), s.length);
    const d = s[a];
    if (k !== undefined && typeof d === 'number' && k > d) ctx.fail(`K ${k} is larger than axis ${a} of ${formatShape(s)} (${d})`);
    out = s.map((dim, j) => (j === a ? (k ?? null) : dim));
  }
  ctx.setOutputTensor(0, x.dtype, out);
  ctx.setOutputTensor(1, DataType.INT64, out);
}

/** The number of distinct values (no axis) or distinct slices along `axis` of constant data. */
function uniqueCount(values: readonly (number | bigint)[], dims: readonly number[], axis: number | undefined): number | undefined {
  if (values.some((v) => typeof v === 'number' && Number.isNaN(v))) return undefined; // NaN equality differs by runtime
  if (axis === undefined) return new Set(values.map(String)).size;
  const n = dims[axis] ?? 0;
  const inner = dims.slice(axis + 1).reduce((p, q) => p * q, 1);
  const outer = dims.slice(0, axis).reduce((p, q) => p * q, 1);
  const keys = new Set<string>();
  for (let i = 0; i < n; i++) {
    const slice: string[] = [];
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) slice.push(String(values[(o * n + i) * inner + j]));
    }
    keys.add(slice.join(','));
  }
  return keys.size;
}

function unique(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  const axisAttr = ctx.attrInt('axis');
  const axis = axisAttr === undefined || s === undefined ? undefined : normalizeAxis(ctx, axisAttr, s.length);
  const data = ctx.inputConstant(0);
  const count: Dim = data === undefined ? null : (uniqueCount(data.values, data.dims, axis) ?? null);
  let y: Dim[] | undefined = [count];
  let inverse: Dim = null;
  if (axisAttr !== undefined) {
    y = s === undefined || axis === undefined ? undefined : s.map((d, k) => (k === axis ? count : d));
    inverse = axis === undefined ? null : (s?.[axis] ?? null);
  } else if (s !== undefined) {
    inverse = symbolicProduct(s);
  }
  ctx.setOutputTensor(0, x.dtype, y);
  if (ctx.hasOutput(1)) ctx.setOutputTensor(1, DataType.INT64, [count]);
  if (ctx.hasOutput(2)) ctx.setOutputTensor(2, DataType.INT64, [inverse]);
  if (ctx.hasOutput(3)) ctx.setOutputTensor(3, DataType.INT64, [count]);
}

registerShapeRules({ OneHot: oneHot, NonZero: nonZero, Compress: compress, TopK: topK, Unique: unique });
