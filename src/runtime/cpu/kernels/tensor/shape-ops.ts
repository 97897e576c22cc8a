/** Ops that only move or relabel data: Identity, Reshape, Flatten, Squeeze, Unsqueeze, Shape, Size, Constant. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { fromIrTensor, sizeOf, Tensor, type TensorData } from '../../../tensor.js';
import { cloneTensor, OptionalValue, TensorSequence } from '../../../values.js';
import { intsOf } from '../../numeric.js';

/** Copies `src` into a new output of the given dims (kernels never alias an input: see memory.ts). */
export function copyTo(ctx: KernelContext, i: number, src: Tensor, dims: readonly number[]): Tensor {
  const out = ctx.output(i, dims, src.type);
  if (src.type === 'string') (src.data as string[]).forEach((s, k) => ((out.data as string[])[k] = s));
  else (out.data as Float32Array).set(src.data as Float32Array);
  return out;
}

/** Identity of any kind: a tensor is copied into the output; a sequence or optional is deep-copied. */
function identity(ctx: KernelContext): void {
  const v = ctx.inputValue(0);
  if (v === undefined) throw ctx.error('input 0 is required');
  if (v instanceof Tensor) copyTo(ctx, 0, v, v.dims);
  else if (v instanceof TensorSequence) ctx.setValue(0, new TensorSequence(v.tensors.map(cloneTensor), v.elemType));
  else {
    const inner = v.value;
    const copy = inner === undefined ? undefined : inner instanceof Tensor ? cloneTensor(inner) : new TensorSequence(inner.tensors.map(cloneTensor), inner.elemType);
    ctx.setValue(0, new OptionalValue(copy));
  }
}

export function normAxis(ctx: KernelContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= Math.max(rank, 1)) throw ctx.error(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

function reshape(ctx: KernelContext): void {
  const x = ctx.input(0);
  const spec = intsOf(ctx.input(1));
  const allowZero = ctx.attrs.int('allowzero', 0) !== 0;
  const dims = spec.map((d, i) => (d === 0 && !allowZero ? (x.dims[i] ?? 0) : d));
  const known = dims.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const k = dims.indexOf(-1);
  if (k >= 0) dims[k] = known === 0 ? 0 : x.size / known;
  if (sizeOf(dims) !== x.size) throw ctx.error(`cannot reshape [${x.dims.join(',')}] to [${spec.join(',')}]`);
  copyTo(ctx, 0, x, dims);
}

function flatten(ctx: KernelContext): void {
  const x = ctx.input(0);
  let axis = ctx.attrs.int('axis', 1);
  if (axis < 0) axis += x.dims.length;
  const outer = sizeOf(x.dims.slice(0, axis));
  copyTo(ctx, 0, x, [outer, sizeOf(x.dims.slice(axis))]);
}

function axesOf(ctx: KernelContext, inputIndex: number): number[] | undefined {
  const t = ctx.optionalInput(inputIndex);
  if (t) return intsOf(t);
  return ctx.attrs.intsOpt('axes');
}

function squeeze(ctx: KernelContext): void {
  const x = ctx.input(0);
  const axes = axesOf(ctx, 1)?.map((a) => normAxis(ctx, a, x.dims.length));
  const dims = x.dims.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
  copyTo(ctx, 0, x, dims);
}

function unsqueeze(ctx: KernelContext): void {
  const x = ctx.input(0);
  const axesRaw = axesOf(ctx, 1) ?? [];
  const rank = x.dims.length + axesRaw.length;
  const axes = new Set(axesRaw.map((a) => normAxis(ctx, a, rank)));
  const dims: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) dims.push(axes.has(i) ? 1 : x.dims[j++]!);
  copyTo(ctx, 0, x, dims);
}

function shape(ctx: KernelContext): void {
  const x = ctx.input(0);
  const r = x.dims.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = clamp(ctx.attrs.int('start', 0));
  const end = ctx.attrs.has('end') ? clamp(ctx.attrs.int('end')) : r;
  const dims = x.dims.slice(start, Math.max(start, end));
  ctx.setOutput(0, new Tensor('int64', BigInt64Array.from(dims, BigInt), [dims.length]));
}

function constant(ctx: KernelContext): void {
  const t = ctx.attrs.tensor('value');
  if (t) return ctx.setOutput(0, fromIrTensor(t));
  const a = ctx.attrs;
  if (a.has('value_float')) return ctx.setOutput(0, new Tensor('float32', [a.float('value_float')], []));
  if (a.has('value_floats')) return ctx.setOutput(0, new Tensor('float32', a.floats('value_floats')));
  if (a.has('value_int')) return ctx.setOutput(0, new Tensor('int64', [a.bigint('value_int')], []));
  if (a.has('value_ints')) {
    const v = a.ints('value_ints');
    return ctx.setOutput(0, new Tensor('int64', BigInt64Array.from(v, BigInt), [v.length]));
  }
  if (a.has('value_string')) return ctx.setOutput(0, new Tensor('string', [a.string('value_string')], []));
  if (a.has('value_strings')) return ctx.setOutput(0, new Tensor('string', a.strings('value_strings') ?? []));
  throw ctx.error('Constant has no supported value attribute (sparse_value is not supported yet)');
}

function constantOfShape(ctx: KernelContext): void {
  const dims = intsOf(ctx.input(0));
  const v = ctx.attrs.tensor('value');
  const val = v ? fromIrTensor(v) : new Tensor('float32', [0], [1]);
  const out = ctx.output(0, dims, val.type);
  (out.data as unknown as { fill(x: unknown): void }).fill((val.data as TensorData)[0]);
}

export const shapeKernels: KernelTable = {
  Identity: identity,
  Reshape: reshape,
  Flatten: flatten,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Shape: shape,
  Size: (ctx: KernelContext) => ctx.setOutput(0, new Tensor('int64', [BigInt(ctx.input(0).size)], [])),
  Constant: constant,
  ConstantOfShape: constantOfShape,
};
