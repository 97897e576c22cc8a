/**
 * Linear (de)quantization. y keeps x's shape; the work is in the output dtype, which moved over the
 * opsets from fixed types to the zero point's type, the scale's type and the output_dtype attribute.
 */
import { DataType, dataTypeName, isKnownDataType } from '../../dtype.js';
import { formatShape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { normalizeAxis } from '../shape-utils.js';

/** output_dtype (opset 21+ QuantizeLinear, 23+ DequantizeLinear), or undefined when absent or 0. */
function outputDtypeAttr(ctx: InferContext): DataType | undefined {
  const v = ctx.attrInt('output_dtype', 0);
  if (v === 0) return undefined;
  if (!isKnownDataType(v)) ctx.fail(`output_dtype ${v} is not a known data type`);
  return v;
}

/** Types a schema's output may take (its type constraint's allowed types). */
function allowedOutputTypes(ctx: InferContext): readonly string[] {
  const param = ctx.schema.outputs[0]?.typeStr ?? '';
  return ctx.schema.typeConstraints.find((c) => c.typeParamStr === param)?.allowedTypeStrs ?? [param];
}

function checkAllowed(ctx: InferContext, dtype: DataType, source: string): void {
  const allowed = allowedOutputTypes(ctx);
  if (!allowed.includes(`tensor(${dataTypeName(dtype).toLowerCase()})`)) {
    ctx.fail(`output type ${dataTypeName(dtype)} (from ${source}) is not one of ${allowed.join(', ')}`);
  }
}

/**
 * The scale (and zero point) pick the granularity: a scalar is per tensor, a vector is per `axis` (its
 * length is x's dim there), and x's rank with block_size > 0 is blocked along `axis`.
 */
function checkScale(ctx: InferContext, scaleIdx: number): void {
  const x = ctx.inputTensor(0)?.shape;
  const scale = ctx.inputTensor(scaleIdx)?.shape;
  if (x === undefined || scale === undefined) return;
  const blockSize = ctx.attrInt('block_size', 0);
  if (blockSize < 0) ctx.fail(`block_size must not be negative, got ${blockSize}`);
  const isScalar = scale.length === 0 || (scale.length === 1 && scale[0] === 1);
  if (isScalar && blockSize === 0) return;
  if (x.length === 0) ctx.fail(`a scalar input needs a scalar scale, got ${formatShape(scale)}`);
  // A 1-D input is quantized per tensor whatever `axis` says, so only its scale's size could be checked.
  if (x.length === 1) return;
  const axis = normalizeAxis(ctx, ctx.attrInt('axis', 1), x.length);
  const dx = x[axis];
  if (blockSize > 0) {
    if (scale.length !== x.length) ctx.fail(`blocked quantization needs a scale of rank ${x.length}, got ${formatShape(scale)}`);
    const ds = scale[axis];
    if (typeof dx === 'number' && typeof ds === 'number' && ds !== Math.ceil(dx / blockSize)) {
      ctx.fail(`scale dim ${ds} along axis ${axis} must be ceil(${dx} / block_size ${blockSize}) = ${Math.ceil(dx / blockSize)}`);
    }
    return;
  }
  if (scale.length !== 1) ctx.fail(`scale must be a scalar or a vector (per-axis), got ${formatShape(scale)}`);
  const ds = scale[0];
  if (typeof dx === 'number' && typeof ds === 'number' && ds !== dx) {
    ctx.fail(`per-axis scale length ${ds} must equal input dim ${dx} along axis ${axis}`);
  }
}

/**
 * QuantizeLinear: y has the zero point's type; from opset 21 output_dtype may say it instead (and must
 * agree when both do); with neither, uint8.
 */
const quantizeLinear: ShapeRule = (ctx) => {
  const x = ctx.inputTensor(0);
  const zp = ctx.hasInput(2) ? ctx.inputType(2) : undefined;
  const zpType = zp?.kind === 'tensor' ? zp.dtype : undefined;
  const attrType = outputDtypeAttr(ctx);
  if (attrType !== undefined && zpType !== undefined && attrType !== zpType) {
    ctx.fail(`output_dtype ${dataTypeName(attrType)} differs from y_zero_point's type ${dataTypeName(zpType)}`);
  }
  if (attrType !== undefined) checkAllowed(ctx, attrType, 'output_dtype');
  checkScale(ctx, 1);
  // An optional zero point that is present but of unknown type leaves the output type unknown.
  const dtype = zpType ?? attrType ?? (ctx.hasInput(2) ? undefined : DataType.UINT8);
  if (dtype === undefined || x === undefined) return;
  ctx.setOutputTensor(0, dtype, x.shape);
};

/**
 * DequantizeLinear: float up to opset 18, then the scale's type; from opset 23 output_dtype may choose
 * another float type (and must when the scale is float8e8m0, which is no output type).
 */
const dequantizeLinear: ShapeRule = (ctx) => {
  const x = ctx.inputTensor(0);
  checkScale(ctx, 1);
  let dtype: DataType | undefined;
  if (ctx.schema.sinceVersion < 19) {
    dtype = DataType.FLOAT;
  } else {
    const attrType = outputDtypeAttr(ctx);
    if (attrType !== undefined) checkAllowed(ctx, attrType, 'output_dtype');
    dtype = attrType ?? ctx.inputTensor(1)?.dtype;
    if (dtype !== undefined && attrType === undefined) checkAllowed(ctx, dtype, 'x_scale');
  }
  if (dtype === undefined || x === undefined) return;
  ctx.setOutputTensor(0, dtype, x.shape);
};

/** y (uint8) keeps x's shape; y_scale (float) and y_zero_point (uint8) are scalars. */
const dynamicQuantizeLinear: ShapeRule = (ctx) => {
  ctx.setOutputTensor(0, DataType.UINT8, ctx.inputTensor(0)?.shape);
  if (ctx.hasOutput(1)) ctx.setOutputTensor(1, DataType.FLOAT, []);
  if (ctx.hasOutput(2)) ctx.setOutputTensor(2, DataType.UINT8, []);
};

registerShapeRules({
  QuantizeLinear: quantizeLinear,
  DequantizeLinear: dequantizeLinear,
  DynamicQuantizeLinear: dynamicQuantizeLinear,
});
