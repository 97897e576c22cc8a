/**
 * Helpers of the math family that other families may want too: the two non-numpy broadcasting forms
 * (ONNX's unidirectional broadcast and the legacy `broadcast`/`axis` attributes of opsets < 7), dtype
 * picking for ops whose inputs share one type parameter, and exact integer values of constants for
 * data propagation.
 */
import { DataType, dataTypeInfo, dataTypeName, isKnownDataType } from '../../dtype.js';
import type { Dim, Shape } from '../../shape.js';
import { formatShape } from '../../shape.js';
import type { ConstantData, InferContext } from '../infer-context.js';
import { allowedTypes } from '../registry.js';
import { mergeDim } from '../shape-utils.js';

/**
 * The element type shared by inputs bound to one type parameter: the first known one. Two different
 * known types fail (the schema binds them to the same T).
 */
export function sharedDtype(ctx: InferContext, inputs: readonly number[]): DataType | undefined {
  let found: DataType | undefined;
  let from = -1;
  for (const i of inputs) {
    const t = ctx.inputTensor(i);
    if (t === undefined || t.dtype === DataType.UNDEFINED) continue;
    if (found === undefined) {
      found = t.dtype;
      from = i;
    } else if (t.dtype !== found) {
      ctx.fail(`inputs ${from} and ${i} must have the same element type, got ${dataTypeName(found)} and ${dataTypeName(t.dtype)}`);
    }
  }
  return found;
}

/** Merges shapes that the spec requires to be equal (e.g. Max/Sum before opset 8); fails on a mismatch. */
export function equalShapes(ctx: InferContext, shapes: readonly (Shape | undefined)[]): Shape | undefined {
  let out: Dim[] | undefined;
  let first: Shape | undefined;
  for (const s of shapes) {
    if (s === undefined) continue;
    if (out === undefined || first === undefined) {
      out = [...s];
      first = s;
      continue;
    }
    if (s.length !== out.length) ctx.fail(`inputs must have the same shape, got ${formatShape(first)} and ${formatShape(s)}`);
    for (let k = 0; k < s.length; k++) {
      const a = out[k] ?? null;
      const b = s[k] ?? null;
      if (typeof a === 'number' && typeof b === 'number' && a !== b) {
        ctx.fail(`inputs must have the same shape, got ${formatShape(first)} and ${formatShape(s)}`);
      }
      out[k] = mergeDim(a, b);
    }
  }
  return out;
}

/**
 * ONNX unidirectional broadcasting (PRelu's slope, Expand-like cases): `b` must broadcast to `a`, and the
 * result has `a`'s shape, refined where `a` has an unknown dim and `b` a known one larger than 1.
 */
export function unidirectionalBroadcast(
  ctx: InferContext,
  a: Shape | undefined,
  b: Shape | undefined,
  what = 'input 1',
): Shape | undefined {
  if (a === undefined || b === undefined) return a;
  if (b.length > a.length) ctx.fail(`${what} ${formatShape(b)} has a higher rank than ${formatShape(a)} and cannot broadcast to it`);
  const off = a.length - b.length;
  return a.map((d, k) => {
    if (k < off) return d;
    const e = b[k - off] ?? null;
    if (typeof e !== 'number' || e === 1) return d;
    if (typeof d === 'number') {
      if (d !== e) ctx.fail(`${what} ${formatShape(b)} cannot broadcast to ${formatShape(a)}: ${e} vs ${d}`);
      return d;
    }
    return e;
  });
}

/**
 * The limited broadcasting of Add/Sub/Mul/Div/Pow/logic/comparison ops before opset 7: without
 * `broadcast=1` both shapes must be equal; with it, B is a single element or matches a contiguous run of
 * A's dims starting at `axis` (suffix matching when `axis` is absent). The output always has A's shape.
 */
