/**
 * Elementwise ops as data: each row is one small function. Unary rows take the node's attributes and give
 * `x => y`; binary rows give `(a, b) => y` with numpy broadcasting. Computation runs on numbers (float16
 * decoded, see numeric.ts); rows with a `big` form run exactly on int64/uint64 instead.
 *
 * The rows are driven over blocks `(x, xo, y, yo, n)` by loops specialised per row (Note [Specialised loop
 * copies] in ../specialise.ts); a binary op runs as the runs of `broadcastBlocks` (same shape and scalars
 * are one run, a last-axis vector one run per row, a per-channel operand one run per plane). Types stored
 * as numbers are read and written in place; float16, the low-precision floats and int64 go through scratch.
 * `unaryBlock` / `binaryBlock` hand the same block functions to callers that fuse elementwise chains.
 */
import type { KernelContext, KernelTable } from '../../kernel.js';
import type { NodeAttributes } from '../../kernel.js';
import { isBigType, type NumericData, type Tensor, type TensorType } from '../../tensor.js';
import { broadcastBlocks, broadcastIndex, broadcastShape, type BroadcastBlocks } from '../broadcast.js';
import { isIntegerType, isNumberStorage, numbersOf, scratchFor, storeNumbers } from '../numeric.js';
import { memoDims } from '../shape-memo.js';
import { perRow } from '../specialise.js';

type Num1 = (x: number) => number;
type Big1 = (x: bigint) => bigint;
interface UnaryRow {
  f: (a: NodeAttributes) => Num1;
  big?: Big1;
  bool?: true;
}

const u = (f: Num1, big?: Big1): UnaryRow => ({ f: () => f, ...(big ? { big } : {}) });

/** Round half to even, as ONNX Round does. */
function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** erf via Abramowitz-Stegun 7.1.26 refined: |error| < 1.2e-7, below float32 resolution near 1. */
function erf(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
}

const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

export const UNARY: Readonly<Record<string, UnaryRow>> = {
  Abs: u(Math.abs, (x) => (x < 0n ? -x : x)),
  Neg: u((x) => -x, (x) => -x),
  Exp: u(Math.exp),
  Log: u(Math.log),
  Sqrt: u(Math.sqrt),
  Reciprocal: u((x) => 1 / x),
  Floor: u(Math.floor),
  Ceil: u(Math.ceil),
  Round: u(roundEven),
  Sign: u(Math.sign, (x) => (x > 0n ? 1n : x < 0n ? -1n : 0n)),
  Sin: u(Math.sin),
  Cos: u(Math.cos),
  Tan: u(Math.tan),
  Asin: u(Math.asin),
  Acos: u(Math.acos),
  Atan: u(Math.atan),
  Sinh: u(Math.sinh),
  Cosh: u(Math.cosh),
  Tanh: u(Math.tanh),
  Asinh: u(Math.asinh),
  Acosh: u(Math.acosh),
  Atanh: u(Math.atanh),
  Erf: u(erf),
  Sigmoid: u((x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))),
  // NaN stays NaN (onnxruntime, and the ONNX reference np.maximum(x, 0)); -0 stays -0 (onnxruntime).
  Relu: u((x) => (x < 0 ? 0 : x), (x) => (x > 0n ? x : 0n)),
  Softplus: u(softplus),
  Softsign: u((x) => x / (1 + Math.abs(x))),
  Not: u((x) => (x ? 0 : 1)),
  BitwiseNot: u((x) => ~x, (x) => ~x),
  IsNaN: { f: () => (x) => Number(x !== x), bool: true },
  IsInf: {
    f: (a) => {
      const neg = a.int('detect_negative', 1) !== 0;
      const pos = a.int('detect_positive', 1) !== 0;
      return (x) => Number((pos && x === Infinity) || (neg && x === -Infinity));
    },
    bool: true,
  },
  HardSigmoid: {
    f: (a) => {
      const alpha = a.float('alpha', 0.2);
      const beta = a.float('beta', 0.5);
      return (x) => Math.max(0, Math.min(1, alpha * x + beta));
    },
  },
  LeakyRelu: { f: (a) => ((alpha) => (x: number) => (x >= 0 ? x : alpha * x))(a.float('alpha', 0.01)) },
  Elu: { f: (a) => ((alpha) => (x: number) => (x >= 0 ? x : alpha * (Math.exp(x) - 1)))(a.float('alpha', 1)) },
  Selu: {
    f: (a) => {
      const alpha = a.float('alpha', 1.67326319217681884765625);
      const gamma = a.float('gamma', 1.05070102214813232421875);
      return (x) => (x > 0 ? gamma * x : gamma * alpha * (Math.exp(x) - 1));
    },
  },
  Celu: { f: (a) => ((alpha) => (x: number) => Math.max(0, x) + Math.min(0, alpha * (Math.exp(x / alpha) - 1)))(a.float('alpha', 1)) },
  ThresholdedRelu: { f: (a) => ((alpha) => (x: number) => (x > alpha ? x : 0))(a.float('alpha', 1)) },
  HardSwish: u((x) => x * Math.max(0, Math.min(1, x / 6 + 0.5))),
  Mish: u((x) => x * Math.tanh(softplus(x))),
  Gelu: {
    f: (a) =>
      a.string('approximate', 'none') === 'tanh'
        ? (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))
        : (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  },
  Shrink: {
    f: (a) => {
      const bias = a.float('bias', 0);
      const lambd = a.float('lambd', 0.5);
      return (x) => (x < -lambd ? x + bias : x > lambd ? x - bias : 0);
    },
  },
};

