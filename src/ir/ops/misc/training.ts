/**
 * Training ops. The losses NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (ai.onnx) take scores
 * [N, C, d1..dk], targets [N, d1..dk] and class weights [C]; reduction 'none' keeps the target's shape,
 * 'sum' and 'mean' give a scalar.
 *
 * ai.onnx.preview.training: the optimizers Adagrad, Adam and Momentum, and Gradient. An optimizer takes
 * (R, T) and then its tensors in groups of n (X..., G..., and the per-tensor state), and returns the new
 * X and state tensors, each shaped like the tensor it replaces.
 */
import { DataType, dataTypeInfo, dataTypeName } from '../../dtype.js';
import type { Dim, Shape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { attrStrings, checkRank, dimAt, unifyDim } from './util.js';

/** The per-element loss shape [N, d1..dk], checking scores, target and weight against each other. */
function lossShape(ctx: InferContext): Shape | undefined {
  const scores = ctx.inputTensor(0)?.shape;
  const target = ctx.inputTensor(1)?.shape;
  const weight = ctx.inputTensor(2)?.shape;
  if (scores !== undefined && scores.length < 2) ctx.fail(`input must be [N, C, d1..dk], got rank ${scores.length}`);
  checkRank(ctx, weight, [1], 'weight');
  unifyDim(ctx, dimAt(scores, 1), dimAt(weight, 0), 'class count: input dim 1 vs weight');
  if (scores !== undefined && target !== undefined && target.length !== scores.length - 1) {
    ctx.fail(`target must have rank ${scores.length - 1} (input's rank minus the class dim), got ${target.length}`);
  }
  const fromScores = scores?.filter((_, i) => i !== 1);
  if (fromScores === undefined) return target;
  if (target === undefined) return fromScores;
  return fromScores.map((d, i): Dim => unifyDim(ctx, d, target[i] ?? null, `input vs target dim ${i === 0 ? 0 : i + 1}`));
}

function reduction(ctx: InferContext): string {
  const r = ctx.attrString('reduction', 'mean');
  if (r !== 'none' && r !== 'sum' && r !== 'mean') ctx.fail(`reduction must be none, sum or mean, got '${r}'`);
  return r;
}

function lossRule(ctx: InferContext): void {
  const shape = lossShape(ctx);
  const red = reduction(ctx);
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  ctx.setOutputTensor(0, x.dtype, red === 'none' ? shape : []);
  // SoftmaxCrossEntropyLoss's optional log_prob has the scores' shape.
  if (ctx.outputCount > 1 && ctx.hasOutput(1)) ctx.setOutputTensor(1, x.dtype, x.shape);
}

function sameShape(ctx: InferContext, a: Shape | undefined, b: Shape | undefined, what: string): Shape | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.length !== b.length) ctx.fail(`${what}: rank ${a.length} vs ${b.length}`);
  return a.map((d, i) => unifyDim(ctx, d, b[i] ?? null, `${what}, dim ${i}`));
}

/**
 * `names` are the input groups after (R, T), e.g. X, G, V, H; `outputs` lists which groups come back
 * updated, in output order (the gradients G never do).
 */
function optimizer(names: readonly string[], outputs: readonly number[]): ShapeRule {
  return (ctx) => {
    const tensors = ctx.inputCount - 2;
    if (tensors <= 0 || tensors % names.length !== 0) {
      ctx.fail(`expected R, T and ${names.length} groups (${names.join(', ')}) of equal size, got ${ctx.inputCount} inputs`);
    }
    const n = tensors / names.length;
    if (ctx.outputCount > outputs.length * n) {
      ctx.fail(`${n} tensors to optimize give ${outputs.length * n} outputs, got ${ctx.outputCount}`);
    }
    for (let i = 0; i < n; i++) {
      const group = names.map((_, g) => ctx.inputTensor(2 + g * n + i));
      const dtype = group.find((t) => t !== undefined)?.dtype;
      if (dtype === undefined) continue;
      const shape = group.reduce<Shape | undefined>(
        (acc, t, g) => sameShape(ctx, acc, t?.shape, `${names[0]}${i + 1} vs ${names[g]}${i + 1}`),
        undefined,
      );
      outputs.forEach((g, k) => {
        const out = k * n + i;
        const t = group[g];
        if (ctx.hasOutput(out)) ctx.setOutputTensor(out, t?.dtype ?? dtype, shape);
      });
    }
  };
}

/** Output i is the gradient of y with respect to xs[i], the value fed as input i. */
function gradient(ctx: InferContext): void {
  const xs = attrStrings(ctx, 'xs');
  if (xs.length === 0) ctx.fail('attribute xs is required and must name at least one tensor');
  if (ctx.outputCount !== xs.length) ctx.fail(`xs names ${xs.length} tensors but the node has ${ctx.outputCount} outputs`);
  const zs = attrStrings(ctx, 'zs');
  if (ctx.inputCount !== xs.length + zs.length) {
    ctx.fail(`the inputs feed xs then zs (${xs.length} + ${zs.length}), got ${ctx.inputCount} inputs`);
  }
  xs.forEach((name, i) => {
    const x = ctx.inputTensor(i);
    if (x === undefined) return;
    if (x.dtype !== DataType.UNDEFINED && !dataTypeInfo(x.dtype).isFloat) {
      ctx.fail(`cannot differentiate with respect to ${name}: its type ${dataTypeName(x.dtype)} is not floating point`);
    }
    ctx.setOutputTensor(i, x.dtype, x.shape);
  });
}

registerShapeRules({ NegativeLogLikelihoodLoss: lossRule, SoftmaxCrossEntropyLoss: lossRule });
registerShapeRules(
  {
    Adagrad: optimizer(['X', 'G', 'H'], [0, 2]),
    Adam: optimizer(['X', 'G', 'V', 'H'], [0, 2, 3]),
    Momentum: optimizer(['X', 'G', 'V'], [0, 2]),
    Gradient: gradient,
  },
  'ai.onnx.preview.training',
);
