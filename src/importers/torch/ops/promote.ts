import { DataType, dataTypeInfo } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';

/**
 * Note [torch type promotion]: an elementwise op's result dtype follows torch.result_type. Operands
 * rank by category (bool < integer < floating); within the winning category, a tensor with dims beats
 * a zero-dim tensor, which beats a Python scalar, so `int8_tensor + 1` stays int8 and
 * `float16_tensor * 2.5` stays float16, while `int_tensor * 2.5` becomes the default float (FLOAT).
 * Importers mark Python scalars as Constant nodes with no dims of INT64/DOUBLE/BOOL type; 0-dim tensors
 * from the model itself carry their own dtype.
 */
type Kind = 0 | 1 | 2; // bool, integer, floating
type Priority = 0 | 1 | 2; // python scalar, zero-dim tensor, tensor with dims

function kindOf(dt: DataType): Kind {
  if (dt === DataType.BOOL) return 0;
  return dataTypeInfo(dt).isFloat ? 2 : 1;
}

/** Whether `v` is a Python scalar argument (a Constant node the importer made for a number). */
export function isPythonScalar(v: Value): boolean {
  const p = v.producer;
  return p?.opType === 'Constant' && p.domain === '' && p.name?.startsWith('const_') === true && (p.attrTensor('value')?.dims.length ?? 1) === 0;
}

export function resultType(ctx: LowerContext, operands: readonly Value[]): DataType {
  let best: { kind: Kind; prio: Priority; dtype: DataType } | undefined;
  for (const v of operands) {
    const dtype = ctx.dtype(v);
    const prio: Priority = isPythonScalar(v) ? 0 : (ctx.shape(v)?.length ?? 1) === 0 ? 1 : 2;
    const kind = kindOf(dtype);
    if (best === undefined || kind > best.kind || (kind === best.kind && prio > best.prio)) best = { kind, prio, dtype };
    else if (kind === best.kind && prio === best.prio && dataTypeInfo(dtype).bits > dataTypeInfo(best.dtype).bits) best = { kind, prio, dtype };
  }
  if (best === undefined) ctx.unsupported('no operands');
  // A Python float scalar winning over integer tensors gives the default dtype, not DOUBLE.
  if (best.prio === 0 && best.kind === 2) return DataType.FLOAT;
  if (best.prio === 0 && best.kind === 1) return DataType.INT64;
  return best.dtype;
}

/** `v` cast to `dtype` (no node when it already is). */
export function castTo(ctx: LowerContext, v: Value, dtype: DataType): Value {
  return ctx.dtype(v) === dtype ? v : ctx.op('Cast', [v], { to: dtype });
}

/** The operands cast to their promoted dtype, and that dtype. */
export function promote(ctx: LowerContext, operands: readonly Value[]): { values: Value[]; dtype: DataType } {
  const dtype = resultType(ctx, operands);
  return { values: operands.map((v) => castTo(ctx, v, dtype)), dtype };
}
