import { DataType, dataTypeInfo, rawByteLength } from '../../../ir/dtype.js';
import { ArrayTensor, StringTensor, viewAs } from '../../../ir/tensor.js';
import type { Value } from '../../../ir/value.js';
import type { ArgRef, LowerContext } from '../../common/lower-context.js';
import { c10ToOnnx } from '../dtypes.js';
import { castTo, isPythonScalar } from './promote.js';
import { scalarOf } from './util.js';

/**
 * Helpers of the elementwise, activation, reduction, creation, normalization and linear-algebra
 * families, beside the shared ones in util.ts: dtype arguments, telling argument kinds apart (for
 * TorchScript calls, which name no overload), Scalar arguments as 0-dim values, filled tensors.
 */

export function isFloatType(dt: DataType): boolean {
  return dataTypeInfo(dt).isFloat;
}

/** Bool and integer dtypes: what torch promotes to the default float in true division and exp/sqrt/... */
export function isIntegralOrBool(dt: DataType): boolean {
  return dt === DataType.BOOL || dataTypeInfo(dt).isInteger;
}

/** A `ScalarType` argument (a c10 number) as an ONNX dtype; undefined when absent or None. */
export function dtypeArg(ctx: LowerContext, ref: ArgRef): DataType | undefined {
  if (!ctx.has(ref)) return undefined;
  const n = ctx.int(ref);
  const dt = c10ToOnnx(n);
  if (dt === undefined) ctx.unsupported(`dtype with ScalarType number ${n}`);
  return dt;
}

/** What kind of argument a value is: how TorchScript overloads are told apart by their arguments. */
export type ArgKind = 'none' | 'string' | 'int' | 'float' | 'bool' | 'tensor';

export function argKind(ctx: LowerContext, ref: ArgRef): ArgKind {
  const v = ctx.arg(ref);
  if (v === null) return 'none';
  const p = v.producer;
  if (p?.opType === 'Constant' && p.domain === '' && p.attrTensor('value') instanceof StringTensor) return 'string';
  if (!isPythonScalar(v)) return 'tensor';
  const dt = ctx.dtype(v);
  return dt === DataType.BOOL ? 'bool' : isFloatType(dt) ? 'float' : 'int';
}

/** A tensor of `shape` (a 1-D INT64 value) filled with `value` (ConstantOfShape; FLOAT then Cast for the rest). */
export function filled(ctx: LowerContext, dtype: DataType, shape: Value, value: number): Value {
  if (value === 0 && dtype !== DataType.STRING) {
    const zero = viewAs(dtype, new Uint8Array(rawByteLength(dtype, 1)), 1);
    return ctx.op('ConstantOfShape', [shape], { value: new ArrayTensor(dtype, [1], zero) });
  }
  const direct = dtype === DataType.FLOAT || dtype === DataType.DOUBLE || dtype === DataType.INT64 || dtype === DataType.INT32;
  const t = direct ? dtype : DataType.FLOAT;
  const data = t === DataType.INT64 ? BigInt64Array.of(BigInt(value)) : t === DataType.INT32 ? Int32Array.of(value) : t === DataType.DOUBLE ? Float64Array.of(value) : Float32Array.of(value);
  const out = ctx.op('ConstantOfShape', [shape], { value: new ArrayTensor(t, [1], data) });
  return direct ? out : ctx.op('Cast', [out], { to: dtype });
}

/**
 * A Scalar argument as a 0-dim value of `dtype`: a Python constant becomes a constant of that dtype, a
 * value computed in the graph (a SymInt, a 0-dim or one-element tensor) is cast and made 0-dim.
 */
export function scalarValue(ctx: LowerContext, ref: ArgRef, dtype: DataType): Value {
  const v = ctx.tensor(ref);
  if (isPythonScalar(v)) return scalarOf(ctx, dtype, ctx.float(ref));
  return toScalar(ctx, castTo(ctx, v, dtype));
}

/** `v` reshaped to 0-dim unless it already is (a SymInt or a one-element tensor). */
export function toScalar(ctx: LowerContext, v: Value): Value {
  return ctx.shape(v)?.length === 0 ? v : ctx.op('Reshape', [v, ctx.int64s([])]);
}