type Num2 = (a: number, b: number) => number;
type Big2 = (a: bigint, b: bigint) => bigint | number;
interface BinaryRow {
  /** `int`: the result type is an integer type (Div truncates, Mod follows the divisor's sign). */
  f: (a: NodeAttributes, int: boolean) => Num2;
  big?: (a: NodeAttributes) => Big2;
  bool?: true;
}

const b2 = (f: Num2, big?: Big2, bool?: true): BinaryRow => ({ f: () => f, ...(big ? { big: () => big } : {}), ...(bool ? { bool } : {}) });
const cmp = (f: Num2, big: Big2): BinaryRow => b2(f, big, true);

function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}
function pyModBig(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const r = a % b;
  return r !== 0n && r < 0n !== b < 0n ? r + b : r;
}

export const BINARY: Readonly<Record<string, BinaryRow>> = {
  Add: b2((a, b) => a + b, (a, b) => a + b),
  Sub: b2((a, b) => a - b, (a, b) => a - b),
  Mul: b2((a, b) => a * b, (a, b) => a * b),
  Div: { f: (_a, int) => (int ? (a, b) => Math.trunc(a / b) : (a, b) => a / b), big: () => (a, b) => (b === 0n ? 0n : a / b) },
  Pow: { f: () => Math.pow, big: () => (a, b) => (b < 0n ? (a === 1n ? 1n : 0n) : a ** b) },
  Mod: {
    f: (a, int) => (a.int('fmod', 0) !== 0 || !int ? (x, y) => x % y : pyMod),
    big: (a) => (a.int('fmod', 0) !== 0 ? (x, y) => (y === 0n ? 0n : x % y) : pyModBig),
  },
  Max: b2((a, b) => (a !== a || b !== b ? NaN : a > b ? a : b), (a, b) => (a > b ? a : b)),
  Min: b2((a, b) => (a !== a || b !== b ? NaN : a < b ? a : b), (a, b) => (a < b ? a : b)),
  Sum: b2((a, b) => a + b, (a, b) => a + b),
  Equal: cmp((a, b) => Number(a === b), (a, b) => Number(a === b)),
  Less: cmp((a, b) => Number(a < b), (a, b) => Number(a < b)),
  LessOrEqual: cmp((a, b) => Number(a <= b), (a, b) => Number(a <= b)),
  Greater: cmp((a, b) => Number(a > b), (a, b) => Number(a > b)),
  GreaterOrEqual: cmp((a, b) => Number(a >= b), (a, b) => Number(a >= b)),
  And: b2((a, b) => Number(a !== 0 && b !== 0)),
  Or: b2((a, b) => Number(a !== 0 || b !== 0)),
  Xor: b2((a, b) => Number((a !== 0) !== (b !== 0))),
  BitwiseAnd: b2((a, b) => a & b, (a, b) => a & b),
  BitwiseOr: b2((a, b) => a | b, (a, b) => a | b),
  BitwiseXor: b2((a, b) => a ^ b, (a, b) => a ^ b),
  BitShift: {
    f: (a) => (a.string('direction') === 'LEFT' ? (x, y) => (y >= 32 ? 0 : (x << y) >>> 0) : (x, y) => (y >= 32 ? 0 : x >>> y)),
    big: (a) => (a.string('direction') === 'LEFT' ? (x, y) => BigInt.asUintN(64, x << y) : (x, y) => x >> y),
  },
  PRelu: b2((x, s) => (x < 0 ? x * s : x)),
};

