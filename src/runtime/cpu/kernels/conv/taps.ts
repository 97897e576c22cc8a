/**
 * The tap table of a sliding window: for kernel position `kp` and window position `p` (both flat, row-major),
 * the flat row-major index of the element it touches on the other side, or -1 where that falls in padding.
 * Conv and the pools gather through it (window = output, other side = input); ConvTranspose scatters
 * through it (window = input, other side = output). No kernel writes stride arithmetic by hand.
 */
import { product, stridesOf } from './geometry.js';

export function tapTable(
  winDims: readonly number[], kernel: readonly number[], strides: readonly number[], dilations: readonly number[],
  padsBegin: readonly number[], otherDims: readonly number[],
): Int32Array {
  const r = winDims.length;
  const K = product(kernel);
  const A = product(winDims);
  const oStr = stridesOf(otherDims);
  const t = new Int32Array(K * A);
  const kc = new Array<number>(r).fill(0);
  const ac = new Array<number>(r).fill(0);
  for (let kp = 0; kp < K; kp++) {
    ac.fill(0);
    for (let p = 0; p < A; p++) {
      let off = 0;
      for (let d = 0; d < r; d++) {
        const v = ac[d]! * strides[d]! - padsBegin[d]! + kc[d]! * dilations[d]!;
        if (v < 0 || v >= otherDims[d]!) {
          off = -1;
          break;
        }
        off += v * oStr[d]!;
      }
      t[kp * A + p] = off;
      increment(ac, winDims);
    }
    increment(kc, kernel);
  }
  return t;
}

/** Advances a row-major odometer `c` over `dims`. */
export function increment(c: number[], dims: readonly number[]): void {
  for (let d = dims.length - 1; d >= 0; d--) {
    if (++c[d]! < dims[d]!) return;
    c[d] = 0;
  }
}
