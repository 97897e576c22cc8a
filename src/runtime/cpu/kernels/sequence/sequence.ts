/**
 * Sequence and optional ops: SequenceEmpty/Construct/At/Insert/Erase/Length, SplitToSequence,
 * ConcatFromSequence, SequenceMap, Optional, OptionalHasElement, OptionalGetElement. Sequences and optionals
 * are opaque to the memory plan (values.ts): every tensor put into one is a fresh copy, and every tensor
 * taken out goes through `ctx.output`, so no arena buffer is ever shared with a sequence.
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { allocData, sizeOf, Tensor, tensorTypeOf, type TensorData, type TensorType } from '../../../tensor.js';
import { cloneTensor, OptionalValue, TensorSequence, valueKindOf, type RuntimeValue } from '../../../values.js';
import { intsOf } from '../../numeric.js';
import { copyTo } from '../tensor/shape-ops.js';

function sequenceInput(ctx: KernelContext, i: number): TensorSequence {
  const v = ctx.inputValue(i);
  if (!(v instanceof TensorSequence)) throw ctx.error(`input ${i} must be a sequence, got ${v === undefined ? 'nothing' : `a ${valueKindOf(v)}`}`);
  return v;
}

function tensorInput(ctx: KernelContext, i: number): Tensor {
  const v = ctx.inputValue(i);
  if (!(v instanceof Tensor)) throw ctx.error(`input ${i} must be a tensor, got ${v === undefined ? 'nothing' : `a ${valueKindOf(v)}`}`);
  return v;
}

/** Position input `i` (a scalar), normalized against `n`; `extra` allows `n` itself (insertion). */
function position(ctx: KernelContext, i: number, n: number, dflt: number, extra: boolean): number {
  const t = ctx.optionalInput(i);
  if (t === undefined) return dflt;
  const p = intsOf(t)[0];
  if (p === undefined) throw ctx.error('position must hold one element');
  const q = p < 0 ? p + n : p;
  if (q < 0 || q > (extra ? n : n - 1)) throw ctx.error(`position ${p} is out of range for a sequence of ${n}`);
  return q;
}

function checkElem(ctx: KernelContext, seq: TensorSequence, t: Tensor): void {
  const want = seq.elemType ?? seq.tensors[0]?.type;
  if (want !== undefined && want !== t.type) throw ctx.error(`a ${t.type} tensor cannot join a sequence of ${want}`);
}

function copyRange(src: TensorData, from: number, dst: TensorData, to: number, n: number): void {
  if (Array.isArray(src)) for (let k = 0; k < n; k++) (dst as string[])[to + k] = src[from + k]!;
  else (dst as Float32Array).set((src as Float32Array).subarray(from, from + n), to);
}

