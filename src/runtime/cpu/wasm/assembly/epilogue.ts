// The epilogue every kernel applies to a finished output vector, after alpha, C and the biases: a residual
// add, then one activation. The flags are bits of the `flags` argument of sgemm, gemm, conv2d, depthwise2d.
//
// Note [epilogue as the JavaScript kernels compute it]
// Every form gives the bits the JavaScript kernels give (kernels/elementwise.ts, kernels/nn/normalization.ts),
// NaN and signed zeros included. CLAMP is Clip's `v < lo ? lo : v` then `a > hi ? hi : a`: exactly
// pmax(v, lo) then pmin(a, hi) (wasm's pmax(a, b) = a < b ? b : a; NaN stays, a zero keeps its sign); Relu
// is CLAMP to [0, Infinity], `x < 0 ? 0 : x`. LEAKY_RELU is `v >= 0 ? v : alpha * v`: the float32 product
// of two float32 values rounds like the double product rounded to float32. HARD_SIGMOID and HARD_SWISH
// compute in float64 lanes, in the JavaScript kernels' order (max(0, min(1, alpha*v + beta)), v * max(0,
// min(1, v / 6 + 0.5))), then round once to float32, as storing the JavaScript double does. RESIDUAL adds
// the float at the same position of another buffer (residualDelta bytes from the output), after every
// bias and before the activation: the unfused `(conv + bias) + z` in the same order.

/** Add the float at `p + residualDelta` (set by `setResidual`) to the value stored at `p`. */
export const RESIDUAL: i32 = 32;
/** Clamp to [lo, hi] (a fused Relu or Clip). */
export const CLAMP: i32 = 8;
/** LeakyRelu with alpha = lo. */
export const LEAKY_RELU: i32 = 64;
/** HardSigmoid with alpha = lo, beta = hi. */
export const HARD_SIGMOID: i32 = 128;
/** HardSwish (lo and hi unused). */
export const HARD_SWISH: i32 = 256;
/** Every flag of this file: the part of `flags` applied once, after the last depth block. */
export const EPILOGUE: i32 = RESIDUAL | CLAMP | LEAKY_RELU | HARD_SIGMOID | HARD_SWISH;

let residualDelta: usize = 0;

/** Where RESIDUAL reads: `delta` bytes (wrapping) past each output element. */
export function setResidual(delta: i32): void {
  residualDelta = <usize>delta;
}

/** The residual vector for the output vector at `p` (whole vectors: Note [over-read lanes] in sgemm.ts). */
@inline
export function residualAt(p: usize, offset: usize): v128 {
  return v128.load(p + residualDelta + offset);
}

@inline
function hard(v: v128, flags: i32, lo: v128, hi: v128): v128 {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const swish = (flags & HARD_SWISH) != 0;
  let a = f64x2.promote_low_f32x4(v);
  let b = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
  let ta: v128, tb: v128;
  if (swish) {
    const six = f64x2.splat(6);
    const half = f64x2.splat(0.5);
    ta = f64x2.add(f64x2.div(a, six), half);
    tb = f64x2.add(f64x2.div(b, six), half);
  } else {
    const al = f64x2.promote_low_f32x4(lo);
    const be = f64x2.promote_low_f32x4(hi);
    ta = f64x2.add(f64x2.mul(al, a), be);
    tb = f64x2.add(f64x2.mul(al, b), be);
  }
  ta = f64x2.max(zero, f64x2.min(one, ta));
  tb = f64x2.max(zero, f64x2.min(one, tb));
  if (swish) {
    ta = f64x2.mul(a, ta);
    tb = f64x2.mul(b, tb);
  }
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(ta), f32x4.demote_f64x2_zero(tb), 0, 1, 4, 5);
}

/** The activation of `flags` on one vector (lo and hi splatted). */
@inline
export function activate(v: v128, flags: i32, lo: v128, hi: v128): v128 {
  if (flags & CLAMP) return f32x4.pmin(f32x4.pmax(v, lo), hi);
  if (flags & LEAKY_RELU) return v128.bitselect(v, f32x4.mul(lo, v), f32x4.ge(v, f32x4.splat(0)));
  if (flags & (HARD_SIGMOID | HARD_SWISH)) return hard(v, flags, lo, hi);
  return v;
}