export function legacyBroadcast(ctx: InferContext): Shape | undefined {
  const a = ctx.inputTensor(0)?.shape;
  const b = ctx.inputTensor(1)?.shape;
  if (ctx.attrInt('broadcast', 0) === 0) return equalShapes(ctx, [a, b]);
  if (a === undefined || b === undefined) return a;
  if (b.length > a.length) ctx.fail(`B ${formatShape(b)} has a higher rank than A ${formatShape(a)} (legacy broadcast)`);
  if (b.every((d) => d === 1)) return a;
  const start = ctx.hasAttr('axis') ? ctx.attrInt('axis', 0) : a.length - b.length;
  const s = start < 0 ? start + a.length : start;
  if (s < 0 || s + b.length > a.length) {
    ctx.fail(`axis ${start} leaves no room for B ${formatShape(b)} inside A ${formatShape(a)} (legacy broadcast)`);
  }
  const out = [...a];
  b.forEach((e, k) => {
    const d = a[s + k] ?? null;
    if (typeof d === 'number' && typeof e === 'number' && d !== e && e !== 1) {
      ctx.fail(`B ${formatShape(b)} does not match A ${formatShape(a)} at axis ${s + k}: ${e} vs ${d} (legacy broadcast)`);
    }
    if (typeof d !== 'number' && typeof e === 'number' && e !== 1) out[s + k] = e;
  });
  return out;
}

/**
 * Checks an input that the spec makes a 0-D integer tensor (CumSum's axis, Trilu's k). A 1-D tensor of
 * one element is accepted too, as runtimes do.
 */
export function checkScalarInt(ctx: InferContext, i: number, what: string, dtypes: readonly DataType[]): void {
  const t = ctx.inputTensor(i);
  if (t === undefined) return;
  if (t.dtype !== DataType.UNDEFINED && !dtypes.includes(t.dtype)) {
    ctx.fail(`${what} must be ${dtypes.map(dataTypeName).join(' or ')}, got ${dataTypeName(t.dtype)}`);
  }
  const s = t.shape;
  if (s !== undefined && (s.length > 1 || (s.length === 1 && typeof s[0] === 'number' && s[0] !== 1))) {
    ctx.fail(`${what} must be a scalar, got shape ${formatShape(s)}`);
  }
}

/** The `dtype` attribute of EyeLike/Bernoulli/Random*: `fallback` when absent (the input's type). */
export function dtypeAttrOr(ctx: InferContext, fallback: DataType | undefined): DataType | undefined {
  const d = ctx.attrInt('dtype');
  if (d === undefined) return fallback;
  if (!isKnownDataType(d)) ctx.fail(`attribute dtype is not a known data type: ${d}`);
  const allowed = allowedTypes(ctx.schema, 'output', 0);
  if (allowed !== undefined && !allowed.has(dataTypeInfo(d).typeStr)) {
    ctx.fail(`attribute dtype ${dataTypeName(d)} is not allowed here (allowed: ${[...allowed].join(', ')})`);
  }
  return d;
}

// ---- Exact integer values for data propagation ----

/**
 * The most elements a propagated constant may have; results past it are simply not recorded. Same
 * figure as the engine's own limit on the constants it offers (src/ir/infer/constant-data.ts).
 */
export const MAX_PROPAGATED_ELEMENTS = 4096;

const INT_WIDTH: ReadonlyMap<DataType, readonly [bits: number, signed: boolean]> = new Map([
  [DataType.INT8, [8, true]],
  [DataType.UINT8, [8, false]],
  [DataType.INT16, [16, true]],
  [DataType.UINT16, [16, false]],
  [DataType.INT32, [32, true]],
  [DataType.UINT32, [32, false]],
  [DataType.INT64, [64, true]],
  [DataType.UINT64, [64, false]],
  [DataType.BOOL, [1, false]],
]);

/** Integer dtypes (BOOL counted as 0/1) whose constants we evaluate exactly. */
export function isExactIntDtype(dtype: DataType): boolean {
  return INT_WIDTH.has(dtype);
}

