/**
 * Linear quantization: QuantizeLinear / DequantizeLinear (per-tensor, per-axis and blocked scales),
 * DynamicQuantizeLinear, MatMulInteger and QLinearMatMul. Arithmetic follows onnxruntime: float32
 * products and quotients (Math.fround), round half to even, saturation to the integer type's range.
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import type { Tensor, TensorType } from '../../../tensor.js';
import { broadcastShape, stridesOf } from '../../broadcast.js';
import { numbersOf, storeNumbers } from '../../numeric.js';
import { convIntegerKernels } from './conv-integer.js';
import { clampTo, RANGES, roundEven } from './rounding.js';
import { type ByteFloatType, isLowpFloatType, numberToLowp } from '../../lowp.js';

/** The float8 kinds and float4e2m1: quantized values that are floats, not integers. */
function isByteFloat(type: TensorType): type is ByteFloatType {
  return type !== 'bfloat16' && isLowpFloatType(type);
}

/**
 * For each element of `dims`, the index into a scale/zero-point tensor of `sdims`: a scalar (per-tensor),
 * a 1-D tensor along `axis` (per-axis), or the same rank with `dims[axis]` split into blocks (blocked).
 */
function paramIndex(ctx: KernelContext, dims: readonly number[], sdims: readonly number[], axisAttr: number, blockSize: number): (i: number) => number {
  const ssize = sdims.reduce((p, q) => p * q, 1);
  if (sdims.length === 0 || (ssize === 1 && blockSize === 0)) return () => 0;
  const axis = axisAttr < 0 ? axisAttr + dims.length : axisAttr;
  const d = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((p, q) => p * q, 1);
  if (sdims.length === 1 && blockSize === 0) {
    if (sdims[0] !== d) throw ctx.error(`per-axis scale of ${sdims[0]} elements for axis of ${d}`);
    return (i) => Math.floor(i / inner) % d;
  }
  if (blockSize <= 0) throw ctx.error('blocked quantization needs block_size > 0');
  const db = sdims[axis]!;
  if (sdims.length !== dims.length || db !== Math.ceil(d / blockSize)) throw ctx.error(`blocked scale dims [${sdims.join(',')}] do not fit [${dims.join(',')}]`);
  return (i) => {
    const r = i % inner;
    const q = Math.floor(i / inner);
    const a = q % d;
    const o = Math.floor(q / d);
    return (o * db + Math.floor(a / blockSize)) * inner + r;
  };
}

const OUTPUT_DTYPES: Record<number, TensorType> = {
  2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 17: 'float8e4m3fn', 18: 'float8e4m3fnuz', 19: 'float8e5m2', 20: 'float8e5m2fnuz', 21: 'uint4', 22: 'int4',
  23: 'float4e2m1', 25: 'uint2', 26: 'int2',
};

function quantizeLinear(ctx: KernelContext): void {
  const X = ctx.input(0);
  const S = ctx.input(1);
  const Z = ctx.optionalInput(2);
  const odt = ctx.attrs.int('output_dtype', 0);
  const type: TensorType = Z ? Z.type : odt !== 0 ? OUTPUT_DTYPES[odt] ?? 'string' : 'uint8';
  const f8 = isByteFloat(type);
  if (type === 'float8e8m0' || (!f8 && (RANGES[type] === undefined || type === 'int32'))) throw ctx.error(`QuantizeLinear to ${type} is not supported`);
  const idx = paramIndex(ctx, X.dims, S.dims, ctx.attrs.int('axis', 1), ctx.attrs.int('block_size', 0));
  const x = numbersOf(X);
  const s = numbersOf(S);
  const z = Z ? numbersOf(Z) : undefined;
  const out = ctx.output(0, X.dims, type);
  const y = out.data as Uint8Array;
  if (f8) {
    // float8/float4: no rounding to integers; x / scale + zero point, then a saturating (or not, float8
    // only) cast. float4e2m1 always saturates (Note [float4e2m1 encoding]).
    const saturate = ctx.attrs.int('saturate', 1) !== 0;
    for (let i = 0; i < x.length; i++) {
      const k = idx(i);
      y[i] = numberToLowp(type, Math.fround(Math.fround(x[i]! / s[k]!) + (z ? z[k]! : 0)), saturate);
    }
    return;
  }
  for (let i = 0; i < x.length; i++) {
    const k = idx(i);
    y[i] = clampTo(type, roundEven(Math.fround(x[i]! / s[k]!)) + (z ? z[k]! : 0));
  }
}

function dequantizeLinear(ctx: KernelContext): void {
  const X = ctx.input(0);
  const S = ctx.input(1);
  const Z = ctx.optionalInput(2);
  if (RANGES[X.type] === undefined && !isByteFloat(X.type)) throw ctx.error(`DequantizeLinear of ${X.type} is not supported`);
  const idx = paramIndex(ctx, X.dims, S.dims, ctx.attrs.int('axis', 1), ctx.attrs.int('block_size', 0));
  const x = numbersOf(X);
  const s = numbersOf(S);
  const z = Z ? numbersOf(Z) : undefined;
  const out = ctx.output(0, X.dims, S.type);
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const k = idx(i);
    y[i] = (x[i]! - (z ? z[k]! : 0)) * s[k]!;
  }
  storeNumbers(y, out);
}

function dynamicQuantizeLinear(ctx: KernelContext): void {
  const X = ctx.input(0);
  const x = numbersOf(X);
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = Math.fround((hi - lo) / 255);
  const zp = scale === 0 ? 0 : clampTo('uint8', roundEven(Math.fround(0 - Math.fround(lo / scale))));
  const y = ctx.output(0, X.dims, 'uint8').data as Uint8Array;
  for (let i = 0; i < x.length; i++) y[i] = scale === 0 ? zp : clampTo('uint8', roundEven(Math.fround(x[i]! / scale)) + zp);
  (ctx.output(1, [], 'float32').data as Float32Array)[0] = scale;
  (ctx.output(2, [], 'uint8').data as Uint8Array)[0] = zp;
}

