/**
 * Normalizations. Y always has X's shape; what differs is the side outputs (BatchNormalization's
 * running/saved statistics, LayerNormalization's Mean/InvStdDev) and which input gives Y's dtype.
 */
import { DataType, isKnownDataType } from '../../dtype.js';
import type { Dim, Shape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { normalizeAxis, propagateTensor } from '../shape-utils.js';
import { checkDimsMatch } from './util.js';

/** Channel count C of an [N, C, ...] input; null when unknown or the rank is below 2. */
function channels(x: Shape | undefined): Dim {
  return x !== undefined && x.length >= 2 ? (x[1] ?? null) : null;
}

/** Fails unless input `i` is a vector whose length, when known, is C. */
function checkPerChannel(ctx: InferContext, i: number, name: string, c: Dim): void {
  const s = ctx.hasInput(i) ? ctx.inputTensor(i)?.shape : undefined;
  if (s === undefined) return;
  if (s.length !== 1) ctx.fail(`${name} must be a vector of length C, got rank ${s.length}`);
  checkDimsMatch(ctx, s[0] ?? null, c, `${name} length vs channels C`);
}

const STAT_NAMES = ['scale', 'B', 'mean', 'var'] as const;

/**
 * Before opset 9 `spatial=0` meant per-activation statistics of shape [C, D1, ...] (scale's shape); from
 * opset 9 everything is per channel. Opset 14 replaced the four optional statistics outputs with
 * running_mean/running_var, present exactly when training_mode=1, typed like input_mean (U/T2).
 */
const batchNormalization: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  if (t === undefined) return;
  const since = ctx.schema.sinceVersion;
  const c = channels(t.shape);
  const spatial = since >= 9 || ctx.attrInt('spatial', 1) !== 0;
  if (spatial) STAT_NAMES.forEach((name, k) => checkPerChannel(ctx, k + 1, name, c));
  ctx.setOutputTensor(0, t.dtype, t.shape);
  const statShape = ctx.inputTensor(3)?.shape ?? ctx.inputTensor(1)?.shape ?? (spatial ? [c] : undefined);
  if (since >= 14) {
    const training = ctx.attrInt('training_mode', 0) !== 0;
    if (!training && (ctx.hasOutput(1) || ctx.hasOutput(2))) {
      ctx.fail('running_mean/running_var outputs are only produced when training_mode=1');
    }
    const statType = ctx.inputTensor(3)?.dtype ?? t.dtype;
    for (const i of [1, 2]) if (ctx.hasOutput(i)) ctx.setOutputTensor(i, statType, statShape);
    return;
  }
  for (const i of [1, 2, 3, 4]) if (ctx.hasOutput(i)) ctx.setOutputTensor(i, t.dtype, statShape);
};

const instanceNormalization: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  if (t === undefined) return;
  if (t.shape !== undefined && t.shape.length < 3) ctx.fail(`input must have rank at least 3 ([N, C, D...]), got rank ${t.shape.length}`);
  const c = channels(t.shape);
  checkPerChannel(ctx, 1, 'scale', c);
  checkPerChannel(ctx, 2, 'B', c);
  ctx.setOutputTensor(0, t.dtype, t.shape);
};

/** The stash type (Mean/InvStdDev precision); must be a real float type. */
function stashType(ctx: InferContext): DataType {
  const s = ctx.attrInt('stash_type', DataType.FLOAT);
  if (!isKnownDataType(s) || ![DataType.FLOAT, DataType.BFLOAT16, DataType.FLOAT16, DataType.DOUBLE].includes(s)) {
    ctx.fail(`stash_type ${s} is not a floating-point data type`);
  }
  return s;
}

/** Mean and InvStdDev keep the dims before `axis` and are 1 from `axis` on. */
const layerNormalization: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  if (t === undefined) return;
  const stash = stashType(ctx);
  let statShape: Dim[] | undefined;
  if (t.shape !== undefined) {
    const axis = normalizeAxis(ctx, ctx.attrInt('axis', -1), t.shape.length);
    statShape = t.shape.map((d, i) => (i < axis ? d : 1));
  }
  ctx.setOutputTensor(0, t.dtype, t.shape);
  for (const i of [1, 2]) if (ctx.hasOutput(i)) ctx.setOutputTensor(i, stash, statShape);
};

const groupNormalization: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  if (t === undefined) return;
  const groups = ctx.attrInt('num_groups');
  if (groups === undefined || groups < 1) return ctx.fail(`num_groups must be a positive integer, got ${groups ?? 'none'}`);
  if (t.shape !== undefined && t.shape.length < 2) ctx.fail(`input must have rank at least 2 ([N, C, ...]), got rank ${t.shape.length}`);
  const c = channels(t.shape);
  if (typeof c === 'number' && c % groups !== 0) ctx.fail(`channels C = ${c} are not divisible by num_groups ${groups}`);
  stashType(ctx);
  ctx.setOutputTensor(0, t.dtype, t.shape);
};

/** RMSNormalization: Y takes scale's dtype (V), X's shape. */
const rmsNormalization: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  const scale = ctx.inputTensor(1);
  if (t?.shape !== undefined) normalizeAxis(ctx, ctx.attrInt('axis', -1), t.shape.length);
  if (t === undefined || scale === undefined) return;
  stashType(ctx);
  ctx.setOutputTensor(0, scale.dtype, t.shape);
};

/** Y = X, after `check` has validated the axis attributes against X's rank (when known). */
function sameShape(check: (ctx: InferContext, rank: number) => void): ShapeRule {
  return (ctx) => {
    const rank = ctx.inputTensor(0)?.shape?.length;
    if (rank !== undefined) check(ctx, rank);
    propagateTensor(ctx);
  };
}

const lpNormalization = sameShape((ctx, rank) => normalizeAxis(ctx, ctx.attrInt('axis', -1), rank));

const meanVarianceNormalization = sameShape((ctx, rank) => {
  for (const a of ctx.attrInts('axes', [0, 2, 3])) normalizeAxis(ctx, a, rank, 'axes value');
});

const lrn: ShapeRule = (ctx) => {
  const size = ctx.attrInt('size');
  if (size !== undefined && size < 1) ctx.fail(`size must be at least 1, got ${size}`);
  propagateTensor(ctx);
};

registerShapeRules({
  BatchNormalization: batchNormalization,
  InstanceNormalization: instanceNormalization,
  LayerNormalization: layerNormalization,
  GroupNormalization: groupNormalization,
  RMSNormalization: rmsNormalization,
  LpNormalization: lpNormalization,
  MeanVarianceNormalization: meanVarianceNormalization,
  LRN: lrn,
});
