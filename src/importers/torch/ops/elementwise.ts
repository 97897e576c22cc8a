import { DataType } from '../../../ir/dtype.js';
import type { LowerContext } from '../../common/lower-context.js';
import type { LoweringRule } from '../../common/lowering-table.js';
import { atenTable } from '../table.js';
import { castTo, promote } from './promote.js';

/** One ONNX op applied to argument 0 (in-place `_` variants compute the same value in a graph). */
function unary(onnxOp: string): LoweringRule {
  return (ctx) => ctx.output(0, ctx.op(onnxOp, [ctx.tensor(0)]));
}

/** `a op b` with torch type promotion; `alpha` scales b (aten::add / aten::sub). */
function binary(onnxOp: string, withAlpha = false): LoweringRule {
  return (ctx) => {
    const { values, dtype } = promote(ctx, [ctx.tensor(0), ctx.tensor(1)]);
    let b = values[1]!;
    if (withAlpha && ctx.has([2, 'alpha'])) {
      const alpha = ctx.float([2, 'alpha']);
      if (alpha !== 1) b = ctx.op('Mul', [b, ctx.scalar(dtype, alpha)]);
    }
    ctx.output(0, ctx.op(onnxOp, [values[0]!, b]));
  };
}

/** aten::div with rounding_mode None (true division: integers become float), 'trunc' or 'floor'. */
function div(ctx: LowerContext): void {
  const mode = ctx.has([2, 'rounding_mode']) ? ctx.string([2, 'rounding_mode']) : undefined;
  let { values, dtype } = promote(ctx, [ctx.tensor(0), ctx.tensor(1)]);
  if (mode === undefined && (dtype === DataType.BOOL || dtype === DataType.INT64 || dtype === DataType.INT32 || dtype === DataType.INT16 || dtype === DataType.INT8 || dtype === DataType.UINT8)) {
    values = values.map((v) => castTo(ctx, v, DataType.FLOAT));
    dtype = DataType.FLOAT;
  }
  const q = ctx.op('Div', values);
  if (mode === undefined || mode === 'trunc') {
    // ONNX integer Div truncates; float needs an explicit trunc, which ONNX lacks: floor(|q|)*sign(q).
    ctx.output(0, mode === 'trunc' && isFloat(dtype) ? ctx.op('Mul', [ctx.op('Floor', [ctx.op('Abs', [q])]), ctx.op('Sign', [q])]) : q);
    return;
  }
  if (mode !== 'floor') ctx.unsupported(`rounding_mode ${JSON.stringify(mode)}`);
  ctx.output(0, isFloat(dtype) ? ctx.op('Floor', [q]) : floorDivInt(ctx, values[0]!, values[1]!, q));
}

function isFloat(dt: DataType): boolean {
  return dt === DataType.FLOAT || dt === DataType.DOUBLE || dt === DataType.FLOAT16 || dt === DataType.BFLOAT16;
}

/** Integer floor division from ONNX's truncating Div: subtract 1 where the signs differ and it was inexact. */
function floorDivInt(ctx: LowerContext, a: ReturnType<LowerContext['tensor']>, b: ReturnType<LowerContext['tensor']>, q: ReturnType<LowerContext['tensor']>): ReturnType<LowerContext['tensor']> {
  const dtype = ctx.dtype(q);
  const inexact = ctx.op('Not', [ctx.op('Equal', [ctx.op('Mul', [q, b]), a])]);
  const zero = ctx.scalar(dtype, 0);
  const signsDiffer = ctx.op('Xor', [ctx.op('Less', [a, zero]), ctx.op('Less', [b, zero])]);
  const fix = ctx.op('Cast', [ctx.op('And', [inexact, signsDiffer])], { to: dtype });
  return ctx.op('Sub', [q, fix]);
}

atenTable.register({
  'aten::relu': unary('Relu'),
  'aten::relu_': unary('Relu'),
  'aten::neg': unary('Neg'),
  'aten::exp': unary('Exp'),
  'aten::sigmoid': unary('Sigmoid'),
  'aten::tanh': unary('Tanh'),
  'aten::add': binary('Add', true),
  'aten::add_': binary('Add', true),
  'aten::sub': binary('Sub', true),
  'aten::mul': binary('Mul'),
  'aten::mul_': binary('Mul'),
  'aten::div': div,
});
