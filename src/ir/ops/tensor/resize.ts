/**
 * Resize (scales or sizes, axes and keep_aspect_ratio_policy from 18) and Upsample (deprecated in 10).
 * A scaled size is floor(size * scale), computed in double precision as the ONNX spec and checker do.
 */
import type { Dim, Shape } from '../../shape.js';
import { formatShape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { constantInts, normalizeAxis } from '../shape-utils.js';
import { checkUnique, inputLength } from './util.js';

function scaled(d: Dim, scale: number): Dim {
  if (typeof d === 'number') return Math.floor(d * scale);
  return scale === 1 ? d : null;
}

function applyScales(ctx: InferContext, s: Shape, axes: readonly number[], scales: readonly number[]): Dim[] {
  if (scales.length !== axes.length) ctx.fail(`scales [${scales.join(',')}] has ${scales.length} entries for ${axes.length} axes of ${formatShape(s)}`);
  if (scales.some((v) => !(v > 0))) ctx.fail(`scales [${scales.join(',')}] must be positive`);
  const out: Dim[] = [...s];
  axes.forEach((a, k) => (out[a] = scaled(s[a] ?? null, scales[k] ?? 1)));
  return out;
}

function applySizes(ctx: InferContext, s: Shape, axes: readonly number[], sizes: readonly number[]): Dim[] {
  if (sizes.length !== axes.length) ctx.fail(`sizes [${sizes.join(',')}] has ${sizes.length} entries for ${axes.length} axes of ${formatShape(s)}`);
  if (sizes.some((v) => v < 0)) ctx.fail(`sizes [${sizes.join(',')}] has a negative size`);
  const out: Dim[] = [...s];
  const policy = ctx.schema.sinceVersion >= 18 ? ctx.attrString('keep_aspect_ratio_policy', 'stretch') : 'stretch';
  if (policy === 'stretch') {
    axes.forEach((a, k) => (out[a] = sizes[k] ?? null));
    return out;
  }
  if (policy !== 'not_larger' && policy !== 'not_smaller') ctx.fail(`unknown keep_aspect_ratio_policy ${JSON.stringify(policy)}`);
  // One scale for all axes keeps the aspect ratio; it needs every resized input dim.
  const ratios = axes.map((a, k) => {
    const d = s[a];
    return typeof d === 'number' ? (sizes[k] ?? 0) / d : undefined;
  });
  const known = ratios.filter((r): r is number => r !== undefined);
  const scale = known.length < ratios.length ? undefined : policy === 'not_larger' ? Math.min(...known) : Math.max(...known);
  axes.forEach((a) => {
    const d = s[a];
    out[a] = scale === undefined || typeof d !== 'number' ? null : Math.floor(scale * d + 0.5);
  });
  return out;
}

/**
 * An optional list input: its values when constant, and whether it is known to be empty (absent, or the
 * empty tensor that opset 11 models pass for the unused one of scales and sizes) or known to be non-empty.
 */
function listInput(ctx: InferContext, i: number): { values?: number[]; empty: boolean; nonEmpty: boolean } {
  if (!ctx.hasInput(i)) return { empty: true, nonEmpty: false };
  const values = constantInts(ctx.inputConstant(i));
  const n = values?.length ?? inputLength(ctx, i);
  return values === undefined ? { empty: n === 0, nonEmpty: (n ?? 0) > 0 } : { values, empty: n === 0, nonEmpty: (n ?? 0) > 0 };
}

function resize(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  const v = ctx.schema.sinceVersion;
  if (s === undefined) return ctx.setOutputTensor(0, x.dtype, undefined);
  const scales = listInput(ctx, v < 11 ? 1 : 2);
  const sizes = v >= 11 ? listInput(ctx, 3) : { empty: true, nonEmpty: false };
  if (scales.nonEmpty && sizes.nonEmpty) ctx.fail('scales and sizes cannot both be given');
  if (v >= 13 && scales.empty && sizes.empty) ctx.fail('one of scales and sizes must be given');
  const axesAttr = v >= 18 ? ctx.attrInts('axes') : undefined;
  const axes = (axesAttr ?? s.map((_, k) => k)).map((a) => normalizeAxis(ctx, a, s.length));
  checkUnique(ctx, axes);
  let out: Dim[];
  if (scales.nonEmpty && scales.values !== undefined) out = applyScales(ctx, s, axes, scales.values);
  else if (sizes.nonEmpty && sizes.values !== undefined) out = applySizes(ctx, s, axes, sizes.values);
  else out = s.map((d, k) => (axes.includes(k) ? null : d));
  ctx.setOutputTensor(0, x.dtype, out);
}

function upsample(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  if (s === undefined) return ctx.setOutputTensor(0, x.dtype, undefined);
  const v = ctx.schema.sinceVersion;
  const all = s.map((_, k) => k);
  let scales: readonly number[] | undefined;
  if (v < 7) {
    // Upsample-1: NCHW with separate height and width scales.
    if (s.length !== 4) ctx.fail(`input ${formatShape(s)} must have rank 4 (N,C,H,W)`);
    scales = [1, 1, ctx.attrFloat('height_scale', Number.NaN), ctx.attrFloat('width_scale', Number.NaN)];
    if (scales.some(Number.isNaN)) ctx.fail('height_scale and width_scale are required');
  } else if (v < 9) {
    scales = ctx.attrFloats('scales');
    if (scales === undefined) ctx.fail('attribute scales is required');
  } else {
    scales = constantInts(ctx.inputConstant(1));
  }
  if (scales === undefined) return ctx.setOutputTensor(0, x.dtype, s.map(() => null));
  if (scales.some((f) => f < 1)) ctx.fail(`scales [${scales.join(',')}] must be >= 1 for Upsample`);
  ctx.setOutputTensor(0, x.dtype, applyScales(ctx, s, all, scales));
}

registerShapeRules({ Resize: resize, Upsample: upsample });
