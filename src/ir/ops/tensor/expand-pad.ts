/**
 * Ops whose output size comes from an int input: Expand, Tile, Pad, CenterCropPad.
 */
import type { Dim } from '../../shape.js';
import { formatShape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { broadcastShapes, normalizeAxis } from '../shape-utils.js';
import { checkUnique, inputInts, inputLength, pickValues, setConstant, staticDims, strides, unknownDims } from './util.js';

function expand(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  const target = inputInts(ctx, 1);
  if (target?.some((v) => v < 0)) ctx.fail(`shape [${target.join(',')}] has a negative size`);
  if (s === undefined) return ctx.setOutputTensor(0, x.dtype, undefined);
  if (target === undefined) {
    const n = inputLength(ctx, 1);
    if (n === undefined) return ctx.setOutputTensor(0, x.dtype, undefined);
    // Input dims the shape does not reach pass through; where both reach, the shape's entry is 1 or
    // equal to the input dim, so an input dim other than 1 survives.
    const rank = Math.max(n, s.length);
    const out = unknownDims(rank).map((_, k) => {
      const d = s[k - (rank - s.length)] ?? null;
      if (k < rank - n) return d;
      return typeof d === 'number' && d !== 1 ? d : null;
    });
    return ctx.setOutputTensor(0, x.dtype, out);
  }
  const out = broadcastShapes(ctx, [s, target]);
  ctx.setOutputTensor(0, x.dtype, out);
  const data = ctx.inputConstant(0);
  const inDims = staticDims(s);
  const outDims = staticDims(out);
  if (data === undefined || inDims === undefined || outDims === undefined) return;
  const st = strides(inDims);
  const off = outDims.length - inDims.length;
  const pick = (idx: readonly number[]) =>
    inDims.reduce((acc, d, k) => acc + (d === 1 ? 0 : (idx[k + off] ?? 0)) * (st[k] ?? 0), 0);
  setConstant(ctx, 0, pickValues(data, outDims, pick));
}

function times(d: Dim, n: number | undefined): Dim {
  if (n === undefined) return null;
  if (n === 0) return 0;
  if (typeof d === 'number') return d * n;
  return n === 1 ? d : null;
}

function tile(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  if (s === undefined) return ctx.setOutputTensor(0, x.dtype, undefined);
  if (ctx.schema.sinceVersion < 6) {
    // Tile-1: a scalar count of tiles along one axis, both as inputs.
    const tiles = inputInts(ctx, 1)?.[0];
    const axis = inputInts(ctx, 2)?.[0];
    if (axis === undefined) return ctx.setOutputTensor(0, x.dtype, unknownDims(s.length));
    const a = normalizeAxis(ctx, axis, s.length);
    return ctx.setOutputTensor(0, x.dtype, s.map((d, k) => (k === a ? times(d, tiles) : d)));
  }
  const reps = inputInts(ctx, 1);
  if (reps === undefined) return ctx.setOutputTensor(0, x.dtype, unknownDims(s.length));
  if (reps.length !== s.length) ctx.fail(`repeats [${reps.join(',')}] has ${reps.length} entries for an input ${formatShape(s)} of rank ${s.length}`);
  if (reps.some((r) => r < 0)) ctx.fail(`repeats [${reps.join(',')}] has a negative entry`);
  const out = s.map((d, k) => times(d, reps[k]));
  ctx.setOutputTensor(0, x.dtype, out);
  const data = ctx.inputConstant(0);
  const inDims = staticDims(s);
  const outDims = staticDims(out);
  if (data === undefined || inDims === undefined || outDims === undefined) return;
  const st = strides(inDims);
  setConstant(ctx, 0, pickValues(data, outDims, (idx) => inDims.reduce((acc, d, k) => acc + ((idx[k] ?? 0) % d) * (st[k] ?? 0), 0)));
}

function pad(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  const v = ctx.schema.sinceVersion;
  const pads = v < 2 ? ctx.attrInts('paddings') : v < 11 ? ctx.attrInts('pads') : inputInts(ctx, 1);
  if (s === undefined) return ctx.setOutputTensor(0, x.dtype, undefined);
  const r = s.length;
  let axes: number[] | undefined = s.map((_, k) => k);
  if (v >= 18 && ctx.hasInput(3)) {
    const given = inputInts(ctx, 3);
    axes = given?.map((a) => normalizeAxis(ctx, a, r, 'pad axis'));
    if (axes !== undefined) checkUnique(ctx, axes);
  }
  if (pads === undefined || axes === undefined) {
    return ctx.setOutputTensor(0, x.dtype, s.map((d, k) => (axes === undefined || axes.includes(k) ? null : d)));
  }
  const n = axes.length;
  if (pads.length !== 2 * n) ctx.fail(`pads [${pads.join(',')}] must have ${2 * n} entries (2 per padded axis of ${formatShape(s)})`);
  const out: Dim[] = [...s];
  axes.forEach((a, k) => {
    const add = (pads[k] ?? 0) + (pads[k + n] ?? 0);
    const d = s[a] ?? null;
    if (typeof d !== 'number') {
      out[a] = add === 0 ? d : null;
      return;
    }
    if (d + add < 0) ctx.fail(`pads [${pads.join(',')}] remove more than the ${d} elements of axis ${a}`);
    out[a] = d + add;
  });
  ctx.setOutputTensor(0, x.dtype, out);
}

function centerCropPad(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  if (s === undefined) return ctx.setOutputTensor(0, x.dtype, undefined);
  const axes = (ctx.attrInts('axes') ?? s.map((_, k) => k)).map((a) => normalizeAxis(ctx, a, s.length));
  checkUnique(ctx, axes);
  const sizes = inputInts(ctx, 1);
  if (sizes !== undefined && sizes.length !== axes.length) {
    ctx.fail(`shape [${sizes.join(',')}] has ${sizes.length} entries for ${axes.length} axes`);
  }
  const out: Dim[] = s.map((d, k) => {
    const at = axes.indexOf(k);
    return at < 0 ? d : (sizes?.[at] ?? null);
  });
  ctx.setOutputTensor(0, x.dtype, out);
}

registerShapeRules({ Expand: expand, Tile: tile, Pad: pad, CenterCropPad: centerCropPad });
