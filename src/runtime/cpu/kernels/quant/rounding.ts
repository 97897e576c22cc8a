/** Rounding and saturation shared by the quantization kernels. */
import type { TensorType } from '../../../tensor.js';

export const RANGES: Partial<Record<TensorType, [number, number]>> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
  int4: [-8, 7], uint4: [0, 15], int2: [-2, 1], uint2: [0, 3],
};

/** Round half to even. */
export function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function clampTo(type: TensorType, v: number): number {
  const r = RANGES[type]!;
  return v < r[0] ? r[0] : v > r[1] ? r[1] : v;
}
