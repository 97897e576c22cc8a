/**
 * BatchNormalization over [N, C, ...]: per channel, y = x * k + t with k = scale / sqrt(var + eps) and
 * t = bias - mean * k folded once per channel, then one multiply-add per element. In training mode the
 * mean and (population) variance come from the batch, and the running statistics are returned:
 * running = input * momentum + batch * (1 - momentum). Training is `training_mode` from opset 14; from 7
 * to 13 it is a node with more than one output (running mean/var, then the batch's mean and inverse std).
 */
import type { KernelContext } from '../../../kernel.js';
import type { Tensor, TensorType } from '../../../tensor.js';
import { isNumberStorage, numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

interface Layout {
  n: number;
  c: number;
  inner: number;
}

function layoutOf(x: Tensor): Layout {
  const c = x.dims[1] ?? 1;
  let inner = 1;
  for (let i = 2; i < x.dims.length; i++) inner *= x.dims[i]!;
  return { n: x.dims[0] ?? 1, c, inner };
}

/** y = x * k[ch] + t[ch] over every (n, ch) plane. In place when y is x's storage. */
function scaleShift(xs: ArrayLike<number>, ys: { [i: number]: number }, { n, c, inner }: Layout, k: Float64Array, t: Float64Array): void {
  for (let b = 0, at = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++, at += inner) {
      const s = k[ch]!;
      const o = t[ch]!;
      for (let i = 0; i < inner; i++) ys[at + i] = xs[at + i]! * s + o;
    }
  }
}

/** Batch mean and population variance per channel (two passes, in double). */
function batchStats(xs: ArrayLike<number>, { n, c, inner }: Layout, mean: Float64Array, variance: Float64Array): void {
  const count = n * inner;
  mean.fill(0);
  variance.fill(0);
  for (let b = 0, at = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++, at += inner) {
      let s = 0;
      for (let i = 0; i < inner; i++) s += xs[at + i]!;
      mean[ch]! += s;
    }
  }
  for (let ch = 0; ch < c; ch++) mean[ch]! /= count;
  for (let b = 0, at = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++, at += inner) {
      const m = mean[ch]!;
      let s = 0;
      for (let i = 0; i < inner; i++) {
        const d = xs[at + i]! - m;
        s += d * d;
      }
      variance[ch]! += s;
    }
  }
  for (let ch = 0; ch < c; ch++) variance[ch]! /= count;
}

function isTraining(ctx: KernelContext): boolean {
  if (ctx.opset >= 14) return ctx.attrs.int('training_mode', 0) !== 0;
  if (ctx.opset < 7) return false;
  for (let i = 1; i < ctx.outputCount; i++) if (ctx.hasOutput(i)) return true;
  return false;
}

function store(ctx: KernelContext, i: number, c: number, type: TensorType, values: Float64Array): void {
  if (ctx.hasOutput(i)) storeNumbers(values, ctx.output(i, [c], type));
}

export function batchNorm(ctx: KernelContext): void {
  const x = ctx.input(0);
  const l = layoutOf(x);
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => numbersOf(ctx.input(i))) as ArrayLike<number>[];
  if ([scale, bias, mean, variance].some((v) => v!.length !== l.c)) throw ctx.error(`scale, B, mean and var must have ${l.c} elements (the channel dim)`);
  const { eps, momentum, training } = ctx.memo('bn:attrs', () => ({
    eps: ctx.attrs.float('epsilon', 1e-5),
    momentum: ctx.attrs.float('momentum', 0.9),
    training: isTraining(ctx),
  }));
  // Per-channel scratch, kept for the step (its contents are rewritten every run).
  const scratch = ctx.memo('bn', () => ({ c: -1, k: new Float64Array(0), t: new Float64Array(0), bm: new Float64Array(0), bv: new Float64Array(0) }));
  if (scratch.c !== l.c) Object.assign(scratch, { c: l.c, k: new Float64Array(l.c), t: new Float64Array(l.c), bm: new Float64Array(l.c), bv: new Float64Array(l.c) });
  const { k, t } = scratch;
  const xs = isNumberStorage(x.type) ? (x.data as ArrayLike<number>) : numbersOf(x);
  let m: ArrayLike<number> = mean!;
  let v: ArrayLike<number> = variance!;
  if (training) {
    batchStats(xs, l, scratch.bm, scratch.bv);
    m = scratch.bm;
    v = scratch.bv;
  }
  for (let ch = 0; ch < l.c; ch++) {
    k[ch] = scale![ch]! / Math.sqrt(v[ch]! + eps);
    t[ch] = bias![ch]! - m[ch]! * k[ch]!;
  }
  // Outputs after the statistics: the output may reuse a dying input's storage.
  const y = ctx.output(0, x.dims, x.type);
  const direct = isNumberStorage(x.type);
  const ys = direct ? (y.data as Float32Array) : scratchFor(x.type, x.size);
  scaleShift(xs, ys, l, k, t);
  if (!direct) storeNumbers(ys, y);
  if (!training) return;
  const statType = ctx.input(3).type;
  const running = (input: ArrayLike<number>, batch: ArrayLike<number>): Float64Array =>
    Float64Array.from({ length: l.c }, (_, ch) => input[ch]! * momentum + batch[ch]! * (1 - momentum));
  store(ctx, 1, l.c, statType, running(mean!, m));
  store(ctx, 2, l.c, statType, running(variance!, v));
  if (ctx.opset < 14) {
    // saved_var is the batch's inverse standard deviation, as onnxruntime (and PyTorch's save_invstd) give it.
    store(ctx, 3, l.c, statType, Float64Array.from(m));
    store(ctx, 4, l.c, statType, Float64Array.from({ length: l.c }, (_, ch) => 1 / Math.sqrt(v[ch]! + eps)));
  }
}
