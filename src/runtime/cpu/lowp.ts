/**
 * Low-precision floats <-> number, for tensors stored as bit patterns: bfloat16 in a Uint16Array, the
 * four float8 kinds, float8e8m0 and float4e2m1 in a Uint8Array. Encoding rounds to nearest even. For float8, `saturate` follows the
 * ONNX Cast attribute: true clamps out-of-range values (infinities included) to the largest finite value;
 * false gives NaN (or infinity for e5m2, the only kind that has one). NaN stays NaN; the `fnuz` kinds
 * have no negative zero and a single NaN (0x80). float4e2m1 and float8e8m0 have rules of their own
 * (Note [float4e2m1 encoding], Note [float8e8m0 encoding]).
 */
export type Float8Type = 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz';
/** The byte-stored float kinds: the four float8 kinds (with `saturate`), float8e8m0 and float4e2m1. */
export type ByteFloatType = Float8Type | 'float8e8m0' | 'float4e2m1';
export type LowpFloatType = 'bfloat16' | ByteFloatType;
/** Cast's `round_mode` (opset 24+), used by float8e8m0 targets only. */
export type E8m0RoundMode = 'up' | 'down' | 'nearest';

interface Float8Kind {
  readonly mant: number; // mantissa bits
  readonly bias: number;
  readonly max: number; // largest finite value
  readonly uz: boolean; // unsigned zero: 0x80 is the one NaN
  readonly inf: boolean; // has infinities (e5m2)
}

const KINDS: Record<Float8Type, Float8Kind> = {
  float8e4m3fn: { mant: 3, bias: 7, max: 448, uz: false, inf: false },
  float8e4m3fnuz: { mant: 3, bias: 8, max: 240, uz: true, inf: false },
  float8e5m2: { mant: 2, bias: 15, max: 57344, uz: false, inf: true },
  float8e5m2fnuz: { mant: 2, bias: 16, max: 57344, uz: true, inf: false },
};

export function isLowpFloatType(type: string): type is LowpFloatType {
  return type === 'bfloat16' || type === 'float8e8m0' || type === 'float4e2m1' || type in KINDS;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function bfloat16ToFloat(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0]!;
}

