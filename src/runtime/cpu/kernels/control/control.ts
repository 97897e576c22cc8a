/**
 * Control flow: If, Loop, Scan. Each runs its subgraph attribute(s) through `ctx.runGraph`, which gives the
 * body the enclosing scopes' values; results are copied into this node's outputs (a body may return an outer
 * tensor or a constant as is).
 */
import type { Graph } from '../../../../ir/graph.js';
import type { Value } from '../../../../ir/value.js';
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { allocData, sizeOf, Tensor, tensorTypeOf, type TensorData, type TensorType } from '../../../tensor.js';
import { cloneTensor, OptionalValue, TensorSequence, type RuntimeValue } from '../../../values.js';
import { copyTo } from '../tensor/shape-ops.js';

/** A deep copy of a sequence or optional (its tensors are the kernel's own, as setValue requires). */
function cloneValue(v: TensorSequence | OptionalValue): TensorSequence | OptionalValue {
  if (v instanceof TensorSequence) return new TensorSequence(v.tensors.map(cloneTensor), v.elemType);
  const inner = v.value;
  return new OptionalValue(inner === undefined ? undefined : inner instanceof Tensor ? cloneTensor(inner) : (cloneValue(inner) as TensorSequence));
}

/** Output `i` becomes a copy of `v`, of any kind. */
function putValue(ctx: KernelContext, i: number, v: RuntimeValue): void {
  if (v instanceof Tensor) copyTo(ctx, i, v, v.dims);
  else ctx.setValue(i, cloneValue(v));
}

function asTensor(ctx: KernelContext, v: RuntimeValue | undefined, what: string): Tensor {
  if (!(v instanceof Tensor)) throw ctx.error(`${what} must be a tensor`);
  return v;
}

function subgraph(ctx: KernelContext, name: string): Graph {
  const g = ctx.attrs.graph(name);
  if (!g) throw ctx.error(`attribute ${JSON.stringify(name)} (a graph) is required`);
  return g;
}

function truthy(t: Tensor): boolean {
  const v = t.data[0];
  if (v === undefined) throw new Error('a condition must hold one element');
  return typeof v === 'bigint' ? v !== 0n : v !== 0;
}

function copyRange(src: TensorData, from: number, dst: TensorData, to: number, n: number): void {
  if (Array.isArray(src)) for (let i = 0; i < n; i++) (dst as string[])[to + i] = src[from + i]!;
  else (dst as Float32Array).set((src as Float32Array).subarray(from, from + n), to);
}

function iff(ctx: KernelContext): void {
  const branch = subgraph(ctx, truthy(ctx.input(0)) ? 'then_branch' : 'else_branch');
  const outs = ctx.runGraphValues(branch, []);
  if (outs.length !== ctx.outputCount) throw ctx.error(`the branch has ${outs.length} outputs, the node ${ctx.outputCount}`);
  outs.forEach((v, i) => putValue(ctx, i, v));
}

/** Type and per-iteration dims of a body output, for a scan output of zero iterations. */
function emptyScanOf(v: Value): { type: TensorType; dims: number[] } {
  const t = v.type;
  if (t?.kind !== 'tensor') return { type: 'float32', dims: [] };
  const dims = t.shape?.every((d): d is number => typeof d === 'number') ? [...t.shape] : [];
  return { type: tensorTypeOf(t.dtype) ?? 'float32', dims };
}

type Alloc = (dims: readonly number[], type: TensorType) => Tensor;

