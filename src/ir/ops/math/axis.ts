/**
 * Shape-preserving ops that work along one axis: the softmax family (axis attribute) and the cumulative
 * ops (axis input). The output is the input unchanged in type and shape; the rules check the axis.
 */
import { DataType } from '../../dtype.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { constantInts, normalizeAxis, propagateTensor } from '../shape-utils.js';
import { checkScalarInt } from './util.js';

/**
 * Softmax, LogSoftmax, Hardmax. Before opset 13 the input was coerced to 2-D at `axis` (default 1), from
 * 13 the op works on `axis` alone (default -1); either way `axis` must lie in [-rank, rank-1].
 */
const softmaxLike: ShapeRule = (ctx) => {
  propagateTensor(ctx);
  const shape = ctx.inputTensor(0)?.shape;
  if (shape === undefined) return;
  const axis = ctx.attrInt('axis', ctx.schema.sinceVersion >= 13 ? -1 : 1);
  normalizeAxis(ctx, axis, shape.length);
};

/** CumSum/CumProd: `axis` is a 0-D (or single-element) integer tensor in [-rank, rank-1]. */
const cumulative: ShapeRule = (ctx) => {
  propagateTensor(ctx);
  checkScalarInt(ctx, 1, 'axis', [DataType.INT32, DataType.INT64]);
  const rank = ctx.inputTensor(0)?.shape?.length;
  const axis = constantInts(ctx.inputConstant(1));
  if (rank !== undefined && axis !== undefined && axis.length === 1) normalizeAxis(ctx, axis[0]!, rank);
};

registerShapeRules({
  Softmax: softmaxLike,
  LogSoftmax: softmaxLike,
  Hardmax: softmaxLike,
  CumSum: cumulative,
  CumProd: cumulative,
});