/** Round to nearest even; NaN keeps its sign and becomes quiet. */
export function floatToBfloat16(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  if (Number.isNaN(v)) return (x >>> 16) | 0x40;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

export function float8ToFloat(type: Float8Type, code: number): number {
  const k = KINDS[type];
  const sign = code & 0x80 ? -1 : 1;
  const body = code & 0x7f;
  if (k.uz) {
    if (code === 0x80) return NaN;
  } else if (k.inf) {
    if (body >= 0x7c) return body === 0x7c ? sign * Infinity : NaN;
  } else if (body === 0x7f) return NaN;
  const e = body >> k.mant;
  const m = body & ((1 << k.mant) - 1);
  if (e === 0) return sign * m * 2 ** (1 - k.bias - k.mant);
  return sign * (1 + m / (1 << k.mant)) * 2 ** (e - k.bias);
}

export function floatToFloat8(type: Float8Type, v: number, saturate = true): number {
  const k = KINDS[type];
  const sign = v < 0 || Object.is(v, -0) ? 0x80 : 0;
  const nan = k.uz ? 0x80 : sign | (k.inf ? 0x7e : 0x7f);
  if (Number.isNaN(v)) return nan;
  let a = Math.abs(v);
  if (saturate && a > k.max) a = k.max;
  const overflow = k.inf ? sign | 0x7c : nan;
  if (a === Infinity) return overflow;
  const r = roundToGrid(a, k.mant, k.bias);
  if (r > k.max) return overflow;
  if (r === 0) return k.uz ? 0 : sign;
  return sign | magnitudeCode(r, k.mant, k.bias);
}

/** `a` (finite, >= 0) rounded half to even onto the grid of a float with `mant` mantissa bits and `bias`. */
function roundToGrid(a: number, mant: number, bias: number): number {
  const e = Math.max(exponentOf(a), 1 - bias);
  const q = 2 ** (e - mant);
  return roundHalfEven(a / q) * q;
}

/** The exponent and mantissa bits of `r` > 0, a value on the grid of `roundToGrid`. */
function magnitudeCode(r: number, mant: number, bias: number): number {
  const minExp = 1 - bias;
  const re = exponentOf(r);
  if (re < minExp) return r / 2 ** (minExp - mant);
  return ((re + bias) << mant) | (r / 2 ** (re - mant) - (1 << mant));
}

/**
 * Note [float4e2m1 encoding]: 1 sign, 2 exponent (bias 1) and 1 mantissa bit; values 0, 0.5, 1, 1.5, 2,
 * 3, 4, 6 and their negatives, no infinity, no NaN. As ml_dtypes' float4_e2m1fn (which the ONNX reference
 * Cast uses): round half to even, always saturate to +-6 (infinities included, whatever `saturate` says),
 * and NaN becomes the zero of the opposite sign (a positive NaN gives 0x8, -0). Pass `nanNegative` when the
 * NaN's sign bit is known (it is lost once a NaN is a JS number held outside a typed array).
 */
export function floatToFloat4e2m1(v: number, nanNegative = false): number {
  if (Number.isNaN(v)) return nanNegative ? 0 : 0x8;
  const sign = v < 0 || Object.is(v, -0) ? 0x8 : 0;
  const r = Math.min(roundToGrid(Math.min(Math.abs(v), 6), 1, 1), 6);
  return r === 0 ? sign : sign | magnitudeCode(r, 1, 1);
}

export function float4e2m1ToFloat(code: number): number {
  const sign = code & 0x8 ? -1 : 1;
  const e = (code >> 1) & 0x3;
  const m = code & 1;
  return sign * (e === 0 ? m * 0.5 : (1 + m / 2) * 2 ** (e - 1));
}

/** float8e8m0: an exponent byte, 2^(code - 127); 0xff is NaN. No sign, no zero. */
export function float8e8m0ToFloat(code: number): number {
  return code === 0xff ? NaN : 2 ** (code - 127);
}

/**
 * Note [float8e8m0 encoding]: as onnx.numpy_helper.to_float8e8m0, the ONNX reference. The value is first
 * rounded to float32; its sign is dropped and its biased exponent field kept (zero and float32 subnormals
 * have field 0); NaN and infinities give 0xff (NaN). The mantissa only decides rounding: "down" ignores it;
 * "up" adds one when any mantissa bit is set; "nearest" adds one when the guard bit (bit 22) is set and so
 * is the round bit, a sticky bit or the field is non-zero (the reference's tie rule, kept as written).
 * `saturate` keeps a rounded 0xfe at 0xfe instead of stepping onto 0xff.
 */
export function floatToFloat8e8m0(v: number, saturate = true, mode: E8m0RoundMode = 'up'): number {
  f32[0] = v;
  const bits = u32[0]!;
  const exp = (bits >>> 23) & 0xff;
  if (exp === 0xff) return 0xff;
  let up = false;
  if (mode === 'up') up = (bits & 0x7fffff) !== 0;
  else if (mode === 'nearest') up = (bits & 0x400000) !== 0 && ((bits & 0x200000) !== 0 || (bits & 0x1fffff) !== 0 || exp > 0);
  if (up && saturate && exp === 0xfe) up = false;
  return up ? exp + 1 : exp;
}

/** floor(log2(a)) for a finite a > 0, exact. */
function exponentOf(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/** One bit pattern of `type` as a number. */
export function lowpToNumber(type: LowpFloatType, code: number): number {
  if (type === 'bfloat16') return bfloat16ToFloat(code);
  if (type === 'float4e2m1') return float4e2m1ToFloat(code);
  if (type === 'float8e8m0') return float8e8m0ToFloat(code);
  return float8ToFloat(type, code);
}

/** One number as a bit pattern of `type`; `saturate` applies to the float8 kinds and float8e8m0. */
export function numberToLowp(type: LowpFloatType, v: number, saturate = true, roundMode: E8m0RoundMode = 'up'): number {
  if (type === 'bfloat16') return floatToBfloat16(v);
  if (type === 'float4e2m1') return floatToFloat4e2m1(v);
  if (type === 'float8e8m0') return floatToFloat8e8m0(v, saturate, roundMode);
  return floatToFloat8(type, v, saturate);
}

/** Decodes a low-precision tensor's bit patterns into floats. */
export function lowpToFloat(type: LowpFloatType, src: Uint8Array | Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  if (type === 'bfloat16') for (let i = 0; i < src.length; i++) out[i] = bfloat16ToFloat(src[i]!);
  else if (type === 'float4e2m1') for (let i = 0; i < src.length; i++) out[i] = float4e2m1ToFloat(src[i]!);
  else if (type === 'float8e8m0') for (let i = 0; i < src.length; i++) out[i] = float8e8m0ToFloat(src[i]!);
  else for (let i = 0; i < src.length; i++) out[i] = float8ToFloat(type, src[i]!);
  return out;
}

/**
 * Encodes numbers into `out`, a low-precision tensor's bit patterns. float4e2m1 reads the sign of a NaN
 * from `src` when it is a Float32Array or Float64Array (Note [float4e2m1 encoding]).
 */
export function floatToLowp(type: LowpFloatType, src: ArrayLike<number>, out: Uint8Array | Uint16Array, saturate = true, roundMode: E8m0RoundMode = 'up'): void {
  if (type === 'bfloat16') for (let i = 0; i < src.length; i++) out[i] = floatToBfloat16(src[i]!);
  else if (type === 'float4e2m1') for (let i = 0; i < src.length; i++) out[i] = floatToFloat4e2m1(src[i]!, nanIsNegative(src, i));
  else if (type === 'float8e8m0') for (let i = 0; i < src.length; i++) out[i] = floatToFloat8e8m0(src[i]!, saturate, roundMode);
  else for (let i = 0; i < src.length; i++) out[i] = floatToFloat8(type, src[i]!, saturate);
}

/** Whether src[i] is a NaN with its sign bit set, read from the typed array's bits (false when unknown). */
function nanIsNegative(src: ArrayLike<number>, i: number): boolean {
  if (!Number.isNaN(src[i])) return false;
  if (src instanceof Float32Array) return (new Uint8Array(src.buffer, src.byteOffset + 4 * i, 4)[3]! & 0x80) !== 0;
  if (src instanceof Float64Array) return (new Uint8Array(src.buffer, src.byteOffset + 8 * i, 8)[7]! & 0x80) !== 0;
  return false;
}