/** Stacks slices of equal dims along a new `axis` (slice `k` lands at position `k`) into a tensor from `alloc`. */
function stack(ctx: KernelContext, alloc: Alloc, slices: readonly Tensor[], axis: number, empty: { type: TensorType; dims: number[] }): Tensor {
  const first = slices[0];
  const sliceDims = first ? first.dims : empty.dims;
  const a = axis < 0 ? axis + sliceDims.length + 1 : axis;
  if (a < 0 || a > sliceDims.length) throw ctx.error(`scan output axis ${axis} is out of range for rank ${sliceDims.length + 1}`);
  const T = slices.length;
  const out = alloc([...sliceDims.slice(0, a), T, ...sliceDims.slice(a)], first ? first.type : empty.type);
  const outer = sizeOf(sliceDims.slice(0, a));
  const inner = sizeOf(sliceDims.slice(a));
  slices.forEach((s, p) => {
    if (s.type !== out.type || s.dims.join(',') !== sliceDims.join(',')) {
      throw ctx.error(`a scan output: iteration ${p} gives ${s.type}[${s.dims.join(',')}], the first ${out.type}[${sliceDims.join(',')}]`);
    }
    for (let o = 0; o < outer; o++) copyRange(s.data, o * inner, out.data, (o * T + p) * inner, inner);
  });
  return out;
}

/** Allocates output `i` of the node. */
const toOutput = (ctx: KernelContext, i: number): Alloc => (dims, type) => ctx.output(i, dims, type);
const scratch: Alloc = (dims, type) => new Tensor(type, allocData(type, sizeOf(dims)), dims);

/** Slice `k` of `x` along `axis`, with that axis removed. */
function sliceAt(x: Tensor, axis: number, k: number): Tensor {
  const len = x.dims[axis]!;
  const outer = sizeOf(x.dims.slice(0, axis));
  const inner = sizeOf(x.dims.slice(axis + 1));
  const dims = [...x.dims.slice(0, axis), ...x.dims.slice(axis + 1)];
  const buf = allocData(x.type, outer * inner);
  for (let o = 0; o < outer; o++) copyRange(x.data, (o * len + k) * inner, buf, o * inner, inner);
  return new Tensor(x.type, buf, dims);
}

function loop(ctx: KernelContext): void {
  const body = subgraph(ctx, 'body');
  const m = ctx.optionalInput(0);
  const c = ctx.optionalInput(1);
  const max = m === undefined ? undefined : BigInt(m.data[0] as bigint | number);
  let cond = c === undefined ? true : truthy(c);
  let carried: RuntimeValue[] = [];
  for (let i = 2; i < ctx.inputCount; i++) {
    const v = ctx.inputValue(i);
    if (v === undefined) throw ctx.error(`loop-carried input ${i} is omitted`);
    carried.push(v);
  }
  const n = carried.length;
  const k = ctx.outputCount - n;
  if (body.outputs.length !== 1 + n + k) throw ctx.error(`the body has ${body.outputs.length} outputs; expected 1 + ${n} carried + ${k} scan`);
  const scans: Tensor[][] = Array.from({ length: k }, () => []);
  for (let i = 0n; (max === undefined || i < max) && cond; i++) {
    const outs = ctx.runGraphValues(body, [new Tensor('int64', BigInt64Array.of(i), []), new Tensor('bool', Uint8Array.of(cond ? 1 : 0), []), ...carried]);
    cond = truthy(asTensor(ctx, outs[0], 'the body condition')); // honoured even when the cond input is omitted, as onnxruntime and the ONNX reference do
    carried = outs.slice(1, 1 + n);
    outs.slice(1 + n).forEach((t, j) => scans[j]!.push(asTensor(ctx, t, `scan output ${j}`)));
  }
  carried.forEach((v, i) => putValue(ctx, i, v));
  scans.forEach((s, j) => stack(ctx, toOutput(ctx, n + j), s, 0, emptyScanOf(body.outputs[1 + n + j]!)));
}

interface ScanSpec {
  inputAxes: number[];
  inputReverse: boolean[];
  outputAxes: number[];
  outputReverse: boolean[];
}

