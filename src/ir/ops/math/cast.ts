/**
 * Cast, CastLike and BitCast: the shape passes through, the element type comes from the `to` attribute
 * or from the second input. Cast and CastLike also carry small constants across exactly-representable
 * conversions (see Note [exact integer propagation] in ./const-eval.ts).
 */
import { DataType, dataTypeInfo, dataTypeName, isKnownDataType } from '../../dtype.js';
import type { ConstantData, InferContext } from '../infer-context.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { intConstant, intValues, isExactIntDtype, wrapInt } from './util.js';

function targetDtype(ctx: InferContext): DataType {
  // Cast-1 spelled `to` as a STRING holding the type's name ("FLOAT"); from opset 6 it is the INT code.
  if (ctx.schema.sinceVersion < 6) {
    const name = ctx.attrString('to');
    const dt = name === undefined ? undefined : (DataType as unknown as Record<string, DataType | undefined>)[name.toUpperCase()];
    if (dt === undefined || typeof dt !== 'number' || dt === DataType.UNDEFINED) ctx.fail(`attribute "to" is not a known data type name: ${JSON.stringify(name)}`);
    return dt;
  }
  const to = ctx.attrInt('to');
  if (to === undefined) ctx.fail('attribute "to" is required');
  if (!isKnownDataType(to) || to === DataType.UNDEFINED) ctx.fail(`attribute "to" is not a known data type: ${to}`);
  return to;
}

const FLOAT_MANTISSA_LIMIT: Partial<Record<DataType, number>> = {
  [DataType.FLOAT]: 2 ** 24,
  [DataType.DOUBLE]: 2 ** 53,
};

/**
 * One value converted as Cast does, when the result is certain: integers wrap (the spec drops high bits),
 * BOOL is nonzero-ness, floats convert to integers only when integral and in range, and integers convert
 * to floats only when the float holds them exactly. Undefined when uncertain.
 */
function castValue(v: number | bigint, from: DataType, to: DataType): number | bigint | undefined {
  const fromInt = isExactIntDtype(from);
  if (isExactIntDtype(to)) {
    if (fromInt) return wrapInt(BigInt(v), to);
    const x = Number(v);
    if (to === DataType.BOOL) return x !== 0 ? 1n : 0n; // NaN is nonzero: true
    if (!Number.isInteger(x)) return undefined;
    const big = BigInt(x);
    return wrapInt(big, to) === big ? big : undefined; // out of range is undefined behaviour
  }
  const limit = FLOAT_MANTISSA_LIMIT[to];
  if (limit === undefined) return undefined;
  if (fromInt) {
    const big = BigInt(v);
    if (big > BigInt(limit) || big < -BigInt(limit)) return undefined;
    return Number(big);
  }
  const x = Number(v);
  return to === DataType.FLOAT ? Math.fround(x) : x;
}

function propagateCast(ctx: InferContext, to: DataType): void {
  const c = ctx.inputConstant(0);
  if (c === undefined || !ctx.hasOutput(0)) return;
  if (c.dtype === to) {
    ctx.setOutputConstant(0, c);
    return;
  }
  const floatIn = c.dtype === DataType.FLOAT || c.dtype === DataType.DOUBLE;
  if (!floatIn && intValues(c) === undefined) return;
  const out: (number | bigint)[] = [];
  for (const v of c.values as readonly (number | bigint)[]) {
    const r = castValue(v, c.dtype, to);
    if (r === undefined) return;
    out.push(r);
  }
  let data: ConstantData | undefined;
  if (isExactIntDtype(to)) data = intConstant(to, c.dims, out as bigint[]);
  else data = { dtype: to, dims: [...c.dims], values: out as number[] };
  if (data !== undefined) ctx.setOutputConstant(0, data);
}

const cast: ShapeRule = (ctx) => {
  const to = targetDtype(ctx);
  ctx.setOutputTensor(0, to, ctx.inputTensor(0)?.shape);
  propagateCast(ctx, to);
};

const castLike: ShapeRule = (ctx) => {
  const to = ctx.inputTensor(1)?.dtype;
  const shape = ctx.inputTensor(0)?.shape;
  if (to === undefined || to === DataType.UNDEFINED) {
    if (shape !== undefined) ctx.setOutputTensor(0, DataType.UNDEFINED, shape);
    return;
  }
  ctx.setOutputTensor(0, to, shape);
  propagateCast(ctx, to);
};

/** BitCast reinterprets bits, so both types must have the same width (and STRING has none). */
const bitCast: ShapeRule = (ctx) => {
  const to = targetDtype(ctx);
  const input = ctx.inputTensor(0);
  if (input !== undefined && input.dtype !== DataType.UNDEFINED) {
    const a = dataTypeInfo(input.dtype).bits;
    const b = dataTypeInfo(to).bits;
    if (a === 0 || b === 0 || a !== b) {
      const what = `${dataTypeName(input.dtype)} (${a} bits) to ${dataTypeName(to)} (${b} bits)`;
      ctx.fail(`cannot bit-cast ${what}: widths must be equal and fixed`);
    }
  } else if (dataTypeInfo(to).bits === 0) {
    ctx.fail(`cannot bit-cast to ${dataTypeName(to)}: it has no fixed width`);
  }
  ctx.setOutputTensor(0, to, input?.shape);
};

registerShapeRules({ Cast: cast, CastLike: castLike, BitCast: bitCast });