/** `v` wrapped into `dtype` the way a fixed-point Cast does (drop the high bits, two's complement). */
export function wrapInt(v: bigint, dtype: DataType): bigint | undefined {
  const w = INT_WIDTH.get(dtype);
  if (w === undefined) return undefined;
  if (dtype === DataType.BOOL) return v === 0n ? 0n : 1n;
  return w[1] ? BigInt.asIntN(w[0], v) : BigInt.asUintN(w[0], v);
}

/** True when `v` is representable in the integer dtype without wrapping. */
export function fitsInt(v: bigint, dtype: DataType): boolean {
  const w = INT_WIDTH.get(dtype);
  if (w === undefined) return false;
  return wrapInt(v, dtype) === v;
}

/** The values of an integer (or BOOL) constant as bigints; undefined for any other dtype. */
export function intValues(data: ConstantData | undefined): bigint[] | undefined {
  if (data === undefined || !isExactIntDtype(data.dtype)) return undefined;
  const out: bigint[] = [];
  for (const v of data.values as readonly (number | bigint)[]) {
    if (typeof v === 'bigint') out.push(v);
    else if (Number.isSafeInteger(v)) out.push(BigInt(v));
    else return undefined;
  }
  return out;
}

/**
 * Builds the ConstantData of an integer result in the convention of ConstantData (INT64/UINT64 as bigints,
 * other dtypes as numbers); undefined when a value does not fit `dtype` (overflow is not evaluated).
 */
export function intConstant(dtype: DataType, dims: readonly number[], values: readonly bigint[]): ConstantData | undefined {
  if (!values.every((v) => fitsInt(v, dtype))) return undefined;
  const big = dtype === DataType.INT64 || dtype === DataType.UINT64;
  return { dtype, dims: [...dims], values: big ? [...values] : values.map((v) => Number(v)) };
}

/** Numpy broadcast of static dims; undefined when they do not broadcast. */
export function broadcastStatic(shapes: readonly (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let k = 0; k < rank; k++) {
    let d = 1;
    for (const s of shapes) {
      const e = s[s.length - rank + k] ?? 1;
      if (e === 1) continue;
      if (d !== 1 && d !== e) return undefined;
      d = e;
    }
    out.push(d);
  }
  return out;
}

/**
 * Applies `fn` elementwise over numpy-broadcast integer inputs. Undefined when the result would be too
 * large or `fn` declines an element (division by zero, say).
 */
export function mapBroadcast(
  inputs: readonly { dims: readonly number[]; values: readonly bigint[] }[],
  fn: (xs: bigint[]) => bigint | undefined,
): { dims: number[]; values: bigint[] } | undefined {
  const dims = broadcastStatic(inputs.map((x) => x.dims));
  if (dims === undefined) return undefined;
  const count = dims.reduce((p, d) => p * d, 1);
  if (count > MAX_PROPAGATED_ELEMENTS) return undefined;
  // Per input, the stride of each output axis (0 where the input broadcasts along it).
  const strides = inputs.map((x) => {
    const st = new Array<number>(dims.length).fill(0);
    let acc = 1;
    for (let k = x.dims.length - 1; k >= 0; k--) {
      const d = x.dims[k]!;
      if (d !== 1) st[dims.length - x.dims.length + k] = acc;
      acc *= d;
    }
    return st;
  });
  const values: bigint[] = [];
  const idx = new Array<number>(dims.length).fill(0);
  for (let n = 0; n < count; n++) {
    const xs = inputs.map((x, j) => {
      let off = 0;
      for (let k = 0; k < dims.length; k++) off += idx[k]! * strides[j]![k]!;
      return x.values[off]!;
    });
    const v = fn(xs);
    if (v === undefined) return undefined;
    values.push(v);
    for (let k = dims.length - 1; k >= 0; k--) {
      if (++idx[k]! < dims[k]!) break;
      idx[k] = 0;
    }
  }
  return { dims, values };
}