/**
 * Batched integer matrix product with numpy broadcasting of the batch dims: returns the int32 accumulators
 * of (a - za) x (b - zb), where za is per-tensor or per-row of A and zb per-tensor or per-column of B.
 */
function integerMatmul(ctx: KernelContext, A: Tensor, B: Tensor, ZA: Tensor | undefined, ZB: Tensor | undefined): { dims: number[]; acc: Float64Array; m: number; n: number } {
  const aDims = A.dims.length === 1 ? [1, A.dims[0]!] : [...A.dims];
  const bDims = B.dims.length === 1 ? [B.dims[0]!, 1] : [...B.dims];
  const m = aDims[aDims.length - 2]!;
  const k = aDims[aDims.length - 1]!;
  const n = bDims[bDims.length - 1]!;
  if (bDims[bDims.length - 2] !== k) throw ctx.error(`inner dims differ: [${A.dims.join(',')}] x [${B.dims.join(',')}]`);
  const batch = broadcastShape(aDims.slice(0, -2), bDims.slice(0, -2));
  if (!batch) throw ctx.error('batch dims do not broadcast');
  const total = batch.reduce((p, q) => p * q, 1);
  const a = numbersOf(A);
  const b = numbersOf(B);
  const za = ZA ? numbersOf(ZA) : [0];
  const zb = ZB ? numbersOf(ZB) : [0];
  const aBatch = a.length / (m * k);
  const bBatch = b.length / (k * n);
  // Zero points subtracted once: per tensor, per row of A (m or all rows), per column of B (n or all).
  const ad = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const row = Math.floor(i / k);
    ad[i] = a[i]! - (za.length === 1 ? za[0]! : za.length === m ? za[row % m]! : za[row]!);
  }
  const bd = new Float64Array(b.length);
  for (let i = 0; i < b.length; i++) {
    const col = i % n;
    const mat = Math.floor(i / (k * n));
    bd[i] = b[i]! - (zb.length === 1 ? zb[0]! : zb.length === n ? zb[col]! : zb[mat * n + col]!);
  }
  const ao = batchOffsets(batch, aDims.slice(0, -2), aBatch);
  const bo = batchOffsets(batch, bDims.slice(0, -2), bBatch);
  const acc = new Float64Array(total * m * n);
  for (let t = 0; t < total; t++) {
    const aBase = ao[t]! * m * k;
    const bBase = bo[t]! * k * n;
    const cBase = t * m * n;
    for (let i = 0; i < m; i++)
      for (let p = 0; p < k; p++) {
        const av = ad[aBase + i * k + p]!;
        if (av === 0) continue;
        for (let j = 0; j < n; j++) acc[cBase + i * n + j] = acc[cBase + i * n + j]! + av * bd[bBase + p * n + j]!;
      }
  }
  const dims = [...batch, m, n];
  if (A.dims.length === 1) dims.splice(dims.length - 2, 1);
  if (B.dims.length === 1) dims.splice(dims.length - 1, 1);
  return { dims, acc, m, n };
}

/** For each broadcast batch index, the matrix index in an operand with batch dims `bd`. */
function batchOffsets(batch: readonly number[], bd: readonly number[], count: number): Int32Array {
  const total = batch.reduce((p, q) => p * q, 1);
  const offs = new Int32Array(total);
  if (count === 1) return offs;
  const s = stridesOf(bd);
  for (let t = 0; t < total; t++) {
    let rem = t;
    let off = 0;
    for (let d = batch.length - 1; d >= 0; d--) {
      const c = rem % batch[d]!;
      rem = Math.floor(rem / batch[d]!);
      const j = d - (batch.length - bd.length);
      if (j >= 0 && bd[j]! !== 1) off += c * s[j]!;
    }
    offs[t] = off;
  }
  return offs;
}

function matMulInteger(ctx: KernelContext): void {
  const { dims, acc } = integerMatmul(ctx, ctx.input(0), ctx.input(1), ctx.optionalInput(2), ctx.optionalInput(3));
  (ctx.output(0, dims, 'int32').data as Int32Array).set(acc);
}

function qlinearMatMul(ctx: KernelContext): void {
  const A = ctx.input(0);
  const B = ctx.input(3);
  const as = numbersOf(ctx.input(1));
  const bs = numbersOf(ctx.input(4));
  const ys = numbersOf(ctx.input(6));
  const YZ = ctx.optionalInput(7);
  const type = YZ ? YZ.type : A.type;
  const yz = YZ ? numbersOf(YZ)[0]! : 0;
  const { dims, acc, m, n } = integerMatmul(ctx, A, B, ctx.input(2), ctx.input(5));
  const y = ctx.output(0, dims, type).data as Uint8Array;
  for (let i = 0; i < acc.length; i++) {
    const row = Math.floor(i / n);
    const sa = as.length === 1 ? as[0]! : as[row % m]!;
    const sb = bs.length === 1 ? bs[0]! : bs[i % n]!;
    const mult = Math.fround(Math.fround(sa * sb) / ys[0]!);
    y[i] = clampTo(type, roundEven(Math.fround(acc[i]! * mult)) + yz);
  }
}

export const quantKernels: KernelTable = {
  QuantizeLinear: quantizeLinear,
  DequantizeLinear: dequantizeLinear,
  DynamicQuantizeLinear: dynamicQuantizeLinear,
  MatMulInteger: matMulInteger,
  QLinearMatMul: qlinearMatMul,
  ...convIntegerKernels,
};
