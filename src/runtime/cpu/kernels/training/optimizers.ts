/**
 * ai.onnx.preview.training optimizers: Momentum, Adagrad, Adam. Each takes R (learning rate), T (update
 * count), then n tensors to optimize followed by their gradients and per-tensor state tensors; it returns
 * the new tensors followed by the new states. Arithmetic in float64, stored in the inputs' type.
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { numbersOf, storeNumbers } from '../../numeric.js';

/** Number of optimized tensors: (inputCount - 2) split over `groups` groups (X, G and the states). */
function groupSize(ctx: KernelContext, groups: number): number {
  const n = (ctx.inputCount - 2) / groups;
  if (!Number.isInteger(n) || n < 1) throw ctx.error(`expected 2 + ${groups}*n inputs, got ${ctx.inputCount}`);
  return n;
}

function scalar(ctx: KernelContext, i: number): number {
  return Number(numbersOf(ctx.input(i))[0]!);
}

function store(ctx: KernelContext, o: number, like: number, values: Float64Array): void {
  const t = ctx.input(like);
  storeNumbers(values, ctx.output(o, t.dims, t.type));
}

function adagrad(ctx: KernelContext): void {
  const n = groupSize(ctx, 3);
  const R = scalar(ctx, 0);
  const T = scalar(ctx, 1);
  const decay = ctx.attrs.float('decay_factor', 0);
  const eps = ctx.attrs.float('epsilon', 0);
  const norm = ctx.attrs.float('norm_coefficient', 0);
  const r = R / (1 + T * decay);
  for (let j = 0; j < n; j++) {
    const x = numbersOf(ctx.input(2 + j));
    const g = numbersOf(ctx.input(2 + n + j));
    const h = numbersOf(ctx.input(2 + 2 * n + j));
    const xn = new Float64Array(x.length);
    const hn = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const gr = norm * x[i]! + g[i]!;
      hn[i] = h[i]! + gr * gr;
      xn[i] = x[i]! - (r * gr) / (Math.sqrt(hn[i]!) + eps);
    }
    store(ctx, j, 2 + j, xn);
    store(ctx, n + j, 2 + 2 * n + j, hn);
  }
}

function momentum(ctx: KernelContext): void {
  const n = groupSize(ctx, 3);
  const R = scalar(ctx, 0);
  const T = scalar(ctx, 1);
  const alpha = ctx.attrs.float('alpha');
  const beta = ctx.attrs.float('beta');
  const norm = ctx.attrs.float('norm_coefficient');
  const mode = ctx.attrs.string('mode');
  if (mode !== 'standard' && mode !== 'nesterov') throw ctx.error(`unknown mode '${mode}'`);
  const betaAdj = T > 0 ? beta : 1;
  for (let j = 0; j < n; j++) {
    const x = numbersOf(ctx.input(2 + j));
    const g = numbersOf(ctx.input(2 + n + j));
    const v = numbersOf(ctx.input(2 + 2 * n + j));
    const xn = new Float64Array(x.length);
    const vn = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const gr = norm * x[i]! + g[i]!;
      vn[i] = alpha * v[i]! + betaAdj * gr;
      xn[i] = x[i]! - R * (mode === 'standard' ? vn[i]! : gr + alpha * vn[i]!);
    }
    store(ctx, j, 2 + j, xn);
    store(ctx, n + j, 2 + 2 * n + j, vn);
  }
}

function adam(ctx: KernelContext): void {
  const n = groupSize(ctx, 4);
  const R = scalar(ctx, 0);
  const T = scalar(ctx, 1);
  const alpha = ctx.attrs.float('alpha', 0.9);
  const beta = ctx.attrs.float('beta', 0.999);
  const eps = ctx.attrs.float('epsilon', 1e-6);
  const norm = ctx.attrs.float('norm_coefficient', 0);
  const post = ctx.attrs.float('norm_coefficient_post', 0);
  const rAdj = T > 0 ? (R * Math.sqrt(1 - beta ** T)) / (1 - alpha ** T) : R;
  for (let j = 0; j < n; j++) {
    const x = numbersOf(ctx.input(2 + j));
    const g = numbersOf(ctx.input(2 + n + j));
    const v = numbersOf(ctx.input(2 + 2 * n + j));
    const h = numbersOf(ctx.input(2 + 3 * n + j));
    const xn = new Float64Array(x.length);
    const vn = new Float64Array(x.length);
    const hn = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const gr = norm * x[i]! + g[i]!;
      vn[i] = alpha * v[i]! + (1 - alpha) * gr;
      hn[i] = beta * h[i]! + (1 - beta) * gr * gr;
      xn[i] = (1 - post) * (x[i]! - (rAdj * vn[i]!) / (Math.sqrt(hn[i]!) + eps));
    }
    store(ctx, j, 2 + j, xn);
    store(ctx, n + j, 2 + 2 * n + j, vn);
    store(ctx, 2 * n + j, 2 + 3 * n + j, hn);
  }
}

export const trainingKernels: KernelTable = { Adagrad: adagrad, Momentum: momentum, Adam: adam };
