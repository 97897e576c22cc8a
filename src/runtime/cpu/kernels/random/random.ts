/**
 * RandomUniform, RandomNormal, their *Like forms, Bernoulli and Multinomial. Values come from numpy's
 * RandomState stream (Note [numpy RandomState]) with the arithmetic of ONNX's reference implementation,
 * so a seeded node gives the reference's values. A node with a `seed` starts again from it on every run
 * (runs are reproducible); a node without one draws a fresh seed each run.
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { tensorTypeOf, type TensorType } from '../../../tensor.js';
import { doubleToHalf, halfToFloat } from '../../float16.js';
import { bfloat16ToFloat, floatToBfloat16 } from '../../lowp.js';
import { numbersOf, storeNumbers } from '../../numeric.js';
import { RandomState } from './random-state.js';

type FloatOut = 'float32' | 'float64' | 'float16' | 'bfloat16';
const FLOAT_OUTS: readonly TensorType[] = ['float32', 'float64', 'float16', 'bfloat16'];

/**
 * Rounding to `type` after each step, as numpy does: the draws are float64, cast with astype; then
 * `*= scale` and `+= offset` run in the array's type, the Python-float operand cast to it first (NEP 50),
 * and 16-bit floats compute in float32 and round back.
 */
function roundingFor(type: FloatOut): (v: number) => number {
  switch (type) {
    case 'float64':
      return (v) => v;
    case 'float32':
      return Math.fround;
    case 'float16':
      return (v) => halfToFloat(doubleToHalf(v));
    case 'bfloat16':
      return (v) => bfloat16ToFloat(floatToBfloat16(v));
  }
}

function rngOf(ctx: KernelContext): RandomState {
  return RandomState.fromSeed(ctx.attrs.has('seed') ? ctx.attrs.float('seed') : undefined);
}

/** The output type: the `dtype` attribute, else `fallback` (the input's type for the *Like ops). */
function outType(ctx: KernelContext, fallback: TensorType | undefined): TensorType {
  const dt = ctx.attrs.has('dtype') ? ctx.attrs.int('dtype') : undefined;
  const type = dt === undefined ? fallback : tensorTypeOf(dt);
  if (type === undefined) throw ctx.error(dt === undefined ? 'attribute "dtype" is required' : `dtype ${dt} is not supported`);
  return type;
}

/** draw() * scale + offset for every element, in `type`'s arithmetic. */
function affine(ctx: KernelContext, dims: readonly number[], type: TensorType, draw: () => number, scale: number, offset: number): void {
  if (!FLOAT_OUTS.includes(type)) throw ctx.error(`${ctx.opType} makes float tensors, not ${type}`);
  const r = roundingFor(type as FloatOut);
  const s = r(scale);
  const o = r(offset);
  // 16-bit floats: float32 arithmetic, then rounded to the type (numpy's half loops, ml_dtypes' bfloat16).
  const op = type === 'float16' || type === 'bfloat16' ? (v: number) => r(Math.fround(v)) : r;
  const out = ctx.output(0, dims, type);
  const vals = new Float64Array(out.size);
  for (let i = 0; i < vals.length; i++) vals[i] = op(op(r(draw()) * s) + o);
  storeNumbers(vals, out);
}

function checkShape(ctx: KernelContext, shape: number[]): number[] {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw ctx.error(`shape [${shape.join(',')}] has a negative dim`);
  return shape;
}

function randomUniform(ctx: KernelContext, dims: readonly number[], fallback?: TensorType): void {
  const rng = rngOf(ctx);
  const low = ctx.attrs.float('low', 0);
  const high = ctx.attrs.float('high', 1);
  affine(ctx, dims, outType(ctx, fallback ?? 'float32'), () => rng.nextDouble(), high - low, low);
}

function randomNormal(ctx: KernelContext, dims: readonly number[], fallback?: TensorType): void {
  const rng = rngOf(ctx);
  affine(ctx, dims, outType(ctx, fallback ?? 'float32'), () => rng.gauss(), ctx.attrs.float('scale', 1), ctx.attrs.float('mean', 0));
}

/** Bernoulli: 1 with probability x[i]; numpy raises on p outside [0, 1] or NaN, so do we. */
function bernoulli(ctx: KernelContext): void {
  const x = ctx.input(0);
  const p = numbersOf(x);
  const rng = rngOf(ctx);
  const vals = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!(v >= 0 && v <= 1)) throw ctx.error(`probability ${v} at element ${i} is not in [0, 1]`);
    vals[i] = rng.bernoulli(v);
  }
  const type = outType(ctx, x.type);
  if (type === 'string') throw ctx.error('Bernoulli cannot make strings');
  storeNumbers(vals, ctx.output(0, x.dims, type));
}

/**
 * Multinomial: input [batch, classes] of unnormalized log-probabilities; `sample_size` class indices per
 * row, drawn by inverting the cumulative distribution of exp(x - max). -inf logits have probability 0.
 */
function multinomial(ctx: KernelContext): void {
  const x = ctx.input(0);
  if (x.dims.length !== 2) throw ctx.error(`input must be 2-D [batch_size, class_size], got [${x.dims.join(',')}]`);
  const [batch, classes] = x.dims as [number, number];
  const samples = ctx.attrs.int('sample_size', 1);
  if (samples < 1) throw ctx.error(`sample_size must be positive, got ${samples}`);
  const type = outType(ctx, 'int32');
  if (type !== 'int32' && type !== 'int64') throw ctx.error(`dtype must be int32 or int64, got ${type}`);
  const logits = numbersOf(x);
  const rng = rngOf(ctx);
  const vals = new Float64Array(batch * samples);
  const cdf = new Float64Array(classes);
  for (let b = 0; b < batch; b++) {
    const row = b * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = logits[row + c]!;
      if (Number.isNaN(v) || v === Infinity) throw ctx.error(`logit ${v} in row ${b}`);
      if (v > max) max = v;
    }
    if (max === -Infinity) throw ctx.error(`row ${b} has no class with a non-zero probability`);
    let total = 0;
    for (let c = 0; c < classes; c++) cdf[c] = total += Math.exp(logits[row + c]! - max);
    for (let s = 0; s < samples; s++) {
      const u = rng.nextDouble() * total;
      let lo = 0;
      let hi = classes - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      vals[b * samples + s] = lo;
    }
  }
  storeNumbers(vals, ctx.output(0, [batch, samples], type));
}

export const randomKernels: KernelTable = {
  RandomUniform: (ctx) => randomUniform(ctx, checkShape(ctx, ctx.attrs.ints('shape'))),
  RandomNormal: (ctx) => randomNormal(ctx, checkShape(ctx, ctx.attrs.ints('shape'))),
  RandomUniformLike: (ctx) => randomUniform(ctx, ctx.input(0).dims, ctx.input(0).type),
  RandomNormalLike: (ctx) => randomNormal(ctx, ctx.input(0).dims, ctx.input(0).type),
  Bernoulli: bernoulli,
  Multinomial: multinomial,
};
