/**
 * Reductions as rows of (init, step, finish) over the reduced elements, plus ArgMax/ArgMin. Axes come
 * from the attribute before the op's input form (ReduceSum 13, the others 18).
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { isBigType, sizeOf, type Tensor } from '../../../tensor.js';
import { stridesOf } from '../../broadcast.js';
import { intsOf, isNumberStorage, numbersOf, scratchFor, storeNumbers } from '../../numeric.js';
import { memoDims } from '../../shape-memo.js';
import { perRow } from '../../specialise.js';

interface ReduceRow {
  init: number;
  step: (acc: number, x: number) => number;
  finish?: (acc: number, count: number) => number;
  /** Opset from which axes are an input. */
  axesInput: number;
}

const ROWS: Record<string, ReduceRow> = {
  ReduceSum: { init: 0, step: (a, x) => a + x, axesInput: 13 },
  ReduceMean: { init: 0, step: (a, x) => a + x, finish: (a, n) => a / n, axesInput: 18 },
  ReduceMax: { init: -Infinity, step: (a, x) => (x > a || x !== x ? x : a), axesInput: 18 },
  ReduceMin: { init: Infinity, step: (a, x) => (x < a || x !== x ? x : a), axesInput: 18 },
  ReduceProd: { init: 1, step: (a, x) => a * x, axesInput: 18 },
  ReduceL1: { init: 0, step: (a, x) => a + Math.abs(x), axesInput: 18 },
  ReduceL2: { init: 0, step: (a, x) => a + x * x, finish: (a) => Math.sqrt(a), axesInput: 18 },
  ReduceSumSquare: { init: 0, step: (a, x) => a + x * x, axesInput: 18 },
  ReduceLogSum: { init: 0, step: (a, x) => a + x, finish: (a) => Math.log(a), axesInput: 18 },
  ReduceLogSumExp: { init: 0, step: (a, x) => a + Math.exp(x), finish: (a) => Math.log(a), axesInput: 18 },
};

/** For each output element, the input offsets it reduces over: an outer odometer and an inner one. */
export function reducePlan(dims: readonly number[], axes: readonly number[]): { outDims: number[]; keptSteps: number[]; redDims: number[]; redSteps: number[] } {
  const s = stridesOf(dims);
  const outDims: number[] = [];
  const keptSteps: number[] = [];
  const redDims: number[] = [];
  const redSteps: number[] = [];
  dims.forEach((d, i) => {
    if (axes.includes(i)) {
      redDims.push(d);
      redSteps.push(s[i]!);
    } else {
      outDims.push(d);
      keptSteps.push(s[i]!);
    }
  });
  return { outDims, keptSteps, redDims, redSteps };
}

/** Offsets of every element of an odometer over `dims` with `steps`. */
export function offsets(dims: readonly number[], steps: readonly number[]): Int32Array {
  const n = sizeOf(dims);
  const out = new Int32Array(n);
  const c = new Array<number>(dims.length).fill(0);
  let off = 0;
  for (let k = 0; k < n; k++) {
    out[k] = off;
    for (let d = dims.length - 1; d >= 0; d--) {
      c[d]!++;
      off += steps[d]!;
      if (c[d]! < dims[d]!) break;
      off -= steps[d]! * c[d]!;
      c[d] = 0;
    }
  }
  return out;
}

type Step = (acc: number, x: number) => number;
type Out = { [i: number]: number };

// Copied per row (Note [Specialised loop copies] in ../../specialise.ts): keep them self-contained.
/** Output o reduces `xs[outer[o] + inner[i]]` over i. */
function reduceGather(init: number, step: Step, xs: ArrayLike<number>, outer: Int32Array, inner: Int32Array, acc: Out): void {
  const count = inner.length;
  for (let o = 0; o < outer.length; o++) {
    const b = outer[o]!;
    let a = init;
    for (let i = 0; i < count; i++) a = step(a, xs[b + inner[i]!]!);
    acc[o] = a;
  }
}
/** Output o reduces the contiguous run `xs[o * count ..]` (the reduced axes are the trailing ones). */
function reduceRuns(init: number, step: Step, xs: ArrayLike<number>, outputs: number, count: number, acc: Out): void {
  for (let o = 0, b = 0; o < outputs; o++, b += count) {
    let a = init;
    for (let i = 0; i < count; i++) a = step(a, xs[b + i]!);
    acc[o] = a;
  }
}
const gatherLoop = perRow<ReduceRow, typeof reduceGather>(reduceGather);
const runsLoop = perRow<ReduceRow, typeof reduceRuns>(reduceRuns);

interface Plan {
  outDims: number[];
  /** Set when the reduced axes are not a trailing block. */
  outer?: Int32Array;
  inner?: Int32Array;
  count: number;
}

