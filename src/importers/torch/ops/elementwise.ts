import { DataType } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import type { LoweringRule } from '../../common/lowering-table.js';
import { atenTable } from '../table.js';
import { isFloatType, isIntegralOrBool, scalarValue } from './arg-values.js';
import { scalarOf } from './util.js';
import { castTo, promote } from './promote.js';

/** One ONNX op applied to argument 0, keeping its dtype (in-place `_` variants compute the same value in a graph). */
export function unary(onnxOp: string): LoweringRule {
  return (ctx) => ctx.output(0, ctx.op(onnxOp, [ctx.tensor(0)]));
}

/** Ops torch only computes in floating point (exp, sqrt, sigmoid ...): integer and bool inputs become the default float. */
export function unaryFloat(build: (ctx: LowerContext, x: Value) => Value): LoweringRule {
  return (ctx) => {
    const x = ctx.tensor(0);
    ctx.output(0, build(ctx, isIntegralOrBool(ctx.dtype(x)) ? castTo(ctx, x, DataType.FLOAT) : x));
  };
}

/** On bool tensors torch's `+` is logical or and `*` logical and; ONNX Add/Mul take no bools. */
const BOOL_FORM: Record<string, string> = { Add: 'Or', Mul: 'And' };

/** `a op b` with torch type promotion; `alpha` scales b (aten::add / aten::sub). */
function binary(onnxOp: string, withAlpha = false): LoweringRule {
  return (ctx) => {
    const { values, dtype } = promote(ctx, [ctx.tensor(0), ctx.tensor(1)]);
    let b = values[1]!;
    if (withAlpha && ctx.has([2, 'alpha'])) {
      const alpha = ctx.float([2, 'alpha']);
      if (alpha !== 1) b = ctx.op('Mul', [b, scalarOf(ctx, dtype, alpha)]);
    }
    let op = onnxOp;
    if (dtype === DataType.BOOL) op = BOOL_FORM[onnxOp] ?? ctx.unsupported(`${onnxOp} on bool tensors`);
    ctx.output(0, ctx.op(op, [values[0]!, b]));
  };
}

/** aten::div: rounding_mode None (true division: integers divide as float), 'trunc' or 'floor'. */
function div(ctx: LowerContext): void {
  const mode = ctx.has([2, 'rounding_mode']) ? ctx.string([2, 'rounding_mode']) : undefined;
  const { values, dtype } = promote(ctx, [ctx.tensor(0), ctx.tensor(1)]);
  if (mode === undefined) {
    const ft = isIntegralOrBool(dtype) ? DataType.FLOAT : dtype;
    ctx.output(0, ctx.op('Div', values.map((v) => castTo(ctx, v, ft))));
    return;
  }
  if (mode !== 'trunc' && mode !== 'floor') ctx.unsupported(`rounding_mode ${JSON.stringify(mode)}`);
  if (dtype === DataType.BOOL) ctx.unsupported(`rounding_mode ${mode} on bool tensors`);
  const [a, b] = values as [Value, Value];
  ctx.output(0, mode === 'floor' ? floorDivide(ctx, a, b, dtype) : truncDivide(ctx, a, b, dtype));
}

/** torch's trunc division: trunc(a / b); ONNX integer Div already truncates, floats need floor(|q|) * sign(q). */
function truncDivide(ctx: LowerContext, a: Value, b: Value, dtype: DataType): Value {
  if (isFloatType(dtype)) {
    const q = ctx.op('Div', [a, b]);
    return ctx.op('Mul', [ctx.op('Floor', [ctx.op('Abs', [q])]), ctx.op('Sign', [q])]);
  }
  return ctx.op('Div', [a, b]);
}

/** Floor division as torch computes it (aten::div 'floor', aten::floor_divide, Python `//` on SymInts). */
export function floorDivide(ctx: LowerContext, a: Value, b: Value, dtype: DataType): Value {
  return isFloatType(dtype) ? floorDivideFloat(ctx, a, b, dtype) : floorDivideInt(ctx, a, b, dtype);
}

/** Integer floor division from ONNX's truncating Div: subtract 1 where the signs differ and it was inexact. */
function floorDivideInt(ctx: LowerContext, a: Value, b: Value, dtype: DataType): Value {
  const q = ctx.op('Div', [a, b]);
  const inexact = ctx.op('Not', [ctx.op('Equal', [ctx.op('Mul', [q, b]), a])]);
  const zero = scalarOf(ctx, dtype, 0);
  const signsDiffer = ctx.op('Xor', [ctx.op('Less', [a, zero]), ctx.op('Less', [b, zero])]);
  return ctx.op('Sub', [q, ctx.op('Cast', [ctx.op('And', [inexact, signsDiffer])], { to: dtype })]);
}

/**
 * Note [float floor division]: floor(a / b) is not what torch computes: 1 // 0.1 is 9 in torch and
 * Python (0.1 is slightly above one tenth) but floor(1 / 0.1) rounds to 10. torch's div_floor_floating
 * divides a - fmod(a, b), which is exact, steps down by one where the remainder's sign differs from
 * b's, then rounds to the nearest integer; b == 0 gives a / b (inf or nan). Only the sign of a zero
 * result can differ from torch here (torch copies a / b's sign onto it).
 */
