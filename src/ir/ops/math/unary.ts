/**
 * One-input elementwise ops (the output has the input's type and shape), plus those that keep the shape
 * but not the type (IsInf/IsNaN), Identity (any type, sequences and optionals included) and Dropout.
 */
import { DataType } from '../../dtype.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { propagateTensor } from '../shape-utils.js';
import { INT_UNARY, propagateInts } from './const-eval.js';

const sameAsInput: ShapeRule = (ctx) => propagateTensor(ctx);

/** Elementwise with integer data propagation (Neg, Abs, Not). */
function withEval(op: keyof typeof INT_UNARY): ShapeRule {
  return (ctx) => {
    propagateTensor(ctx);
    propagateInts(ctx, [0], INT_UNARY[op]);
  };
}

const toBool: ShapeRule = (ctx) => ctx.setOutputTensor(0, DataType.BOOL, ctx.inputTensor(0)?.shape);

const identity: ShapeRule = (ctx) => {
  const t = ctx.inputType(0);
  if (t !== undefined) ctx.setOutputType(0, t);
  const c = ctx.inputConstant(0);
  if (c !== undefined) ctx.setOutputConstant(0, c);
};

/**
 * Dropout's mask has the data's shape; its type was the data's type T through opset 9 and BOOL from
 * opset 10 on.
 */
const dropout: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  if (t === undefined) {
    if (ctx.schema.sinceVersion >= 10) ctx.setOutputTensor(1, DataType.BOOL, undefined);
    return;
  }
  ctx.setOutputTensor(0, t.dtype, t.shape);
  if (ctx.hasOutput(1)) ctx.setOutputTensor(1, ctx.schema.sinceVersion >= 10 ? DataType.BOOL : t.dtype, t.shape);
};

const UNARY = [
  'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'Cos', 'Cosh', 'Sin', 'Sinh', 'Tan', 'Tanh',
  'Ceil', 'Floor', 'Round', 'Sign', 'Sqrt', 'Reciprocal', 'Exp', 'Log', 'Erf', 'BitwiseNot',
  'Celu', 'Elu', 'Gelu', 'HardSigmoid', 'HardSwish', 'LeakyRelu', 'Mish', 'Relu', 'Selu', 'Shrink',
  'Sigmoid', 'Softplus', 'Softsign', 'Swish', 'ThresholdedRelu',
  // Clip's min/max (attributes before opset 11, scalar inputs after) do not affect the shape.
  'Clip',
] as const;

registerShapeRules({
  ...Object.fromEntries(UNARY.map((op) => [op, sameAsInput])),
  Neg: withEval('Neg'),
  Abs: withEval('Abs'),
  Not: withEval('Not'),
  IsInf: toBool,
  IsNaN: toBool,
  Identity: identity,
  Dropout: dropout,
});