/** One scan over states and scan inputs; returns final states and, per scan output, its slices in output order. */
function scanCore(ctx: KernelContext, body: Graph, states: Tensor[], xs: Tensor[], spec: ScanSpec): { states: Tensor[]; scans: Tensor[][] } {
  const axes = xs.map((x, j) => {
    const a = spec.inputAxes[j] ?? 0;
    const r = a < 0 ? a + x.dims.length : a;
    if (r < 0 || r >= x.dims.length) throw ctx.error(`scan input ${j}: axis ${a} is out of range for rank ${x.dims.length}`);
    return r;
  });
  const T = xs.length > 0 ? xs[0]!.dims[axes[0]!]! : 0;
  xs.forEach((x, j) => {
    if (x.dims[axes[j]!] !== T) throw ctx.error(`scan input ${j} has length ${x.dims[axes[j]!]} along its scan axis, input 0 has ${T}`);
  });
  const k = body.outputs.length - states.length;
  const scans: Tensor[][] = Array.from({ length: k }, () => []);
  for (let t = 0; t < T; t++) {
    const slices = xs.map((x, j) => sliceAt(x, axes[j]!, spec.inputReverse[j] ? T - 1 - t : t));
    const outs = ctx.runGraph(body, [...states, ...slices]);
    states = outs.slice(0, states.length);
    outs.slice(states.length).forEach((o, j) => scans[j]!.push(o));
  }
  scans.forEach((s, j) => spec.outputReverse[j] && s.reverse());
  return { states, scans };
}

function flags(ctx: KernelContext, name: string, n: number): boolean[] {
  const v = ctx.attrs.intsOpt(name) ?? [];
  return Array.from({ length: n }, (_, i) => (v[i] ?? 0) !== 0);
}

function scan(ctx: KernelContext): void {
  const body = subgraph(ctx, 'body');
  const m = ctx.attrs.int('num_scan_inputs');
  if (ctx.opset < 9) return scan8(ctx, body, m);
  const n = ctx.inputCount - m;
  const k = ctx.outputCount - n;
  const inputs = Array.from({ length: ctx.inputCount }, (_, i) => ctx.input(i));
  const spec: ScanSpec = {
    inputAxes: ctx.attrs.intsOpt('scan_input_axes') ?? [],
    inputReverse: flags(ctx, 'scan_input_directions', m),
    outputAxes: ctx.attrs.intsOpt('scan_output_axes') ?? [],
    outputReverse: flags(ctx, 'scan_output_directions', k),
  };
  const r = scanCore(ctx, body, inputs.slice(0, n), inputs.slice(n), spec);
  r.states.forEach((t, i) => copyTo(ctx, i, t, t.dims));
  r.scans.forEach((s, j) => stack(ctx, toOutput(ctx, n + j), s, spec.outputAxes[j] ?? 0, emptyScanOf(body.outputs[n + j]!)));
}

/** Scan-8: a leading batch axis on states and scan inputs (scanned along axis 1), optional sequence_lens. */
function scan8(ctx: KernelContext, body: Graph, m: number): void {
  const lens = ctx.optionalInput(0);
  const inputs = Array.from({ length: ctx.inputCount - 1 }, (_, i) => ctx.input(i + 1));
  const n = inputs.length - m;
  const k = ctx.outputCount - n;
  const first = inputs[0];
  const B = first ? first.dims[0]! : 0;
  const spec: ScanSpec = { inputAxes: [], inputReverse: flags(ctx, 'directions', m), outputAxes: [], outputReverse: [] };
  const states: Tensor[][] = Array.from({ length: n }, () => []);
  const scans: Tensor[][] = Array.from({ length: k }, () => []);
  for (let b = 0; b < B; b++) {
    const per = inputs.map((x) => sliceAt(x, 0, b));
    const len = per[n]?.dims[0] ?? 0;
    if (lens && Number(lens.data[b]) !== len) throw ctx.error('Scan-8 sequence_lens shorter than the scan axis is not supported');
    const r = scanCore(ctx, body, per.slice(0, n), per.slice(n), spec);
    r.states.forEach((t, i) => states[i]!.push(t));
    r.scans.forEach((s, j) => scans[j]!.push(stack(ctx, scratch, s, 0, emptyScanOf(body.outputs[n + j]!))));
  }
  states.forEach((s, i) => stack(ctx, toOutput(ctx, i), s, 0, { type: inputs[i]!.type, dims: inputs[i]!.dims.slice(1) }));
  scans.forEach((s, j) => stack(ctx, toOutput(ctx, n + j), s, 0, emptyScanOf(body.outputs[n + j]!)));
}

export const controlKernels: KernelTable = {
  If: iff,
  Loop: loop,
  Scan: scan,
};
