/**
 * Ops that make values: Constant, ConstantOfShape, Shape, Size, Range. These are the sources of data
 * propagation, so each records its values when they are known (Note [propagation limit] in util.ts).
 */
import { AttributeType } from '../../attribute.js';
import { DataType, dataTypeName } from '../../dtype.js';
import type { Dim } from '../../shape.js';
import type { SparseTensor, Tensor } from '../../tensor.js';
import type { ConstantData, InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { constantInts } from '../shape-utils.js';
import { MAX_PROPAGATED, inputLength, int64Data, setConstant, symbolicProduct, unknownDims } from './util.js';

/**
 * Dtypes whose Tensor.toArray() gives the values themselves (float16 and float8 give bit patterns, which
 * ConstantData does not carry), so their constants can be propagated.
 */
const PLAIN_DTYPES = new Set<DataType>([
  DataType.FLOAT, DataType.DOUBLE, DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16,
  DataType.INT32, DataType.UINT32, DataType.INT64, DataType.UINT64, DataType.BOOL,
  DataType.INT4, DataType.UINT4, DataType.INT2, DataType.UINT2,
]);

const isWide = (dtype: DataType): boolean => dtype === DataType.INT64 || dtype === DataType.UINT64;

/** A tensor's values as ConstantData, when small, loaded and of a plain dtype. */
export function tensorData(t: Tensor): ConstantData | undefined {
  if (!PLAIN_DTYPES.has(t.dtype) || t.size > MAX_PROPAGATED || !t.isLoaded) return undefined;
  const arr = t.toArray();
  const values = isWide(t.dtype) ? Array.from(arr as ArrayLike<bigint>) : Array.from(arr as ArrayLike<number>, Number);
  return { dtype: t.dtype, dims: [...t.dims], values: values as number[] | bigint[] };
}

/** A sparse tensor made dense: indices are [NNZ] linearised or [NNZ, rank] coordinates. */
function densify(sp: SparseTensor): ConstantData | undefined {
  const vals = tensorData(sp.values);
  const size = sp.dims.reduce((a, b) => a * b, 1);
  if (vals === undefined || size > MAX_PROPAGATED || !sp.indices.isLoaded) return undefined;
  const idx = Array.from(sp.indices.toArray() as ArrayLike<number | bigint>, Number);
  const nnz = vals.values.length;
  const perValue = nnz === 0 ? 1 : idx.length / nnz;
  const zero = isWide(vals.dtype) ? 0n : 0;
  const dense: (number | bigint)[] = new Array<number | bigint>(size).fill(zero);
  for (let k = 0; k < nnz; k++) {
    let flat = 0;
    for (let j = 0; j < perValue; j++) flat = perValue === 1 ? (idx[k] ?? 0) : flat * (sp.dims[j] ?? 1) + (idx[k * perValue + j] ?? 0);
    dense[flat] = (vals.values as readonly (number | bigint)[])[k] ?? zero;
  }
  return { dtype: vals.dtype, dims: [...sp.dims], values: dense as number[] | bigint[] };
}

const VALUE_ATTRS = ['value', 'sparse_value', 'value_float', 'value_floats', 'value_int', 'value_ints', 'value_string', 'value_strings'];

function constant(ctx: InferContext): void {
  const given = VALUE_ATTRS.filter((a) => ctx.hasAttr(a));
  if (given.length !== 1) ctx.fail(`exactly one value attribute must be set, got ${given.length ? given.join(', ') : 'none'}`);
  switch (given[0]) {
    case 'value': {
      const t = ctx.attr('value', AttributeType.TENSOR);
      if (t === undefined) return;
      ctx.setOutputTensor(0, t.dtype, [...t.dims]);
      return setConstant(ctx, 0, tensorData(t));
    }
    case 'sparse_value': {
      const sp = ctx.attr('sparse_value', AttributeType.SPARSE_TENSOR);
      if (sp === undefined) return;
      ctx.setOutputTensor(0, sp.values.dtype, [...sp.dims]);
      return setConstant(ctx, 0, densify(sp));
    }
    case 'value_float': {
      const v = ctx.attrFloat('value_float', 0);
      ctx.setOutputTensor(0, DataType.FLOAT, []);
      return setConstant(ctx, 0, { dtype: DataType.FLOAT, dims: [], values: [Math.fround(v)] });
    }
    case 'value_floats': {
      const v = ctx.attrFloats('value_floats', []);
      ctx.setOutputTensor(0, DataType.FLOAT, [v.length]);
      return setConstant(ctx, 0, { dtype: DataType.FLOAT, dims: [v.length], values: v.map(Math.fround) });
    }
    case 'value_int': {
      const v = ctx.attr('value_int', AttributeType.INT) ?? 0;
      ctx.setOutputTensor(0, DataType.INT64, []);
      return setConstant(ctx, 0, { dtype: DataType.INT64, dims: [], values: [BigInt(v)] });
    }
    case 'value_ints': {
      const v = ctx.attr('value_ints', AttributeType.INTS) ?? [];
      ctx.setOutputTensor(0, DataType.INT64, [v.length]);
      return setConstant(ctx, 0, { dtype: DataType.INT64, dims: [v.length], values: v.map((x) => BigInt(x)) });
    }
    case 'value_string':
      return ctx.setOutputTensor(0, DataType.STRING, []);
    case 'value_strings':
      return ctx.setOutputTensor(0, DataType.STRING, [ctx.attr('value_strings', AttributeType.STRINGS)?.length ?? null]);
  }
}

function constantOfShape(ctx: InferContext): void {
  const value = ctx.attr('value', AttributeType.TENSOR);
  if (value !== undefined && value.size !== 1) ctx.fail(`value must hold one element, got ${value.size}`);
  const dtype = value?.dtype ?? DataType.FLOAT;
  const dims = constantInts(ctx.inputConstant(0));
  if (dims === undefined) {
    const n = inputLength(ctx, 0);
    return ctx.setOutputTensor(0, dtype, n === undefined ? undefined : unknownDims(n));
  }
  if (dims.some((d) => d < 0)) ctx.fail(`shape [${dims.join(',')}] has a negative size`);
  ctx.setOutputTensor(0, dtype, dims);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_PROPAGATED) return;
  const fill = value === undefined ? 0 : tensorData(value)?.values[0];
  if (fill === undefined) return;
  setConstant(ctx, 0, { dtype, dims, values: new Array<number | bigint>(count).fill(fill) as number[] | bigint[] });
}

