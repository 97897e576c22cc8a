import { DataType, dataTypeInfo } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import type { LoweringRule } from '../../common/lowering-table.js';
import { tfTable } from '../table.js';

/** Element types `ctx.constant` can build directly; others go through CastLike. */
const DIRECT_CONSTANT = new Set([DataType.FLOAT, DataType.DOUBLE, DataType.INT32, DataType.INT64, DataType.BOOL, DataType.UINT8, DataType.INT8, DataType.INT16]);

/** A scalar constant with the element type of `like`. */
export function scalarLike(ctx: LowerContext, like: Value, value: number): Value {
  const dt = ctx.dtype(like);
  if (DIRECT_CONSTANT.has(dt)) return ctx.scalar(dt, value);
  return ctx.op('CastLike', [ctx.scalar(DataType.FLOAT, value), like]);
}

/** One ONNX op on input 0: TF unary math has ONNX's semantics for the types TF allows. */
function unary(onnxOp: string): LoweringRule {
  return (ctx) => ctx.output(0, ctx.op(onnxOp, [ctx.tensor(0)]));
}

/** Broadcasting binary ops: TF's broadcasting is numpy's, as ONNX's is; both operands share one dtype. */
function binary(onnxOp: string): LoweringRule {
  return (ctx) => ctx.output(0, ctx.op(onnxOp, [ctx.tensor(0), ctx.tensor(1)]));
}

const passThrough: LoweringRule = (ctx) => ctx.output(0, ctx.tensor(0));

/**
 * Activations by TF op name, shared by the standalone ops and the `fused_ops` of _FusedConv2D /
 * _FusedMatMul, so each is written once. `alpha` is LeakyRelu's slope (`alpha` on the op,
 * `leakyrelu_alpha` on a fused op).
 */
export type Activation = (ctx: LowerContext, x: Value, alpha: number) => Value;

export const ACTIVATIONS: Readonly<Record<string, Activation>> = {
  Relu: (ctx, x) => ctx.op('Relu', [x]),
  Relu6: (ctx, x) => ctx.op('Clip', [x, scalarLike(ctx, x, 0), scalarLike(ctx, x, 6)]),
  // TF: x > 0 ? x : alpha * x, as ONNX LeakyRelu (any alpha, also above 1).
  LeakyRelu: (ctx, x, alpha) => ctx.op('LeakyRelu', [x], { alpha }),
  Elu: (ctx, x) => ctx.op('Elu', [x], { alpha: 1 }),
  // TF's constants (selu in nn_ops.h), written out because ONNX's defaults are float-rounded spellings.
  Selu: (ctx, x) => ctx.op('Selu', [x], { alpha: 1.6732632423543772, gamma: 1.0507009873554805 }),
  Softplus: (ctx, x) => ctx.op('Softplus', [x]),
  Sigmoid: (ctx, x) => ctx.op('Sigmoid', [x]),
  Tanh: (ctx, x) => ctx.op('Tanh', [x]),
};

function activation(name: string): LoweringRule {
  const f = ACTIVATIONS[name]!;
  return (ctx) => ctx.output(0, f(ctx, ctx.tensor(0), ctx.attrFloat('alpha', 0.2)));
}

function isSignedInt(dt: DataType): boolean {
  const i = dataTypeInfo(dt);
  return i.isInteger && i.isSigned;
}

/** Where `r` (a remainder of a truncating division by `y`) is nonzero with the other sign than `y`. */
function signsDiffer(ctx: LowerContext, r: Value, y: Value): Value {
  const zero = scalarLike(ctx, r, 0);
  const nonzero = ctx.op('Not', [ctx.op('Equal', [r, zero])]);
  return ctx.op('And', [nonzero, ctx.op('Xor', [ctx.op('Less', [r, zero]), ctx.op('Less', [y, zero])])]);
}

/**
 * FloorDiv rounds toward -inf. Floats: floor(x / y), as TF computes it. Signed integers: ONNX Div
 * truncates toward zero, so subtract one where the remainder is nonzero with the divisor's opposite sign.
 */
const floorDiv: LoweringRule = (ctx) => {
  const [x, y] = [ctx.tensor(0), ctx.tensor(1)];
  const dt = ctx.dtype(x);
  const q = ctx.op('Div', [x, y]);
  if (dataTypeInfo(dt).isFloat) return ctx.output(0, ctx.op('Floor', [q]));
  if (!isSignedInt(dt)) return ctx.output(0, q);
  const r = ctx.op('Sub', [x, ctx.op('Mul', [q, y])]);
  ctx.output(0, ctx.op('Sub', [q, ctx.op('Cast', [signsDiffer(ctx, r, y)], { to: dt })]));
};

/**
 * FloorMod has the divisor's sign. ONNX Mod with fmod=0 is exactly that for integers, but floats need
 * fmod=1 (C fmod, the dividend's sign); TF's float kernel then adds y where the signs differ, as here.
 */
const floorMod: LoweringRule = (ctx) => {
  const [x, y] = [ctx.tensor(0), ctx.tensor(1)];
  if (!dataTypeInfo(ctx.dtype(x)).isFloat) return ctx.output(0, ctx.op('Mod', [x, y], { fmod: 0 }));
  const m = ctx.op('Mod', [x, y], { fmod: 1 });
  ctx.output(0, ctx.op('Where', [signsDiffer(ctx, m, y), ctx.op('Add', [m, y]), m]));
};

/** Add also concatenates strings in TF; ONNX has that only as StringConcat (opset 20). */
const add: LoweringRule = (ctx) => {
  if (ctx.dtype(ctx.tensor(0)) === DataType.STRING) ctx.unsupported('Add of strings (concatenation)');
  binary('Add')(ctx);
};