function floorDivideFloat(ctx: LowerContext, a: Value, b: Value, dtype: DataType): Value {
  const zero = scalarOf(ctx, dtype, 0);
  const mod = ctx.op('Mod', [a, b], { fmod: 1 });
  const exact = ctx.op('Div', [ctx.op('Sub', [a, mod]), b]);
  const stepDown = ctx.op('And', [ctx.op('Not', [ctx.op('Equal', [mod, zero])]), ctx.op('Xor', [ctx.op('Less', [b, zero]), ctx.op('Less', [mod, zero])])]);
  const q = ctx.op('Sub', [exact, ctx.op('Cast', [stepDown], { to: dtype })]);
  const fl = ctx.op('Floor', [q]);
  const roundUp = ctx.op('Greater', [ctx.op('Sub', [q, fl]), scalarOf(ctx, dtype, 0.5)]);
  const rounded = ctx.op('Add', [fl, ctx.op('Cast', [roundUp], { to: dtype })]);
  return ctx.op('Where', [ctx.op('Equal', [b, zero]), ctx.op('Div', [a, b]), rounded]);
}

function floorDivideRule(ctx: LowerContext): void {
  const { values, dtype } = promote(ctx, [ctx.tensor(0), ctx.tensor(1)]);
  if (dtype === DataType.BOOL) ctx.unsupported('floor_divide on bool tensors');
  ctx.output(0, floorDivide(ctx, values[0]!, values[1]!, dtype));
}

/** A comparison after type promotion; ONNX orders no bools (only Equal takes them), so those compare as INT32. */
function compare(onnxOp: string, negate = false): LoweringRule {
  return (ctx) => {
    const { values, dtype } = promote(ctx, [ctx.tensor(0), ctx.tensor(1)]);
    const operands = dtype === DataType.BOOL && onnxOp !== 'Equal' ? values.map((v) => castTo(ctx, v, DataType.INT32)) : values;
    const r = ctx.op(onnxOp, operands);
    ctx.output(0, negate ? ctx.op('Not', [r]) : r);
  };
}

/** onnxruntime's Where has no kernel for these; they select as the wider type and are cast back (exact). */
const WHERE_AS: Partial<Record<DataType, DataType>> = { [DataType.BOOL]: DataType.UINT8, [DataType.INT8]: DataType.INT32, [DataType.INT16]: DataType.INT32 };

/** ONNX Where(cond, a, b) for a and b of `dtype`. */
export function select(ctx: LowerContext, cond: Value, a: Value, b: Value, dtype: DataType): Value {
  const as = WHERE_AS[dtype];
  if (as === undefined) return ctx.op('Where', [cond, a, b]);
  return castTo(ctx, ctx.op('Where', [cond, castTo(ctx, a, as), castTo(ctx, b, as)]), dtype);
}

/** aten::where(condition, self, other): self and other promote together (Python scalars allowed). */
function where(ctx: LowerContext): void {
  if (ctx.argCount === 1) ctx.unsupported('where(condition) (nonzero indices)');
  const cond = castTo(ctx, ctx.tensor([0, 'condition']), DataType.BOOL);
  const { values, dtype } = promote(ctx, [ctx.tensor([1, 'self']), ctx.tensor([2, 'other'])]);
  ctx.output(0, select(ctx, cond, values[0]!, values[1]!, dtype));
}

/** aten::masked_fill(self, mask, value): keeps self's dtype, the value (a scalar or 0-dim tensor) is cast to it. */
function maskedFill(ctx: LowerContext): void {
  const self = ctx.tensor([0, 'self']);
  const dtype = ctx.dtype(self);
  const value = scalarValue(ctx, [2, 'value'], dtype);
  ctx.output(0, select(ctx, castTo(ctx, ctx.tensor([1, 'mask']), DataType.BOOL), value, self, dtype));
}

/**
 * Python arithmetic on SymInts/SymFloats (`_operator.add` ... in .pt2 programs, which the .pt2 importer
 * maps to prim::add ...): ints stay INT64 and floor-divide, anything with a float is a Python float (DOUBLE).
 */
function pyArith(onnxOp: string): LoweringRule {
  return (ctx) => {
    const operands = [ctx.tensor(0), ctx.tensor(1)];
    const dtype = operands.some((v) => isFloatType(ctx.dtype(v))) ? DataType.DOUBLE : DataType.INT64;
    const [a, b] = operands.map((v) => castTo(ctx, v, dtype)) as [Value, Value];
    ctx.output(0, onnxOp === 'FloorDiv' ? floorDivide(ctx, a, b, dtype) : ctx.op(onnxOp, [a, b]));
  };
}

const rsqrt = unaryFloat((ctx, x) => ctx.op('Reciprocal', [ctx.op('Sqrt', [x])]));

atenTable.register({
  'aten::abs': unary('Abs'),
  'aten::neg': unary('Neg'),
  'aten::exp': unaryFloat((ctx, x) => ctx.op('Exp', [x])),
  'aten::sqrt': unaryFloat((ctx, x) => ctx.op('Sqrt', [x])),
  'aten::rsqrt': rsqrt,
  'aten::add': binary('Add', true),
  'aten::add_': binary('Add', true),
  'aten::sub': binary('Sub', true),
  'aten::sub_': binary('Sub', true),
  'aten::mul': binary('Mul'),
  'aten::mul_': binary('Mul'),
  'aten::div': div,
  'aten::div_': div,
  'aten::floor_divide': floorDivideRule,
  'aten::gt': compare('Greater'),
  'aten::lt': compare('Less'),
  'aten::ge': compare('GreaterOrEqual'),
  'aten::le': compare('LessOrEqual'),
  'aten::eq': compare('Equal'),
  'aten::ne': compare('Equal', true),
  'aten::where': where,
  'aten::masked_fill': maskedFill,
  'aten::masked_fill_': maskedFill,
  'prim::add': pyArith('Add'),
  'prim::sub': pyArith('Sub'),
  'prim::mul': pyArith('Mul'),
  'prim::floordiv': pyArith('FloorDiv'),
});
