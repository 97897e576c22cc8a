/**
 * Elementwise ops as data: each row is one small function. Unary rows take the node's attributes and give
 * `x => y`; binary rows give `(a, b) => y` with numpy broadcasting. Computation runs on numbers (float16
 * decoded, see numeric.ts); rows with a `big` form run exactly on int64/uint64 instead.
 */
import type { KernelContext, KernelTable } from '../../kernel.js';
import type { NodeAttributes } from '../../kernel.js';
import { allocData, isBigType, Tensor, type TensorType } from '../../tensor.js';
import { broadcastIndex, broadcastShape } from '../broadcast.js';
import { isIntegerType, numbersOf, scratchFor, storeNumbers } from '../numeric.js';

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
  Relu: u((x) => (x > 0 ? x : 0), (x) => (x > 0n ? x : 0n)),
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
    const f = row.f(ctx.attrs);
    const xs = numbersOf(x);
    const ys = scratchFor(outType, n);
    for (let i = 0; i < n; i++) ys[i] = f(xs[i]!);
    storeNumbers(ys, y);
  };
}

/** `a op b` into `out` (already shaped as the broadcast of a and b). */
export function binaryInto(row: BinaryRow, attrs: NodeAttributes, a: Tensor, b: Tensor, out: Tensor): void {
  const n = out.size;
  const ia = broadcastIndex(out.dims, a.dims);
  const ib = broadcastIndex(out.dims, b.dims);
  if (a.type === 'string') {
    // Only Equal takes strings (opset 19); strings compare as text.
    const as = a.data as string[];
    const bs = b.data as string[];
    const od = out.data as Uint8Array;
    for (let i = 0; i < n; i++) od[i] = Number(as[ia ? ia[i]! : i] === bs[ib ? ib[i]! : i]);
    return;
  }
  if (row.big && isBigType(a.type) && isBigType(b.type)) {
    const f = row.big(attrs);
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
    return;
  }
  const f = row.f(attrs, isIntegerType(out.type));
  const as = numbersOf(a);
  const bs = numbersOf(b);
  const os = scratchFor(out.type, n);
  if (!ia && !ib) for (let i = 0; i < n; i++) os[i] = f(as[i]!, bs[i]!);
  else if (!ia && b.size === 1) {
    const s = bs[0]!;
    for (let i = 0; i < n; i++) os[i] = f(as[i]!, s);
  } else for (let i = 0; i < n; i++) os[i] = f(as[ia ? ia[i]! : i]!, bs[ib ? ib[i]! : i]!);
  storeNumbers(os, out);
}

function shapeOf(ctx: KernelContext, ...ts: Tensor[]): number[] {
  const s = broadcastShape(...ts.map((t) => t.dims));
  if (!s) throw ctx.error(`cannot broadcast ${ts.map((t) => `[${t.dims.join(',')}]`).join(' with ')}`);
  return s;
}

function binaryKernel(row: BinaryRow) {
  return (ctx: KernelContext): void => {
    if (ctx.inputCount !== 2) return variadic(row, ctx, false);
    const a = ctx.input(0);
    const b = ctx.input(1);
    const y = ctx.output(0, shapeOf(ctx, a, b), row.bool ? 'bool' : a.type);
    binaryInto(row, ctx.attrs, a, b, y);
  };
}

/** Sum/Mean/Max/Min over 1..n inputs, folded pairwise. */
function variadic(row: BinaryRow, ctx: KernelContext, mean: boolean): void {
  const ins = Array.from({ length: ctx.inputCount }, (_, i) => ctx.input(i));
  const dims = shapeOf(ctx, ...ins);
  const type = ins[0]!.type;
  let acc = ins[0]!;
  for (let i = 1; i < ins.length; i++) {
    const next = new Tensor(type, allocData(type, dims.reduce((p, q) => p * q, 1)), dims);
    binaryInto(row, ctx.attrs, acc, ins[i]!, next);
    acc = next;
  }
  const y = ctx.output(0, dims, type);
  const idx = broadcastIndex(dims, acc.dims);
  const src = numbersOf(acc);
  const vals = scratchFor(type, y.size);
  const k = mean ? ins.length : 1;
  for (let i = 0; i < y.size; i++) vals[i] = src[idx ? idx[i]! : i]! / k;
  if (isBigType(type) && !mean) {
    const s = acc.data as BigInt64Array;
    for (let i = 0; i < y.size; i++) (y.data as BigInt64Array)[i] = s[idx ? idx[i]! : i]!;
  } else storeNumbers(vals, y);
}

function where(ctx: KernelContext): void {
  const c = ctx.input(0);
  const x = ctx.input(1);
  const yv = ctx.input(2);
  const dims = shapeOf(ctx, c, x, yv);
  const out = ctx.output(0, dims, x.type);
  const ic = broadcastIndex(dims, c.dims);
  const ix = broadcastIndex(dims, x.dims);
  const iy = broadcastIndex(dims, yv.dims);
  const cd = c.data as Uint8Array;
  const xd = x.data as unknown as ArrayLike<unknown>;
  const ydat = yv.data as unknown as ArrayLike<unknown>;
  const od = out.data as unknown as unknown[];
  for (let i = 0; i < out.size; i++) od[i] = cd[ic ? ic[i]! : i] ? xd[ix ? ix[i]! : i] : ydat[iy ? iy[i]! : i];
}

export const elementwiseKernels: KernelTable = {
  ...Object.fromEntries(Object.entries(UNARY).map(([op, row]) => [op, unaryKernel(row)])),
  ...Object.fromEntries(Object.entries(BINARY).map(([op, row]) => [op, binaryKernel(row)])),
  Mean: (ctx: KernelContext) => variadic(BINARY['Sum']!, ctx, true),
  Where: where,
};
