/** Cast, CastLike and Range. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { isBigType, tensorTypeOf, type Tensor, type TensorType } from '../../../tensor.js';
import { type E8m0RoundMode, floatToLowp, isLowpFloatType } from '../../lowp.js';
import { numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

const ROUND_MODES: readonly string[] = ['up', 'down', 'nearest'];

/**
 * `saturate` (Cast/CastLike 19+) applies to float8 targets only; ONNX's default is 1. `round_mode` (24+)
 * applies to float8e8m0 targets only; its default is "up".
 */
function castTo(ctx: KernelContext, x: Tensor, to: TensorType, saturate = ctx.attrs.int('saturate', 1) !== 0): void {
  const out = ctx.output(0, x.dims, to);
  const n = x.size;
  if (to === 'string') {
    const src = x.type === 'string' ? (x.data as string[]) : Array.from(numbersOf(x), (v) => formatFloat(v));
    for (let i = 0; i < n; i++) (out.data as string[])[i] = String(src[i]);
    return;
  }
  if (x.type === 'string') {
    const vals = scratchFor(to, n);
    (x.data as string[]).forEach((s, i) => (vals[i] = parseFloat(s)));
    if (isBigType(to)) (x.data as string[]).forEach((s, i) => ((out.data as BigInt64Array)[i] = BigInt(s)));
    else storeNumbers(vals, out);
    return;
  }
  if (isBigType(to) && isBigType(x.type)) {
    const src = x.data as BigInt64Array;
    const dst = out.data as BigInt64Array;
    for (let i = 0; i < n; i++) dst[i] = to === 'uint64' ? BigInt.asUintN(64, src[i]!) : BigInt.asIntN(64, src[i]!);
    return;
  }
  const src = numbersOf(x);
  if (to === 'bool') {
    for (let i = 0; i < n; i++) (out.data as Uint8Array)[i] = src[i] ? 1 : 0;
    return;
  }
  if (isBigType(to)) {
    const dst = out.data as BigInt64Array;
    for (let i = 0; i < n; i++) {
      const v = src[i]!;
      dst[i] = Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
    }
    if (to === 'uint64') for (let i = 0; i < n; i++) dst[i] = BigInt.asUintN(64, dst[i]!);
    return;
  }
  if (isLowpFloatType(to)) {
    const mode = to === 'float8e8m0' ? ctx.attrs.string('round_mode', 'up') : 'up';
    if (!ROUND_MODES.includes(mode)) throw ctx.error(`round_mode ${JSON.stringify(mode)} is not one of up, down, nearest`);
    floatToLowp(to, src, out.data as Uint8Array | Uint16Array, saturate, mode as E8m0RoundMode);
    return;
  }
  const bits = to === 'int4' || to === 'uint4' ? 4 : to === 'int2' || to === 'uint2' ? 2 : 0;
  if (bits > 0) {
    // As numpy/ml_dtypes astype: truncate toward zero, then wrap to 4 or 2 bits (NaN and infinities give 0).
    const dst = out.data as Int8Array | Uint8Array;
    const mask = (1 << bits) - 1;
    const top = 1 << (bits - 1);
    const signed = to === 'int4' || to === 'int2';
    for (let i = 0; i < n; i++) {
      const v = src[i]!;
      const w = Number.isFinite(v) ? Math.trunc(v) & mask : 0;
      dst[i] = signed ? (w ^ top) - top : w;
    }
    return;
  }
  const vals = scratchFor(to, n);
  for (let i = 0; i < n; i++) vals[i] = src[i]!;
  storeNumbers(vals, out);
}

function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'INF' : '-INF';
  return String(v);
}

function cast(ctx: KernelContext): void {
  const to = tensorTypeOf(ctx.attrs.int('to'));
  if (to === undefined) throw ctx.error(`Cast to data type ${ctx.attrs.int('to')} is not supported yet`);
  castTo(ctx, ctx.input(0), to);
}

function range(ctx: KernelContext): void {
  const [start, limit, delta] = [0, 1, 2].map((i) => ctx.input(i));
  const type = start!.type;
  if (isBigType(type)) {
    const s = (start!.data as BigInt64Array)[0]!;
    const l = (limit!.data as BigInt64Array)[0]!;
    const d = (delta!.data as BigInt64Array)[0]!;
    const n = Math.max(0, Math.ceil(Number(l - s) / Number(d)));
    const out = ctx.output(0, [n], type);
    for (let i = 0; i < n; i++) (out.data as BigInt64Array)[i] = s + BigInt(i) * d;
    return;
  }
  const s = numbersOf(start!)[0]!;
  const d = numbersOf(delta!)[0]!;
  const n = Math.max(0, Math.ceil((numbersOf(limit!)[0]! - s) / d));
  const out = ctx.output(0, [n], type);
  const vals = scratchFor(type, n);
  for (let i = 0; i < n; i++) vals[i] = s + i * d;
  storeNumbers(vals, out);
}

export const castKernels: KernelTable = {
  Cast: cast,
  CastLike: (ctx: KernelContext) => castTo(ctx, ctx.input(0), ctx.input(1).type),
  Range: range,
};