/** Numbers read by a block. */
export type Nums = ArrayLike<number>;
/** Numbers written by a block. */
export interface NumsOut {
  [i: number]: number;
}
/** `y[yo + i] = op(x[xo + i])` for i < n. */
export type UnaryBlock = (x: Nums, xo: number, y: NumsOut, yo: number, n: number) => void;
/** `y[yo + i] = op(a[ao + i * sa], b[bo + i * sb])` for i < n, with the steps fixed by the variant. */
export type BinaryBlock = (a: Nums, ao: number, b: Nums, bo: number, y: NumsOut, yo: number, n: number) => void;
/** A binary op's blocks: both inputs vary (vv), `b` is one value (vs), `a` is one value (sv). */
export interface BinaryBlocks {
  readonly vv: BinaryBlock;
  readonly vs: BinaryBlock;
  readonly sv: BinaryBlock;
}

// The loops below are copied per row (Note [Specialised loop copies]): keep them self-contained.
function mapUnary(f: Num1, x: Nums, xo: number, y: NumsOut, yo: number, n: number): void {
  for (let i = 0; i < n; i++) y[yo + i] = f(x[xo + i]!);
}
function mapVV(f: Num2, a: Nums, ao: number, b: Nums, bo: number, y: NumsOut, yo: number, n: number): void {
  for (let i = 0; i < n; i++) y[yo + i] = f(a[ao + i]!, b[bo + i]!);
}
function mapVS(f: Num2, a: Nums, ao: number, b: Nums, bo: number, y: NumsOut, yo: number, n: number): void {
  const s = b[bo]!;
  for (let i = 0; i < n; i++) y[yo + i] = f(a[ao + i]!, s);
}
function mapSV(f: Num2, a: Nums, ao: number, b: Nums, bo: number, y: NumsOut, yo: number, n: number): void {
  const s = a[ao]!;
  for (let i = 0; i < n; i++) y[yo + i] = f(s, b[bo + i]!);
}

const unaryLoop = perRow<UnaryRow, typeof mapUnary>(mapUnary);
const vvLoop = perRow<BinaryRow, typeof mapVV>(mapVV);
const vsLoop = perRow<BinaryRow, typeof mapVS>(mapVS);
const svLoop = perRow<BinaryRow, typeof mapSV>(mapSV);

/** The block function of unary `op` with the node's attributes; undefined when `op` is not in the table. */
export function unaryBlock(op: string, attrs: NodeAttributes): UnaryBlock | undefined {
  const row = UNARY[op];
  if (row === undefined) return undefined;
  const f = row.f(attrs);
  const loop = unaryLoop(row);
  return (x, xo, y, yo, n) => loop(f, x, xo, y, yo, n);
}

/** The block functions of binary `op`; `int`: the result type is an integer type (see BinaryRow). */
export function binaryBlock(op: string, attrs: NodeAttributes, int: boolean): BinaryBlocks | undefined {
  const row = BINARY[op];
  if (row === undefined) return undefined;
  const f = row.f(attrs, int);
  const [vv, vs, sv] = [vvLoop(row), vsLoop(row), svLoop(row)];
  return {
    vv: (a, ao, b, bo, y, yo, n) => vv(f, a, ao, b, bo, y, yo, n),
    vs: (a, ao, b, bo, y, yo, n) => vs(f, a, ao, b, bo, y, yo, n),
    sv: (a, ao, b, bo, y, yo, n) => sv(f, a, ao, b, bo, y, yo, n),
  };
}

