/**
 * Moving between a tensor's storage and plain numbers: float16 bit patterns decode to floats, 64-bit
 * integers to doubles (kernels that must stay exact on int64 use the bigint data directly).
 */
import { allocData, isBigType, Tensor, type NumericData, type TensorType } from '../tensor.js';
import { floatArrayToHalf, halfArrayToFloat } from './float16.js';
import { floatToLowp, isLowpFloatType, lowpToFloat } from './lowp.js';

/** The values of a numeric tensor as numbers (a view when the storage already is numbers). */
export function numbersOf(t: Tensor): ArrayLike<number> & { length: number } {
  if (t.type === 'float16') return halfArrayToFloat(t.data as Uint16Array);
  if (isLowpFloatType(t.type)) return lowpToFloat(t.type, t.data as Uint8Array | Uint16Array);
  if (isBigType(t.type)) return Float64Array.from(t.data as BigInt64Array, Number);
  if (t.type === 'string') throw new Error('string tensor where numbers were expected');
  return t.data as Exclude<NumericData, BigInt64Array | BigUint64Array>;
}

/** A number-valued scratch array for results of `type`: write numbers into it, then `storeNumbers`. */
export function scratchFor(type: TensorType, n: number): Float32Array | Float64Array | Exclude<NumericData, BigInt64Array | BigUint64Array> {
  if (type === 'float16' || isLowpFloatType(type)) return new Float32Array(n);
  if (isBigType(type)) return new Float64Array(n);
  return allocData(type, n) as Float32Array;
}

/** Copies number results into `out` (converting for float16 and 64-bit integers); no-op if `src` is out's data. */
export function storeNumbers(src: ArrayLike<number>, out: Tensor): void {
  const d = out.data;
  if (src === d) return;
  if (out.type === 'float16') floatArrayToHalf(src, d as Uint16Array);
  else if (isLowpFloatType(out.type)) floatToLowp(out.type, src, d as Uint8Array | Uint16Array);
  else if (out.type === 'int64' || out.type === 'uint64') {
    const b = d as BigInt64Array;
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      b[i] = Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
    }
  } else (d as Float32Array).set(src as ArrayLike<number>);
}

/** A tensor of `type` made from numbers (float16 and int64 converted). */
export function tensorFromNumbers(type: TensorType, dims: readonly number[], values: ArrayLike<number>): Tensor {
  const t = new Tensor(type, allocData(type, values.length), dims);
  storeNumbers(values, t);
  return t;
}

/** Integer tensor values (shape-like inputs: axes, pads, starts) as numbers. */
export function intsOf(t: Tensor): number[] {
  const d = t.data as ArrayLike<number | bigint>;
  const n = d.length;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = Number(d[i]!);
  return out;
}

/**
 * Whether `type`'s storage holds its values as plain numbers (float32/64, the 8-32 bit integers, bool), so
 * kernels can read and write the data arrays directly instead of going through `numbersOf`/`storeNumbers`.
 */
export function isNumberStorage(type: TensorType): boolean {
  return type !== 'float16' && type !== 'string' && !isBigType(type) && !isLowpFloatType(type);
}

export function isIntegerType(type: TensorType): boolean {
  return type !== 'float32' && type !== 'float64' && type !== 'float16' && !isLowpFloatType(type) && type !== 'string' && type !== 'bool';
}
