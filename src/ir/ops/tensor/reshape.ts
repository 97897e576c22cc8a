/**
 * Ops that keep the elements and change only the dims: Reshape, Flatten, Squeeze, Unsqueeze.
 * Their values pass through unchanged, so constant inputs propagate with new dims.
 */
import type { Dim, Shape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { formatShape } from '../../shape.js';
import { normalizeAxis } from '../shape-utils.js';
import { checkUnique, inputInts, inputLength, redim, setConstant, symbolicProduct, unknownDims } from './util.js';

function reshape(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const target = ctx.schema.sinceVersion < 5 ? ctx.attrInts('shape') : inputInts(ctx, 1);
  if (target === undefined) {
    const n = ctx.schema.sinceVersion < 5 ? undefined : inputLength(ctx, 1);
    ctx.setOutputTensor(0, x.dtype, n === undefined ? undefined : unknownDims(n));
    return;
  }
  const allowZero = ctx.attrInt('allowzero', 0) === 1;
  const inShape = x.shape;
  let inferAt = -1;
  const out: Dim[] = target.map((v, k) => {
    if (v === -1) {
      if (inferAt >= 0) ctx.fail(`shape [${target.join(',')}] has more than one -1`);
      inferAt = k;
      return null;
    }
    if (v < -1) ctx.fail(`shape [${target.join(',')}] has invalid size ${v}`);
    if (v !== 0 || allowZero) return v;
    // 0 copies the input's dim at the same position.
    if (inShape === undefined) return null;
    if (k >= inShape.length) ctx.fail(`shape [${target.join(',')}] copies dim ${k} (0) but the input ${formatShape(inShape)} has rank ${inShape.length}`);
    return inShape[k] ?? null;
  });
  if (allowZero && inferAt >= 0 && target.includes(0)) {
    ctx.fail(`shape [${target.join(',')}] has both 0 and -1 with allowzero=1`);
  }
  if (inShape !== undefined) {
    const rest = out.filter((_, k) => k !== inferAt);
    if (inferAt >= 0) out[inferAt] = inferredDim(ctx, inShape, rest, target);
    else checkCount(ctx, inShape, out);
  }
  ctx.setOutputTensor(0, x.dtype, out);
  setConstant(ctx, 0, redim(ctx.inputConstant(0), out));
}

/** The -1 of a Reshape: input elements / the other output dims, cancelling symbols found on both sides. */
function inferredDim(ctx: InferContext, inShape: Shape, rest: readonly Dim[], target: readonly number[]): Dim {
  const num = [...inShape];
  let den = 1;
  for (const d of rest) {
    if (d === null) return null;
    if (typeof d === 'number') {
      den *= d;
      continue;
    }
    const at = num.indexOf(d);
    if (at < 0) return null;
    num.splice(at, 1);
  }
  if (num.includes(0)) return den === 0 ? null : 0;
  if (num.some((d) => d === null)) return null;
  const syms = num.filter((d) => typeof d === 'string');
  const p = num.reduce<number>((a, d) => (typeof d === 'number' ? a * d : a), 1);
  if (den === 0) return null; // 0 * -1 = anything: ambiguous
  if (syms.length === 0) {
    if (p % den !== 0) {
      ctx.fail(`cannot reshape ${formatShape(inShape)} to [${target.join(',')}]: ${p} elements left is not a multiple of ${den}`);
    }
    return p / den;
  }
  return syms.length === 1 && p === den ? (syms[0] ?? null) : null;
}

function checkCount(ctx: InferContext, inShape: Shape, out: readonly Dim[]): void {
  const a = symbolicProduct(inShape);
  const b = symbolicProduct(out);
  if (typeof a === 'number' && typeof b === 'number' && a !== b) {
    ctx.fail(`cannot reshape ${formatShape(inShape)} (${a} elements) to ${formatShape(out)} (${b} elements)`);
  }
}

function flatten(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const axis = ctx.attrInt('axis', 1);
  const s = x.shape;
  if (s === undefined) {
    ctx.setOutputTensor(0, x.dtype, [axis === 0 ? 1 : null, null]);
    return;
  }
  const r = s.length;
  const minAxis = ctx.schema.sinceVersion < 11 ? 0 : -r;
  if (axis < minAxis || axis > r) ctx.fail(`axis ${axis} is out of range [${minAxis}, ${r}] for rank ${r}`);
  const a = axis < 0 ? axis + r : axis;
  const out = [symbolicProduct(s.slice(0, a)), symbolicProduct(s.slice(a))];
  ctx.setOutputTensor(0, x.dtype, out);
  setConstant(ctx, 0, redim(ctx.inputConstant(0), out));
}

/** Axes from the attribute (before opset 13) or the optional input 1 (13+); `null` when present but unknown. */
function axesOf(ctx: InferContext): number[] | undefined | null {
  if (ctx.schema.sinceVersion < 13) {
    const a = ctx.attrInts('axes');
    return a === undefined ? undefined : [...a];
  }
  if (!ctx.hasInput(1)) return undefined;
  return inputInts(ctx, 1) ?? null;
}

function squeeze(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  const axes = axesOf(ctx);
  if (s === undefined || axes === null) {
    const n = axes === null ? inputLength(ctx, 1) : undefined;
    ctx.setOutputTensor(0, x.dtype, s !== undefined && n !== undefined ? unknownDims(s.length - n) : undefined);
    return;
  }
  let out: Dim[];
  if (axes === undefined || axes.length === 0) {
    // Without axes (or with an empty list, as runtimes read it) every 1 goes; an unknown dim may or
    // may not be 1, so the rank is unknown.
    if (s.some((d) => typeof d !== 'number')) {
      ctx.setOutputTensor(0, x.dtype, undefined);
      return;
    }
    out = s.filter((d) => d !== 1);
  } else {
    const norm = axes.map((a) => normalizeAxis(ctx, a, s.length, 'squeeze axis'));
    checkUnique(ctx, norm);
    for (const a of norm) {
      const d = s[a];
      if (typeof d === 'number' && d !== 1) ctx.fail(`cannot squeeze axis ${a} of ${formatShape(s)}: its size is ${d}, not 1`);
    }
    out = s.filter((_, k) => !norm.includes(k));
  }
  ctx.setOutputTensor(0, x.dtype, out);
  setConstant(ctx, 0, redim(ctx.inputConstant(0), out));
}

function unsqueeze(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  const axes = ctx.schema.sinceVersion < 13 ? ctx.attrInts('axes') : inputInts(ctx, 1);
  if (axes === undefined) {
    const n = ctx.schema.sinceVersion < 13 ? undefined : inputLength(ctx, 1);
    ctx.setOutputTensor(0, x.dtype, s !== undefined && n !== undefined ? unknownDims(s.length + n) : undefined);
    return;
  }
  if (s === undefined) {
    ctx.setOutputTensor(0, x.dtype, undefined);
    return;
  }
  const rank = s.length + axes.length;
  if (ctx.schema.sinceVersion < 11 && axes.some((a) => a < 0)) ctx.fail(`axes [${axes.join(',')}] must be non-negative before opset 11`);
  const norm = axes.map((a) => normalizeAxis(ctx, a, rank, 'unsqueeze axis'));
  checkUnique(ctx, norm);
  const out: Dim[] = [];
  let k = 0;
  for (let a = 0; a < rank; a++) out.push(norm.includes(a) ? 1 : (s[k++] ?? null));
  ctx.setOutputTensor(0, x.dtype, out);
  setConstant(ctx, 0, redim(ctx.inputConstant(0), out));
}

registerShapeRules({ Reshape: reshape, Flatten: flatten, Squeeze: squeeze, Unsqueeze: unsqueeze });