function unaryKernel(row: UnaryRow) {
  return (ctx: KernelContext): void => {
    const x = ctx.input(0);
    const outType: TensorType = row.bool ? 'bool' : x.type;
    const y = ctx.output(0, x.dims, outType);
    const n = x.size;
    if (row.big && isBigType(x.type) && !row.bool) {
      const xs = x.data as BigInt64Array;
      const ys = y.data as BigInt64Array;
      for (let i = 0; i < n; i++) ys[i] = row.big(xs[i]!);
      if (x.type === 'uint64') for (let i = 0; i < n; i++) ys[i] = BigInt.asUintN(64, ys[i]!);
      return;
    }
    const f = ctx.memo('f', () => row.f(ctx.attrs));
    const xs = isNumberStorage(x.type) ? (x.data as Nums) : numbersOf(x);
    const direct = isNumberStorage(outType);
    const ys = direct ? (y.data as NumsOut) : scratchFor(outType, n);
    unaryLoop(row)(f, xs, 0, ys, 0, n);
    if (!direct) storeNumbers(ys as ArrayLike<number>, y);
  };
}

/**
 * `a op b` into `out` (already shaped as the broadcast of a and b). `f` and `blocks` may be given by a
 * caller that memoised them (`row.f(attrs, int)` and `broadcastBlocks(out.dims, a.dims, b.dims)`).
 * `out` may be `a` itself (in-place accumulation) when it has `a`'s shape.
 */
export function binaryInto(row: BinaryRow, attrs: NodeAttributes, a: Tensor, b: Tensor, out: Tensor, f?: Num2, blocks?: BroadcastBlocks): void {
  const n = out.size;
  if (a.type === 'string') {
    // Only Equal takes strings (opset 19); strings compare as text.
    const ia = broadcastIndex(out.dims, a.dims);
    const ib = broadcastIndex(out.dims, b.dims);
    const as = a.data as string[];
    const bs = b.data as string[];
    const od = out.data as Uint8Array;
    for (let i = 0; i < n; i++) od[i] = Number(as[ia ? ia[i]! : i] === bs[ib ? ib[i]! : i]);
    return;
  }
  if (row.big && isBigType(a.type) && isBigType(b.type)) return bigBinary(row, attrs, a, b, out);
  f ??= row.f(attrs, isIntegerType(out.type));
  const as = isNumberStorage(a.type) ? (a.data as Nums) : numbersOf(a);
  const bs = isNumberStorage(b.type) ? (b.data as Nums) : numbersOf(b);
  const direct = isNumberStorage(out.type);
  const os = direct ? (out.data as NumsOut) : scratchFor(out.type, n);
  if (a.size === n && b.size === n) vvLoop(row)(f, as, 0, bs, 0, os, 0, n);
  else if (a.size === n && b.size === 1) vsLoop(row)(f, as, 0, bs, 0, os, 0, n);
  else if (a.size === 1 && b.size === n) svLoop(row)(f, as, 0, bs, 0, os, 0, n);
  else if (n > 0) {
    const p = blocks ?? broadcastBlocks(out.dims, a.dims, b.dims);
    const { inner, count, aOff, bOff } = p;
    const loop = p.aStep && p.bStep ? vvLoop(row) : p.aStep ? vsLoop(row) : svLoop(row);
    for (let k = 0; k < count; k++) loop(f, as, aOff[k]!, bs, bOff[k]!, os, k * inner, inner);
  }
  if (!direct) storeNumbers(os as ArrayLike<number>, out);
}

function bigBinary(row: BinaryRow, attrs: NodeAttributes, a: Tensor, b: Tensor, out: Tensor): void {
  const n = out.size;
  const ia = broadcastIndex(out.dims, a.dims);
  const ib = broadcastIndex(out.dims, b.dims);
  const f = row.big!(attrs);
  const as = a.data as BigInt64Array;
  const bs = b.data as BigInt64Array;
  const od = out.data;
  const unsigned = out.type === 'uint64';
  const bigOut = isBigType(out.type);
  for (let i = 0; i < n; i++) {
    const r = f(as[ia ? ia[i]! : i]!, bs[ib ? ib[i]! : i]!);
    if (bigOut) (od as BigInt64Array)[i] = unsigned ? BigInt.asUintN(64, r as bigint) : BigInt.asIntN(64, r as bigint);
    else (od as Uint8Array)[i] = Number(r);
  }
}

