/**
 * Slice: starts/ends/axes as attributes before opset 10, as inputs (with steps) from 10.
 */
import type { Dim } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { normalizeAxis } from '../shape-utils.js';
import { checkUnique, inputInts, pickValues, setConstant, staticDims, strides } from './util.js';

/**
 * Note [slice to the end]: with an unknown dim, a slice keeps the whole axis (so a symbol passes) when it
 * starts at 0 and ends at a sentinel at least INT32_MAX going forward, or starts at -1 and ends at
 * or below -INT32_MAX going backward. Exporters write INT64_MAX or INT32_MAX for "to the end".
 */
const TO_END = 2147483647;

/** Start index (clamped) and output length of one sliced axis of known size, as the ONNX spec computes them. */
export function sliceRange(dim: number, start: number, end: number, step: number): { start: number; len: number } {
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
  } else {
    s = Math.min(Math.max(s, 0), dim - 1);
    e = Math.min(Math.max(e, -1), dim - 1);
  }
  return { start: s, len: Math.max(0, Math.ceil((e - s) / step)) };
}

/** The values of the inputs, or `null` for an input that is present but not constant. */
function listInput(ctx: InferContext, i: number): number[] | undefined | null {
  if (!ctx.hasInput(i)) return undefined;
  return inputInts(ctx, i) ?? null;
}

function slice(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  const old = ctx.schema.sinceVersion < 10;
  const starts = old ? ctx.attrInts('starts') : listInput(ctx, 1);
  const ends = old ? ctx.attrInts('ends') : listInput(ctx, 2);
  const axesIn = old ? ctx.attrInts('axes') : listInput(ctx, 3);
  const stepsIn = old ? undefined : listInput(ctx, 4);
  if (s === undefined) return ctx.setOutputTensor(0, x.dtype, undefined);
  const rank = s.length;
  if (starts == null || ends == null || axesIn === null || stepsIn === null) {
    // Values unknown: the sliced axes lose their size; if the axes themselves are unknown, every axis may.
    const axes = axesIn?.map((a) => normalizeAxis(ctx, a, rank, 'slice axis'));
    const out = s.map((d, k) => (axes !== undefined && !axes.includes(k) ? d : null));
    return ctx.setOutputTensor(0, x.dtype, out);
  }
  const n = starts.length;
  const axes = (axesIn ?? starts.map((_, k) => k)).map((a) => normalizeAxis(ctx, a, rank, 'slice axis'));
  const steps = stepsIn ?? new Array<number>(n).fill(1);
  if (ends.length !== n || axes.length !== n || steps.length !== n) {
    ctx.fail(`starts, ends, axes and steps must have the same length, got ${n}, ${ends.length}, ${axes.length}, ${steps.length}`);
  }
  checkUnique(ctx, axes);
  const out: Dim[] = [...s];
  const begin = new Array<number>(rank).fill(0);
  const stride = new Array<number>(rank).fill(1);
  for (let k = 0; k < n; k++) {
    const a = axes[k] ?? 0;
    const st = starts[k] ?? 0;
    const en = ends[k] ?? 0;
    const step = steps[k] ?? 1;
    if (step === 0) ctx.fail(`step for axis ${a} is 0`);
    const d = s[a] ?? null;
    if (typeof d === 'number') {
      const r = sliceRange(d, st, en, step);
      out[a] = r.len;
      begin[a] = r.start;
      stride[a] = step;
    } else {
      const whole = (step === 1 && st === 0 && en >= TO_END) || (step === -1 && st === -1 && en <= -TO_END);
      out[a] = whole ? d : null;
    }
  }
  ctx.setOutputTensor(0, x.dtype, out);
  const data = ctx.inputConstant(0);
  const inDims = staticDims(s);
  const outDims = staticDims(out);
  if (data !== undefined && inDims !== undefined && outDims !== undefined) {
    const st = strides(inDims);
    const pick = (idx: readonly number[]) =>
      idx.reduce((acc, v, k) => acc + ((begin[k] ?? 0) + v * (stride[k] ?? 1)) * (st[k] ?? 0), 0);
    setConstant(ctx, 0, pickValues(data, outDims, pick));
  }
}

registerShapeRules({ Slice: slice });
