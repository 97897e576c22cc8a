/**
 * post_transform of the ai.onnx.ml classifiers and regressors (NONE, SOFTMAX, LOGISTIC, SOFTMAX_ZERO,
 * PROBIT), applied to one row of scores in place. PROBIT uses the same closed-form inverse erf
 * approximation as onnxruntime (Winitzki, a = 0.147), so both agree to float precision.
 */
import type { KernelContext } from '../../../kernel.js';

export type PostTransform = 'NONE' | 'SOFTMAX' | 'LOGISTIC' | 'SOFTMAX_ZERO' | 'PROBIT';

export function postTransformOf(ctx: KernelContext): PostTransform {
  const p = ctx.attrs.string('post_transform', 'NONE');
  if (p === 'NONE' || p === 'SOFTMAX' || p === 'LOGISTIC' || p === 'SOFTMAX_ZERO' || p === 'PROBIT') return p;
  throw ctx.error(`unknown post_transform ${JSON.stringify(p)}`);
}

export const logistic = (v: number): number => {
  const e = 1 / (1 + Math.exp(-Math.abs(v)));
  return v < 0 ? 1 - e : e;
};

function erfInv(x: number): number {
  const sgn = x < 0 ? -1 : 1;
  const l = Math.log((1 - x) * (1 + x));
  const v = 2 / (Math.PI * 0.147) + 0.5 * l;
  return sgn * Math.sqrt(-v + Math.sqrt(v * v - l / 0.147));
}

export const probit = (v: number): number => Math.SQRT2 * erfInv(2 * v - 1);

/** Applies `p` to `s[o .. o + n)`. */
export function applyPostTransform(p: PostTransform, s: Float32Array | Float64Array, o: number, n: number): void {
  if (p === 'NONE') return;
  if (p === 'LOGISTIC') for (let i = o; i < o + n; i++) s[i] = logistic(s[i]!);
  else if (p === 'PROBIT') for (let i = o; i < o + n; i++) s[i] = probit(s[i]!);
  else {
    let m = -Infinity;
    for (let i = o; i < o + n; i++) m = Math.max(m, s[i]!);
    let sum = 0;
    // SOFTMAX_ZERO leaves zero scores at (nearly) zero: exp(0 - max) would give them weight.
    const zero = p === 'SOFTMAX_ZERO';
    for (let i = o; i < o + n; i++) {
      const v = s[i]!;
      if (zero && Math.abs(v) <= 1e-7) s[i] = v * Math.exp(-m);
      else sum += s[i] = Math.exp(v - m);
    }
    for (let i = o; i < o + n; i++) s[i]! /= sum;
  }
}
