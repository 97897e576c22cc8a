/**
 * Random generators: the shape comes from the `shape` attribute (RandomNormal/RandomUniform), from the
 * input (the *Like ops, Bernoulli), or is [batch, sample_size] (Multinomial); the type from `dtype`.
 */
import { DataType } from '../../dtype.js';
import { formatShape } from '../../shape.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { dtypeAttrOr } from './util.js';

/** RandomNormal, RandomUniform: `dtype` defaults to FLOAT in the schema. */
const fromShapeAttr: ShapeRule = (ctx) => {
  const shape = ctx.attrInts('shape');
  if (shape === undefined) return ctx.fail('attribute "shape" is required');
  const bad = shape.find((d) => d < 0 || !Number.isInteger(d));
  if (bad !== undefined) ctx.fail(`attribute shape [${shape.join(',')}] has an invalid dim ${bad}`);
  ctx.setOutputTensor(0, dtypeAttrOr(ctx, DataType.FLOAT) ?? DataType.FLOAT, shape);
};

/** RandomNormalLike, RandomUniformLike, Bernoulli: the input's shape; `dtype` or the input's type. */
const like: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  const dtype = dtypeAttrOr(ctx, t?.dtype);
  if (dtype !== undefined || t?.shape !== undefined) ctx.setOutputTensor(0, dtype ?? DataType.UNDEFINED, t?.shape);
};

/** Multinomial: [batch_size, class_size] -> [batch_size, sample_size]; `dtype` INT32 (default) or INT64. */
const multinomial: ShapeRule = (ctx) => {
  const s = ctx.inputTensor(0)?.shape;
  if (s !== undefined && s.length !== 2) ctx.fail(`input must be 2-D [batch_size, class_size], got ${formatShape(s)}`);
  const samples = ctx.attrInt('sample_size', 1);
  if (samples < 1) ctx.fail(`sample_size must be positive, got ${samples}`);
  const dtype = dtypeAttrOr(ctx, DataType.INT32) ?? DataType.INT32;
  ctx.setOutputTensor(0, dtype, s === undefined ? [null, samples] : [s[0] ?? null, samples]);
};

registerShapeRules({
  RandomNormal: fromShapeAttr,
  RandomUniform: fromShapeAttr,
  RandomNormalLike: like,
  RandomUniformLike: like,
  Bernoulli: like,
  Multinomial: multinomial,
});
