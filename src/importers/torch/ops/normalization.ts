import { DataType } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import { atenTable } from '../table.js';
import { filled } from './arg-values.js';
import { castTo } from './promote.js';
import { intListArg, shapeArg } from './util.js';

/**
 * aten::layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True):
 * ONNX LayerNormalization (opset 17) over the last len(normalized_shape) axes. ONNX needs a Scale, so a
 * missing weight is ones (and a missing bias zeros, see below). stash_type is the precision of the statistics: FLOAT (the default) except
 * for DOUBLE inputs, which torch normalizes in double.
 */
function layerNorm(ctx: LowerContext): void {
  const x = ctx.tensor([0, 'input']);
  const dt = ctx.dtype(x);
  // Only the number of normalized dims matters, unless a missing weight or bias needs the dims themselves
  // (SymInts in a .pt2 program with dynamic dims).
  const count = intListArg(ctx, [1, 'normalized_shape'])?.length ?? ctx.unsupported('normalized_shape must be an int list');
  const weight = ctx.arg([2, 'weight']);
  const bias = ctx.arg([3, 'bias']);
  const scale = weight === null ? filled(ctx, dt, shapeArg(ctx, [1, 'normalized_shape']), 1) : castTo(ctx, weight, dt);
  // B is optional in ONNX, but onnxruntime 1.30's CPU kernel crashes the process without it: pass zeros.
  const shift = bias === null ? filled(ctx, dt, shapeArg(ctx, [1, 'normalized_shape']), 0) : castTo(ctx, bias, dt);
  const attrs = { axis: -count, epsilon: ctx.float([4, 'eps'], 1e-5), stash_type: dt === DataType.DOUBLE ? DataType.DOUBLE : undefined };
  ctx.output(0, ctx.op('LayerNormalization', [x, scale, shift], attrs));
}

/** The number of channels (input dim 1) as a 1-D INT64 value, for default weights and biases. */
function channels(ctx: LowerContext, x: Value): Value {
  const c = ctx.shape(x)?.[1];
  return typeof c === 'number' ? ctx.int64s([c]) : ctx.op('Shape', [x], { start: 1, end: 2 });
}

/**
 * aten::batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
 * cudnn_enabled) in eval mode: ONNX BatchNormalization with the running statistics; a missing weight
 * is ones and a missing bias zeros. Training mode (batch statistics) is refused; eval mode without
 * running statistics is an error in torch itself.
 */
function batchNorm(ctx: LowerContext): void {
  const x = ctx.tensor([0, 'input']);
  if (ctx.bool([5, 'training'])) ctx.unsupported('batch_norm with training=True (export the model in eval mode)');
  const mean = ctx.arg([3, 'running_mean']);
  const variance = ctx.arg([4, 'running_var']);
  if (mean === null || variance === null) ctx.unsupported('batch_norm without running statistics');
  const dt = ctx.dtype(x);
  const weight = ctx.arg([1, 'weight']);
  const bias = ctx.arg([2, 'bias']);
  const scale = weight === null ? filled(ctx, dt, channels(ctx, x), 1) : castTo(ctx, weight, dt);
  const shift = bias === null ? filled(ctx, dt, channels(ctx, x), 0) : castTo(ctx, bias, dt);
  const stats = [mean, variance].map((v) => castTo(ctx, v, ctx.dtype(mean)));
  ctx.output(
    0,
    ctx.op('BatchNormalization', [x, scale, shift, ...stats], {
      epsilon: ctx.float([7, 'eps'], 1e-5),
      momentum: 1 - ctx.float([6, 'momentum'], 0.1),
    }),
  );
}

atenTable.register({
  'aten::layer_norm': layerNorm,
  'aten::batch_norm': batchNorm,
});
