/**
 * LinearRegressor and LinearClassifier (ai.onnx.ml 1): scores = X · coefficientsᵀ + intercepts, with
 * coefficients stored [targets or classes, features].
 */
import type { KernelContext } from '../../../kernel.js';
import type { Tensor } from '../../../tensor.js';
import { applyPostTransform, postTransformOf } from './post-transform.js';

/** X as [N, C] numbers (a 1-D X is one row), for float32/float64/int32/int64 inputs. */
export function rowsOf(ctx: KernelContext, x: Tensor): { n: number; c: number; at: (i: number) => number } {
  if (x.type !== 'float32' && x.type !== 'float64' && x.type !== 'int32' && x.type !== 'int64') throw ctx.error(`${ctx.opType} on ${x.type} is not supported`);
  const n = x.dims.length <= 1 ? 1 : x.dims[0]!;
  const c = n === 0 ? 0 : x.size / n;
  const d = x.data as ArrayLike<number | bigint>;
  return { n, c, at: x.type === 'int64' ? (i) => Number(d[i]) : (i) => d[i] as number };
}

/** scores[n, k] = Σ_c x[n, c] · coef[k, c] + intercept[k], in float32 as onnxruntime. */
function linearScores(ctx: KernelContext, k: number): { scores: Float32Array; n: number } {
  const { n, c, at } = rowsOf(ctx, ctx.input(0));
  const coef = ctx.attrs.floats('coefficients');
  const icpt = ctx.attrs.floats('intercepts', []);
  if (coef.length !== k * c) throw ctx.error(`coefficients has ${coef.length} values, expected ${k} x ${c}`);
  if (icpt.length !== 0 && icpt.length !== k) throw ctx.error(`intercepts has ${icpt.length} values, expected ${k}`);
  const scores = new Float32Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let t = 0; t < k; t++) {
      let s = 0;
      for (let j = 0; j < c; j++) s += at(r * c + j) * coef[t * c + j]!;
      scores[r * k + t] = s + (icpt[t] ?? 0);
    }
  }
  return { scores, n };
}

export function linearRegressor(ctx: KernelContext): void {
  const k = ctx.attrs.int('targets', 1);
  const { scores, n } = linearScores(ctx, k);
  const post = postTransformOf(ctx);
  for (let r = 0; r < n; r++) applyPostTransform(post, scores, r * k, k);
  (ctx.output(0, [n, k], 'float32').data as Float32Array).set(scores);
}

export function linearClassifier(ctx: KernelContext): void {
  const strs = ctx.attrs.strings('classlabels_strings');
  const labels: (string | bigint)[] = strs && strs.length > 0 ? strs : ctx.attrs.ints('classlabels_ints', []).map(BigInt);
  if (labels.length === 0) throw ctx.error('one of classlabels_strings, classlabels_ints is required');
  const c = rowsOf(ctx, ctx.input(0)).c;
  const k = c === 0 ? labels.length : ctx.attrs.floats('coefficients').length / c;
  const { scores, n } = linearScores(ctx, k);
  const post = postTransformOf(ctx);
  const y = ctx.output(0, [n], typeof labels[0] === 'string' ? 'string' : 'int64').data as unknown as unknown[];
  // One score column for two classes: the binary form, label 1 when the score is positive.
  const binary = k === 1 && labels.length === 2;
  const width = binary ? 2 : k;
  const z = ctx.output(1, [n, width], 'float32').data as Float32Array;
  for (let r = 0; r < n; r++) {
    if (k === 1) {
      const s = scores[r]!;
      y[r] = binary ? labels[s > 0 ? 1 : 0] : typeof labels[0] === 'string' ? (s > 0 ? '1' : '0') : BigInt(s > 0 ? 1 : 0);
    } else {
      let best = 0;
      for (let t = 1; t < k; t++) if (scores[r * k + t]! > scores[r * k + best]!) best = t;
      y[r] = labels[best];
    }
    if (binary) {
      const one = Float32Array.of(scores[r]!);
      applyPostTransform(post, one, 0, 1);
      z[r * 2] = 1 - one[0]!;
      z[r * 2 + 1] = one[0]!;
    } else {
      applyPostTransform(post, scores, r * k, k);
      z.set(scores.subarray(r * k, r * k + k), r * k);
    }
  }
}