function shapeOf(ctx: KernelContext, ...ts: Tensor[]): number[] {
  const s = broadcastShape(...ts.map((t) => t.dims));
  if (!s) throw ctx.error(`cannot broadcast ${ts.map((t) => `[${t.dims.join(',')}]`).join(' with ')}`);
  return s;
}

/** Same dims (the common case, checked without allocating). */
function sameDims(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function binaryKernel(row: BinaryRow) {
  return (ctx: KernelContext): void => {
    if (ctx.inputCount !== 2) return variadic(row, ctx, false);
    const a = ctx.input(0);
    const b = ctx.input(1);
    const outType = row.bool ? 'bool' : a.type;
    const dims = sameDims(a.dims, b.dims) || b.size === 1 && b.dims.length <= a.dims.length ? a.dims : shapeOf(ctx, a, b);
    const y = ctx.output(0, dims, outType);
    const int = isIntegerType(outType);
    const f = ctx.memo(int ? 'f:int' : 'f', () => row.f(ctx.attrs, int));
    const n = y.size;
    const general = !(a.size === n && (b.size === n || b.size === 1)) && !(a.size === 1 && b.size === n) && a.type !== 'string';
    const blocks = general ? memoDims(ctx, 'runs', [a.dims, b.dims], () => broadcastBlocks(dims, a.dims, b.dims)) : undefined;
    binaryInto(row, ctx.attrs, a, b, y, f, blocks);
  };
}

/** Sum/Mean/Max/Min over 1..n inputs, folded pairwise into the output. */
function variadic(row: BinaryRow, ctx: KernelContext, mean: boolean): void {
  const ins = Array.from({ length: ctx.inputCount }, (_, i) => ctx.input(i));
  const dims = shapeOf(ctx, ...ins);
  const type = ins[0]!.type;
  const y = ctx.output(0, dims, type);
  const first = ins[0]!;
  if (ins.length === 1) {
    const src = broadcastIndex(dims, first.dims);
    const from = first.data as NumericData;
    const to = y.data as NumericData;
    for (let i = 0; i < y.size; i++) to[i] = from[src ? src[i]! : i]!;
  } else {
    binaryInto(row, ctx.attrs, first, ins[1]!, y);
    for (let i = 2; i < ins.length; i++) binaryInto(row, ctx.attrs, y, ins[i]!, y);
  }
  if (!mean) return;
  const k = ins.length;
  if (isNumberStorage(type)) {
    const d = y.data as Float32Array;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! / k;
  } else {
    const vals = Float64Array.from(numbersOf(y));
    for (let i = 0; i < vals.length; i++) vals[i] = vals[i]! / k;
    storeNumbers(vals, y);
  }
}

function where(ctx: KernelContext): void {
  const c = ctx.input(0);
  const x = ctx.input(1);
  const yv = ctx.input(2);
  const same = sameDims(c.dims, x.dims) && sameDims(c.dims, yv.dims);
  const dims = same ? c.dims : shapeOf(ctx, c, x, yv);
  const out = ctx.output(0, dims, x.type);
  const cd = c.data as Uint8Array;
  const xd = x.data as unknown as ArrayLike<unknown>;
  const yd = yv.data as unknown as ArrayLike<unknown>;
  const od = out.data as unknown as unknown[];
  const n = out.size;
  if (same) {
    for (let i = 0; i < n; i++) od[i] = cd[i] ? xd[i] : yd[i];
    return;
  }
  const [ic, ix, iy] = memoDims(ctx, 'where', [c.dims, x.dims, yv.dims], () => [c, x, yv].map((t) => broadcastIndex(dims, t.dims)));
  for (let i = 0; i < n; i++) od[i] = cd[ic ? ic[i]! : i] ? xd[ix ? ix[i]! : i] : yd[iy ? iy[i]! : i];
}

export const elementwiseKernels: KernelTable = {
  ...Object.fromEntries(Object.entries(UNARY).map(([op, row]) => [op, unaryKernel(row)])),
  ...Object.fromEntries(Object.entries(BINARY).map(([op, row]) => [op, binaryKernel(row)])),
  Mean: (ctx: KernelContext) => variadic(BINARY['Sum']!, ctx, true),
  Where: where,
};
