/**
 * ONNX building blocks for the attention lowerings (attention.ts): scaled dot-product attention with
 * torch's two masking conventions, linear layers, LayerNorm and GELU, each valid for opsets 17-21.
 */
import { DataType } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';

/** A 0-d constant of a float dtype (FLOAT16/BFLOAT16 made as FLOAT and cast: no typed array for them). */
export function floatScalar(ctx: LowerContext, dtype: DataType, value: number): Value {
  if (dtype === DataType.FLOAT || dtype === DataType.DOUBLE) return ctx.scalar(dtype, value);
  return ctx.op('Cast', [ctx.scalar(DataType.FLOAT, value)], { to: dtype });
}

/** ReduceMax/ReduceMean over `axes`: their axes moved from an attribute to an input at opset 18. */
export function reduce(ctx: LowerContext, op: 'ReduceMax' | 'ReduceMean', x: Value, axes: number[], keepdims: boolean): Value {
  const keep = keepdims ? 1 : 0;
  return ctx.opset >= 18 ? ctx.op(op, [x, ctx.int64s(axes)], { keepdims: keep }) : ctx.op(op, [x], { axes, keepdims: keep });
}

/** torch's linear: x @ w^T + b, w [out, in]. */
export function linear(ctx: LowerContext, x: Value, w: Value, b: Value | null): Value {
  const y = ctx.op('MatMul', [x, ctx.op('Transpose', [w], { perm: [1, 0] })]);
  return b === null ? y : ctx.op('Add', [y, b]);
}

/** LayerNorm over the last dim (ONNX LayerNormalization exists from opset 17, our lowest target). */
export function layerNorm(ctx: LowerContext, x: Value, w: Value, b: Value, eps: number): Value {
  return ctx.op('LayerNormalization', [x, w, b], { axis: -1, epsilon: eps });
}

/** torch's exact (erf) GELU: ONNX Gelu from opset 20, before that 0.5 * x * (1 + erf(x / sqrt 2)). */
export function gelu(ctx: LowerContext, x: Value): Value {
  if (ctx.opset >= 20) return ctx.op('Gelu', [x]);
  const dt = ctx.dtype(x);
  const erf = ctx.op('Erf', [ctx.op('Mul', [x, floatScalar(ctx, dt, Math.SQRT1_2)])]);
  return ctx.op('Mul', [ctx.op('Mul', [x, floatScalar(ctx, dt, 0.5)]), ctx.op('Add', [erf, floatScalar(ctx, dt, 1)])]);
}

/** x with its last two dims swapped (rank must be known). */
export function transposeLast2(ctx: LowerContext, x: Value): Value {
  const r = ctx.rank(x);
  const perm = Array.from({ length: r }, (_, i) => (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));
  return ctx.op('Transpose', [x], { perm });
}

/** A [L, S] BOOL mask that is true where key j may be seen from query i: j <= i (torch's tril, top-left aligned). */
export function causalKeep(ctx: LowerContext, q: Value, k: Value): Value {
  const length = (v: Value): Value => ctx.op('Squeeze', [ctx.op('Shape', [v], { start: -2, end: -1 }), ctx.int64s([0])]);
  const zero = ctx.scalar(DataType.INT64, 0);
  const one = ctx.scalar(DataType.INT64, 1);
  const rows = ctx.op('Unsqueeze', [ctx.op('Range', [zero, length(q), one]), ctx.int64s([1])]);
  const cols = ctx.op('Range', [zero, length(k), one]);
  return ctx.op('LessOrEqual', [cols, rows]);
}

/** 1/sqrt(E) for q [..., E]: a constant when E is static, else computed from q's shape. */
export function defaultScale(ctx: LowerContext, q: Value): Value {
  const dt = ctx.dtype(q);
  const e = ctx.shape(q)?.at(-1);
  if (typeof e === 'number') return floatScalar(ctx, dt, 1 / Math.sqrt(e));
  const size = ctx.op('Cast', [ctx.op('Shape', [q], { start: -1 })], { to: dt });
  return ctx.op('Reciprocal', [ctx.op('Sqrt', [size])]);
}

export interface AttentionSpec {
  /** Multiplies q k^T. */
  scale: Value;
  /** BOOL [L, S] mask, true = attend (from causalKeep). */
  causal?: Value;
  /** A mask broadcastable to the scores: BOOL true = attend, BOOL true = drop, or FLOAT added. */
  mask?: { value: Value; kind: 'keep' | 'drop' | 'add' };
  /**
   * Rows whose every score is -inf give 0 rather than NaN (torch's SDPA does; the fused
   * _native_multi_head_attention path keeps the NaN).
   */
  safeSoftmax: boolean;
}

/** softmax(q k^T * scale + masks) @ v and the attention weights, for q [..., L, E], k [..., S, E], v [..., S, Ev]. */
export function attend(ctx: LowerContext, q: Value, k: Value, v: Value, spec: AttentionSpec): { out: Value; weights: Value } {
  const dt = ctx.dtype(q);
  let scores = ctx.op('Mul', [ctx.op('MatMul', [q, transposeLast2(ctx, k)]), spec.scale]);
  const ninf = floatScalar(ctx, dt, -Infinity);
  if (spec.causal) scores = ctx.op('Where', [spec.causal, scores, ninf]);
  const m = spec.mask;
  if (m?.kind === 'keep') scores = ctx.op('Where', [m.value, scores, ninf]);
  if (m?.kind === 'drop') scores = ctx.op('Where', [m.value, ninf, scores]);
  if (m?.kind === 'add') scores = ctx.op('Add', [scores, m.value]);
  let weights = ctx.op('Softmax', [scores], { axis: -1 });
  if (spec.safeSoftmax && m !== undefined) {
    // Softmax of an all -inf row is NaN (exp(-inf - -inf)); torch's _safe_softmax makes it 0.
    const dead = ctx.op('Equal', [reduce(ctx, 'ReduceMax', scores, [-1], true), ninf]);
    weights = ctx.op('Where', [dead, floatScalar(ctx, dt, 0), weights]);
  }
  return { out: ctx.op('MatMul', [weights, v]), weights };
}