/**
 * Select (v1) does not broadcast: the condition has x's shape, or is a vector choosing whole rows of
 * x along dim 0. ONNX Where broadcasts from the last dim, so a row vector gets trailing unit dims.
 * SelectV2 broadcasts like numpy, as Where does.
 */
const select: LoweringRule = (ctx) => {
  const [cond, x, y] = [ctx.tensor(0), ctx.tensor(1), ctx.tensor(2)];
  const condRank = ctx.rank(cond);
  const xRank = ctx.rank(x);
  let c = cond;
  if (condRank === 1 && xRank > 1) c = ctx.op('Unsqueeze', [cond, ctx.int64s(Array.from({ length: xRank - 1 }, (_, i) => i + 1))]);
  ctx.output(0, ctx.op('Where', [c, x, y]));
};

/**
 * Cast: TF truncates floats toward zero and maps nonzero to true, as ONNX Cast does. `Truncate=true`
 * asks for mantissa truncation between float types, where ONNX Cast rounds to nearest even.
 */
const cast: LoweringRule = (ctx) => {
  const x = ctx.tensor(0);
  const to = ctx.attrInt('DstT');
  if (ctx.attrInt('Truncate', 0) !== 0 && dataTypeInfo(ctx.dtype(x)).isFloat && dataTypeInfo(to).isFloat && to !== ctx.dtype(x)) {
    ctx.unsupported('Cast with Truncate=true between float types');
  }
  ctx.output(0, ctx.op('Cast', [x], { to }));
};

/** IsFinite: neither infinite nor NaN. */
const isFinite: LoweringRule = (ctx) => {
  const x = ctx.tensor(0);
  ctx.output(0, ctx.op('Not', [ctx.op('Or', [ctx.op('IsInf', [x]), ctx.op('IsNaN', [x])])]));
};

tfTable.register({
  'tf::Identity': passThrough,
  'tf::StopGradient': passThrough,
  // One Identity per output rather than passing inputs through: the driver names the Identity it adds
  // for a graph output passed straight through after the node, so two of those from one node clash.
  'tf::IdentityN': (ctx) => ctx.node.inputs.forEach((_, i) => ctx.output(i, ctx.op('Identity', [ctx.tensor(i)]))),
  // No data outputs: only control edges, which the importers drop.
  'tf::NoOp': () => {},

  'tf::Abs': unary('Abs'),
  'tf::Neg': unary('Neg'),
  'tf::Exp': unary('Exp'),
  'tf::Log': unary('Log'),
  'tf::Sqrt': unary('Sqrt'),
  'tf::Sin': unary('Sin'),
  'tf::Cos': unary('Cos'),
  'tf::Erf': unary('Erf'),
  'tf::Rsqrt': (ctx) => ctx.output(0, ctx.op('Reciprocal', [ctx.op('Sqrt', [ctx.tensor(0)])])),
  'tf::Square': (ctx) => ctx.output(0, ctx.op('Mul', [ctx.tensor(0), ctx.tensor(0)])),
  // 1 - erf(x) loses the tail's relative precision for large x, but keeps its absolute error below
  // float rounding of 1, which is what erfc's consumers (gelu: x * erfc(-x / sqrt 2)) see.
  'tf::Erfc': (ctx) => ctx.output(0, ctx.op('Sub', [scalarLike(ctx, ctx.tensor(0), 1), ctx.op('Erf', [ctx.tensor(0)])])),
  'tf::IsFinite': isFinite,

  'tf::Relu': activation('Relu'),
  'tf::Relu6': activation('Relu6'),
  'tf::LeakyRelu': activation('LeakyRelu'),
  'tf::Elu': activation('Elu'),
  'tf::Selu': activation('Selu'),
  'tf::Softplus': activation('Softplus'),
  'tf::Sigmoid': activation('Sigmoid'),
  'tf::Tanh': activation('Tanh'),

  'tf::Add': add,
  'tf::AddV2': binary('Add'),
  'tf::Sub': binary('Sub'),
  'tf::Mul': binary('Mul'),
  'tf::RealDiv': binary('Div'),
  'tf::FloorDiv': floorDiv,
  'tf::FloorMod': floorMod,
  'tf::Pow': binary('Pow'),
  'tf::Maximum': binary('Max'),
  'tf::Minimum': binary('Min'),
  'tf::SquaredDifference': (ctx) => {
    const d = ctx.op('Sub', [ctx.tensor(0), ctx.tensor(1)]);
    ctx.output(0, ctx.op('Mul', [d, d]));
  },

  'tf::Greater': binary('Greater'),
  'tf::GreaterEqual': binary('GreaterOrEqual'),
  'tf::Less': binary('Less'),
  'tf::LessEqual': binary('LessOrEqual'),
  // Equal/NotEqual's incompatible_shape_error=false only changes shapes that do not broadcast (an
  // error otherwise), which a valid graph does not feed them.
  'tf::Equal': binary('Equal'),
  'tf::NotEqual': (ctx) => ctx.output(0, ctx.op('Not', [ctx.op('Equal', [ctx.tensor(0), ctx.tensor(1)])])),
  'tf::LogicalAnd': binary('And'),
  'tf::LogicalOr': binary('Or'),
  'tf::LogicalNot': unary('Not'),

  'tf::Select': select,
  'tf::SelectV2': (ctx) => ctx.output(0, ctx.op('Where', [ctx.tensor(0), ctx.tensor(1), ctx.tensor(2)])),
  'tf::Cast': cast,
});