function shape(ctx: InferContext): void {
  const t = ctx.inputType(0);
  const s = t?.kind === 'tensor' || t?.kind === 'sparse_tensor' ? t.shape : undefined;
  if (s === undefined) return ctx.setOutputTensor(0, DataType.INT64, [null]);
  const r = s.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = ctx.schema.sinceVersion >= 15 ? clamp(ctx.attrInt('start', 0)) : 0;
  const end = ctx.schema.sinceVersion >= 15 ? clamp(ctx.attrInt('end', r)) : r;
  const dims: Dim[] = s.slice(start, Math.max(start, end));
  ctx.setOutputTensor(0, DataType.INT64, [dims.length]);
  if (dims.every((d) => typeof d === 'number')) setConstant(ctx, 0, int64Data([dims.length], dims as number[]));
}

function size(ctx: InferContext): void {
  ctx.setOutputTensor(0, DataType.INT64, []);
  const n = symbolicProduct(ctx.inputTensor(0)?.shape ?? [null]);
  if (typeof n === 'number') setConstant(ctx, 0, int64Data([], [n]));
}

function range(ctx: InferContext): void {
  const ts = [0, 1, 2].map((i) => ctx.inputTensor(i));
  const dtype = ts.find((t) => t !== undefined)?.dtype;
  if (dtype === undefined) return;
  ts.forEach((t, i) => {
    if (t !== undefined && t.dtype !== dtype) ctx.fail(`start, limit and delta must have one type, input ${i} is ${dataTypeName(t.dtype)}`);
    const n = t?.shape === undefined ? undefined : symbolicProduct(t.shape);
    if (typeof n === 'number' && n !== 1) ctx.fail(`input ${i} must be a scalar, got ${n} elements`);
  });
  const [start, limit, delta] = [0, 1, 2].map((i) => constantInts(ctx.inputConstant(i))?.[0]);
  if (start === undefined || limit === undefined || delta === undefined) return ctx.setOutputTensor(0, dtype, [null]);
  if (delta === 0) ctx.fail('delta is 0');
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  ctx.setOutputTensor(0, dtype, [n]);
  if (n > MAX_PROPAGATED || !PLAIN_DTYPES.has(dtype)) return;
  const values = Array.from({ length: n }, (_, k) => start + k * delta);
  const data = isWide(dtype) ? values.map((v) => BigInt(v)) : dtype === DataType.FLOAT ? values.map(Math.fround) : values;
  setConstant(ctx, 0, { dtype, dims: [n], values: data as number[] | bigint[] });
}

registerShapeRules({ Constant: constant, ConstantOfShape: constantOfShape, Shape: shape, Size: size, Range: range });