function planOf(dims: readonly number[], axes: readonly number[]): Plan {
  const p = reducePlan(dims, axes);
  const count = sizeOf(p.redDims);
  // Trailing: every reduced axis comes after every kept axis of size > 1.
  const firstRed = dims.findIndex((d, i) => axes.includes(i) && d !== 1);
  const trailing = firstRed < 0 || dims.every((d, i) => i < firstRed || d === 1 || axes.includes(i));
  if (trailing) return { outDims: p.outDims, count };
  return { outDims: p.outDims, outer: offsets(p.outDims, p.keptSteps), inner: offsets(p.redDims, p.redSteps), count };
}

function reduceAxes(ctx: KernelContext, x: Tensor, fromInput: boolean): number[] | undefined {
  const r = x.dims.length;
  let axes: number[] | undefined;
  if (fromInput) {
    const t = ctx.optionalInput(1);
    axes = t && t.size > 0 ? intsOf(t) : undefined;
  } else axes = ctx.attrs.intsOpt('axes');
  if (axes === undefined || axes.length === 0) {
    if (fromInput && ctx.attrs.int('noop_with_empty_axes', 0) !== 0) return undefined;
    return Array.from({ length: r }, (_, i) => i);
  }
  return axes.map((a) => (a < 0 ? a + r : a));
}

function reduceKernel(op: string, row: ReduceRow) {
  return (ctx: KernelContext): void => {
    const x = ctx.input(0);
    const keep = ctx.attrs.int('keepdims', 1) !== 0;
    const axes = reduceAxes(ctx, x, ctx.opset >= row.axesInput);
    if (axes === undefined) {
      const out = ctx.output(0, x.dims, x.type);
      (out.data as Float32Array).set(x.data as Float32Array);
      return;
    }
    const p = memoDims(ctx, 'reduce', [x.dims, axes], () => planOf(x.dims, axes));
    const outDims = keep ? x.dims.map((d, i) => (axes.includes(i) ? 1 : d)) : p.outDims;
    const out = ctx.output(0, outDims, x.type);
    const count = p.count;
    if (isBigType(x.type) && (op === 'ReduceSum' || op === 'ReduceProd' || op === 'ReduceMax' || op === 'ReduceMin')) {
      const outer = p.outer ?? Int32Array.from({ length: out.size }, (_, o) => o * count);
      const inner = p.inner ?? Int32Array.from({ length: count }, (_, i) => i);
      const xs = x.data as BigInt64Array;
      const ys = out.data as BigInt64Array;
      for (let o = 0; o < outer.length; o++) {
        let acc = op === 'ReduceProd' ? 1n : op === 'ReduceSum' ? 0n : xs[outer[o]! + inner[0]!]!;
        for (let i = 0; i < count; i++) {
          const v = xs[outer[o]! + inner[i]!]!;
          acc = op === 'ReduceSum' ? acc + v : op === 'ReduceProd' ? acc * v : op === 'ReduceMax' ? (v > acc ? v : acc) : v < acc ? v : acc;
        }
        ys[o] = BigInt.asIntN(64, acc);
      }
      return;
    }
    const xs = isNumberStorage(x.type) ? (x.data as ArrayLike<number>) : numbersOf(x);
    const outputs = out.size;
    // Accumulate in double (a buffer kept for the step), then finish and store in the output's type.
    const buf = ctx.memo('acc', () => ({ acc: new Float64Array(0) }));
    if (buf.acc.length !== outputs) buf.acc = new Float64Array(outputs);
    const acc = buf.acc;
    if (p.outer && p.inner) gatherLoop(row)(row.init, row.step, xs, p.outer, p.inner, acc);
    else runsLoop(row)(row.init, row.step, xs, outputs, count, acc);
    if (row.finish) for (let o = 0; o < outputs; o++) acc[o] = row.finish(acc[o]!, count);
    storeNumbers(acc, out);
  };
}

function argKernel(max: boolean) {
  return (ctx: KernelContext): void => {
    const x = ctx.input(0);
    const r = x.dims.length;
    let axis = ctx.attrs.int('axis', 0);
    if (axis < 0) axis += r;
    const keep = ctx.attrs.int('keepdims', 1) !== 0;
    const last = ctx.attrs.int('select_last_index', 0) !== 0;
    const p = reducePlan(x.dims, [axis]);
    const out = ctx.output(0, keep ? x.dims.map((d, i) => (i === axis ? 1 : d)) : p.outDims, 'int64');
    const outer = offsets(p.outDims, p.keptSteps);
    const d = x.dims[axis]!;
    const st = p.redSteps[0]!;
    const xs = isBigType(x.type) ? (x.data as BigInt64Array) : numbersOf(x);
    const ys = out.data as BigInt64Array;
    for (let o = 0; o < outer.length; o++) {
      let best = 0;
      let bv = xs[outer[o]!]!;
      for (let i = 1; i < d; i++) {
        const v = xs[outer[o]! + i * st]!;
        if (max ? v > bv || (last && v === bv) : v < bv || (last && v === bv)) {
          best = i;
          bv = v;
        }
      }
      ys[o] = BigInt(best);
    }
  };
}

export const reduceKernels: KernelTable = {
  ...Object.fromEntries(Object.entries(ROWS).map(([op, row]) => [op, reduceKernel(op, row)])),
  ArgMax: argKernel(true),
  ArgMin: argKernel(false),
};
