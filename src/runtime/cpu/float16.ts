/** IEEE half-precision <-> number, for float16 tensors stored as Uint16Array bit patterns. */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Round to nearest even, as hardware conversion does. */
export function floatToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  e = half >> 10;
  return sign | half;
}

export function halfArrayToFloat(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = halfToFloat(src[i]!);
  return out;
}

export function floatArrayToHalf(src: ArrayLike<number>, out: Uint16Array): Uint16Array {
  for (let i = 0; i < src.length; i++) out[i] = floatToHalf(src[i]!);
  return out;
}

/**
 * A double rounded once, to nearest even, to half precision (as numpy's float64 -> float16 astype).
 * floatToHalf goes through float32 first, which can round twice.
 */
export function doubleToHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a >= 65520) return sign | 0x7c00; // 65520 is halfway between 65504 (odd mantissa) and 2^16: rounds up
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const q = 2 ** (Math.max(e, -14) - 10);
  const n = a / q; // exact: a power-of-two scaling
  const f = Math.floor(n);
  const r = n - f > 0.5 || (n - f === 0.5 && f % 2 === 1) ? f + 1 : f; // units of q, at most 2048
  if (e < -14 || (e === -14 && r < 1024)) return sign | r; // subnormal (r = 1024 is the smallest normal)
  return r === 2048 ? sign | ((e + 16) << 10) : sign | ((e + 15) << 10) | (r - 1024);
}
