/**
 * Low-precision floats <-> number, for tensors stored as bit patterns: bfloat16 in a Uint16Array, the
 * four float8 kinds in a Uint8Array. Encoding rounds to nearest even. For float8, `saturate` follows the
 * ONNX Cast attribute: true clamps out-of-range values (infinities included) to the largest finite value;
 * false gives NaN (or infinity for e5m2, the only kind that has one). NaN stays NaN; the `fnuz` kinds
 * have no negative zero and a single NaN (0x80).
 */
export type Float8Type = 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz';
export type LowpFloatType = 'bfloat16' | Float8Type;

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
  return type === 'bfloat16' || type in KINDS;
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
  const minExp = 1 - k.bias;
  const e = Math.max(exponentOf(a), minExp);
  const q = 2 ** (e - k.mant);
  const r = roundHalfEven(a / q) * q;
  if (r > k.max) return overflow;
  if (r === 0) return k.uz ? 0 : sign;
  const re = exponentOf(r);
  if (re < minExp) return sign | (r / 2 ** (minExp - k.mant));
  return sign | ((re + k.bias) << k.mant) | (r / 2 ** (re - k.mant) - (1 << k.mant));
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

/** Decodes a low-precision tensor's bit patterns into floats. */
export function lowpToFloat(type: LowpFloatType, src: Uint8Array | Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  if (type === 'bfloat16') for (let i = 0; i < src.length; i++) out[i] = bfloat16ToFloat(src[i]!);
  else for (let i = 0; i < src.length; i++) out[i] = float8ToFloat(type, src[i]!);
  return out;
}

/** Encodes numbers into `out`, a low-precision tensor's bit patterns. */
export function floatToLowp(type: LowpFloatType, src: ArrayLike<number>, out: Uint8Array | Uint16Array, saturate = true): void {
  if (type === 'bfloat16') for (let i = 0; i < src.length; i++) out[i] = floatToBfloat16(src[i]!);
  else for (let i = 0; i < src.length; i++) out[i] = floatToFloat8(type, src[i]!, saturate);
}