function normAxis(ctx: KernelContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw ctx.error(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

function sequenceEmpty(ctx: KernelContext): void {
  const dt = ctx.attrs.has('dtype') ? ctx.attrs.int('dtype') : 1;
  const type = tensorTypeOf(dt);
  if (type === undefined) throw ctx.error(`dtype ${dt} has no runtime tensor form`);
  ctx.setValue(0, new TensorSequence([], type));
}

function sequenceConstruct(ctx: KernelContext): void {
  const ts = Array.from({ length: ctx.inputCount }, (_, i) => tensorInput(ctx, i));
  const type = ts[0]?.type;
  if (ts.some((t) => t.type !== type)) throw ctx.error('SequenceConstruct inputs must share one element type');
  ctx.setValue(0, new TensorSequence(ts.map(cloneTensor), type));
}

function sequenceAt(ctx: KernelContext): void {
  const seq = sequenceInput(ctx, 0);
  const t = seq.tensors[position(ctx, 1, seq.length, 0, false)]!;
  copyTo(ctx, 0, t, t.dims);
}

function sequenceInsert(ctx: KernelContext): void {
  const seq = sequenceInput(ctx, 0);
  const t = tensorInput(ctx, 1);
  checkElem(ctx, seq, t);
  const p = position(ctx, 2, seq.length, seq.length, true);
  const ts = [...seq.tensors];
  ts.splice(p, 0, cloneTensor(t));
  ctx.setValue(0, new TensorSequence(ts, seq.elemType ?? t.type));
}

function sequenceErase(ctx: KernelContext): void {
  const seq = sequenceInput(ctx, 0);
  if (seq.length === 0) throw ctx.error('cannot erase from an empty sequence');
  const p = position(ctx, 1, seq.length, seq.length - 1, false);
  ctx.setValue(0, new TensorSequence(seq.tensors.filter((_, k) => k !== p), seq.elemType));
}

function sequenceLength(ctx: KernelContext): void {
  const out = ctx.output(0, [], 'int64');
  (out.data as BigInt64Array)[0] = BigInt(sequenceInput(ctx, 0).length);
}

/** The part [start, start + len) of `t` along `axis`, as a fresh tensor of dims `dims`. */
function sliceAxis(t: Tensor, axis: number, start: number, len: number, dims: readonly number[]): Tensor {
  const outer = sizeOf(t.dims.slice(0, axis));
  const inner = sizeOf(t.dims.slice(axis + 1));
  const full = t.dims[axis]!;
  const data = allocData(t.type, outer * len * inner);
  for (let o = 0; o < outer; o++) copyRange(t.data, (o * full + start) * inner, data, o * len * inner, len * inner);
  return new Tensor(t.type, data, dims);
}

function splitToSequence(ctx: KernelContext): void {
  const x = ctx.input(0);
  const axis = normAxis(ctx, ctx.attrs.int('axis', 0), x.dims.length);
  const full = x.dims[axis]!;
  const split = ctx.optionalInput(1);
  let sizes: number[];
  let squeeze = false;
  if (split === undefined) {
    sizes = new Array<number>(full).fill(1);
    squeeze = ctx.attrs.int('keepdims', 1) === 0;
  } else if (split.dims.length === 0) {
    const s = intsOf(split)[0]!;
    if (s <= 0) throw ctx.error(`split ${s} must be positive`);
    sizes = [];
    for (let r = full; r > 0; r -= s) sizes.push(Math.min(s, r));
  } else {
    sizes = intsOf(split);
    if (sizes.reduce((a, b) => a + b, 0) !== full) throw ctx.error(`split [${sizes.join(',')}] does not sum to dim ${full}`);
  }
  let start = 0;
  const parts = sizes.map((len) => {
    const dims = squeeze ? x.dims.filter((_, k) => k !== axis) : x.dims.map((d, k) => (k === axis ? len : d));
    const t = sliceAxis(x, axis, start, len, dims);
    start += len;
    return t;
  });
  ctx.setValue(0, new TensorSequence(parts, x.type));
}

function concatFromSequence(ctx: KernelContext): void {
  const seq = sequenceInput(ctx, 0);
  const newAxis = ctx.attrs.int('new_axis', 0) === 1;
  const first = seq.tensors[0];
  if (first === undefined) throw ctx.error('cannot concatenate an empty sequence');
  const rank = first.dims.length;
  const axis = normAxis(ctx, ctx.attrs.int('axis'), newAxis ? rank + 1 : rank);
  // With new_axis, each element is viewed as having a dim of 1 inserted at `axis`.
  const dimsOf = (t: Tensor): number[] => (newAxis ? [...t.dims.slice(0, axis), 1, ...t.dims.slice(axis)] : [...t.dims]);
  const base = dimsOf(first);
  let total = 0;
  for (const t of seq.tensors) {
    const d = dimsOf(t);
    if (t.type !== first.type || d.length !== base.length || d.some((v, k) => k !== axis && v !== base[k])) {
      throw ctx.error(`cannot concatenate ${t.type}[${t.dims.join(',')}] with ${first.type}[${first.dims.join(',')}] on axis ${axis}`);
    }
    total += d[axis]!;
  }
  const outDims = base.map((d, k) => (k === axis ? total : d));
  const out = ctx.output(0, outDims, first.type);
  const outer = sizeOf(base.slice(0, axis));
  const inner = sizeOf(base.slice(axis + 1));
  let at = 0;
  for (const t of seq.tensors) {
    const len = dimsOf(t)[axis]!;
    for (let o = 0; o < outer; o++) copyRange(t.data, o * len * inner, out.data, (o * total + at) * inner, len * inner);
    at += len;
  }
}

function sequenceMap(ctx: KernelContext): void {
  const body = ctx.attrs.graph('body');
  if (body === undefined) throw ctx.error('SequenceMap needs a body graph');
  const ins = Array.from({ length: ctx.inputCount }, (_, i) => ctx.inputValue(i));
  const n = sequenceInput(ctx, 0).length;
  for (const v of ins) {
    if (v instanceof TensorSequence && v.length !== n) throw ctx.error(`sequence inputs differ in length (${v.length} vs ${n})`);
  }
  const outs: Tensor[][] = Array.from({ length: ctx.outputCount }, () => []);
  for (let k = 0; k < n; k++) {
    const args = ins.map((v, i): RuntimeValue => {
      if (v === undefined) throw ctx.error(`input ${i} is missing`);
      return v instanceof TensorSequence ? v.tensors[k]! : v;
    });
    ctx.runGraphValues(body, args).forEach((r, j) => {
      if (!(r instanceof Tensor)) throw ctx.error(`body output ${j} is a ${valueKindOf(r)}, not a tensor`);
      outs[j]?.push(cloneTensor(r));
    });
  }
  outs.forEach((ts, j) => {
    const t = body.outputs[j]?.type;
    const elem: TensorType | undefined = ts[0]?.type ?? (t?.kind === 'tensor' ? tensorTypeOf(t.dtype) : undefined);
    ctx.setValue(j, new TensorSequence(ts, elem));
  });
}

function optional(ctx: KernelContext): void {
  const v = ctx.inputValue(0);
  if (v === undefined) ctx.setValue(0, new OptionalValue());
  else if (v instanceof Tensor) ctx.setValue(0, new OptionalValue(cloneTensor(v)));
  else if (v instanceof TensorSequence) ctx.setValue(0, new OptionalValue(v));
  else throw ctx.error('an optional cannot hold an optional');
}

function optionalHasElement(ctx: KernelContext): void {
  const v = ctx.inputValue(0);
  const has = v === undefined ? false : v instanceof OptionalValue ? v.hasValue : true;
  const out = ctx.output(0, [], 'bool');
  (out.data as Uint8Array)[0] = has ? 1 : 0;
}

function optionalGetElement(ctx: KernelContext): void {
  const v = ctx.inputValue(0);
  if (v === undefined) throw ctx.error('input 0 is missing');
  const inner = v instanceof OptionalValue ? v.value : v;
  if (inner === undefined) throw ctx.error('the optional holds no value');
  if (inner instanceof Tensor) copyTo(ctx, 0, inner, inner.dims);
  else ctx.setValue(0, inner);
}

export const sequenceKernels: KernelTable = {
  SequenceEmpty: sequenceEmpty,
  SequenceConstruct: sequenceConstruct,
  SequenceAt: sequenceAt,
  SequenceInsert: sequenceInsert,
  SequenceErase: sequenceErase,
  SequenceLength: sequenceLength,
  SplitToSequence: splitToSequence,
  ConcatFromSequence: concatFromSequence,
  SequenceMap: sequenceMap,
  Optional: optional,
  OptionalHasElement: optionalHasElement,
  OptionalGetElement: optionalGetElement,
};
