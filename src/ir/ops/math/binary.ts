/**
 * Broadcasting elementwise ops with two or more inputs: arithmetic, bitwise, logic, comparisons,
 * the variadic Max/Min/Sum/Mean, Where and PRelu. From opset 7 (8 for the variadic ones) they use numpy
 * broadcasting; before that, see legacyBroadcast / equalShapes in ./util.ts.
 */
import { DataType, dataTypeInfo, dataTypeName } from '../../dtype.js';
import type { Shape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { broadcastShapes } from '../shape-utils.js';
import { INT_ARITH, INT_BOOL, INT_VARIADIC, modOp, propagateInts, whereOp, type IntOp } from './const-eval.js';
import { equalShapes, legacyBroadcast, sharedDtype, unidirectionalBroadcast } from './util.js';

function setResult(ctx: InferContext, dtype: DataType | undefined, shape: Shape | undefined): void {
  if (dtype === undefined && shape === undefined) return;
  ctx.setOutputTensor(0, dtype ?? DataType.UNDEFINED, shape);
}

const isLegacy = (ctx: InferContext): boolean => ctx.schema.attributes.some((a) => a.name === 'broadcast');

/** The output shape of a two-input op: legacy broadcasting for the versions with a `broadcast` attribute. */
function binaryShape(ctx: InferContext): Shape | undefined {
  if (isLegacy(ctx)) return legacyBroadcast(ctx);
  return broadcastShapes(ctx, [ctx.inputTensor(0)?.shape, ctx.inputTensor(1)?.shape]);
}

/**
 * Constants are evaluated with numpy broadcasting, which the legacy form matches except when `axis`
 * places B somewhere other than A's suffix.
 */
function numpyCompatible(ctx: InferContext): boolean {
  return !isLegacy(ctx) || ctx.attrInt('broadcast', 0) === 0 || !ctx.hasAttr('axis');
}

interface BinaryOptions {
  /** The output is BOOL (comparisons, logic) instead of the inputs' type. */
  readonly bool?: boolean;
  /** The inputs have different type parameters (Pow from opset 12): only A's type reaches the output. */
  readonly mixedTypes?: boolean;
  /** Integer evaluation for data propagation (see Note [exact integer propagation]). */
  readonly evalInt?: (ctx: InferContext) => IntOp | undefined;
  readonly check?: (ctx: InferContext, dtype: DataType | undefined) => void;
}

function binaryRule(opts: BinaryOptions = {}): ShapeRule {
  return (ctx) => {
    const shape = binaryShape(ctx);
    const inDtype =
      opts.mixedTypes && ctx.schema.sinceVersion >= 12 ? ctx.inputTensor(0)?.dtype : sharedDtype(ctx, [0, 1]);
    opts.check?.(ctx, inDtype);
    setResult(ctx, opts.bool ? DataType.BOOL : inDtype, shape);
    const fn = opts.evalInt?.(ctx);
    if (fn !== undefined && numpyCompatible(ctx)) propagateInts(ctx, [0, 1], fn, opts.bool ? DataType.BOOL : undefined);
  };
}

const arith = (op: keyof typeof INT_ARITH): ShapeRule => binaryRule({ evalInt: () => INT_ARITH[op] });
const compare = (op: keyof typeof INT_BOOL): ShapeRule => binaryRule({ bool: true, evalInt: () => INT_BOOL[op] });

const mod = binaryRule({
  evalInt: (ctx) => modOp(ctx.attrInt('fmod', 0) !== 0),
  check: (ctx, dtype) => {
    // The spec requires fmod=1 for floats: Python-style modulo is defined for integers only.
    if (dtype !== undefined && dtype !== DataType.UNDEFINED && dataTypeInfo(dtype).isFloat && ctx.attrInt('fmod', 0) === 0) {
      ctx.fail(`fmod must be 1 for floating-point inputs (${dataTypeName(dtype)})`);
    }
  },
});

const bitShift = binaryRule({
  check: (ctx) => {
    const dir = ctx.attrString('direction');
    if (dir !== 'LEFT' && dir !== 'RIGHT') ctx.fail(`direction must be "LEFT" or "RIGHT", got ${JSON.stringify(dir)}`);
  },
});

/** Max/Min/Sum/Mean: equal shapes before opset 8, numpy broadcasting from 8. */
function variadicRule(op: keyof typeof INT_VARIADIC | 'Mean'): ShapeRule {
  return (ctx) => {
    const inputs = Array.from({ length: ctx.inputCount }, (_, i) => i).filter((i) => ctx.hasInput(i));
    if (inputs.length === 0) ctx.fail('needs at least one input');
    const shapes = inputs.map((i) => ctx.inputTensor(i)?.shape);
    const shape = ctx.schema.sinceVersion < 8 ? equalShapes(ctx, shapes) : broadcastShapes(ctx, shapes);
    setResult(ctx, sharedDtype(ctx, inputs), shape);
    // Mean of integers rounds in a way the spec leaves open, so it is not evaluated.
    const fn = op === 'Mean' ? undefined : INT_VARIADIC[op];
    if (fn !== undefined) propagateInts(ctx, inputs, fn);
  };
}

const where: ShapeRule = (ctx) => {
  const cond = ctx.inputTensor(0)?.dtype;
  if (cond !== undefined && cond !== DataType.UNDEFINED && cond !== DataType.BOOL) {
    ctx.fail(`condition must be BOOL, got ${dataTypeName(cond)}`);
  }
  const shape = broadcastShapes(ctx, [0, 1, 2].map((i) => ctx.inputTensor(i)?.shape));
  const dtype = sharedDtype(ctx, [1, 2]);
  setResult(ctx, dtype, shape);
  const x = ctx.inputConstant(1);
  if (x !== undefined) propagateInts(ctx, [0, 1, 2], whereOp, x.dtype);
};

/** PRelu: before opset 7 the slope's shape was loosely specified; from 7 it broadcasts to X one way. */
const prelu: ShapeRule = (ctx) => {
  const x = ctx.inputTensor(0)?.shape;
  const shape = ctx.schema.sinceVersion < 7 ? x : unidirectionalBroadcast(ctx, x, ctx.inputTensor(1)?.shape, 'slope');
  setResult(ctx, sharedDtype(ctx, [0, 1]), shape);
};

registerShapeRules({
  Add: arith('Add'),
  Sub: arith('Sub'),
  Mul: arith('Mul'),
  Div: arith('Div'),
  Mod: mod,
  Pow: binaryRule({ mixedTypes: true }),
  BitShift: bitShift,
  BitwiseAnd: binaryRule(),
  BitwiseOr: binaryRule(),
  BitwiseXor: binaryRule(),
  And: compare('And'),
  Or: compare('Or'),
  Xor: compare('Xor'),
  Equal: compare('Equal'),
  Greater: compare('Greater'),
  GreaterOrEqual: compare('GreaterOrEqual'),
  Less: compare('Less'),
  LessOrEqual: compare('LessOrEqual'),
  Max: variadicRule('Max'),
  Min: variadicRule('Min'),
  Sum: variadicRule('Sum'),
  Mean: variadicRule('Mean'),
  Where: where,
  PRelu: prelu,
});
