/**
 * Python arithmetic on literals, folded while interpreting: loop counters, `k + 1`, `i % 2 == 0`, the
 * `torch.eq(i, 0)` spelling TorchScript prints for int comparisons. Folding is what lets `if` and
 * `for ... in range(...)` with constant conditions run at import time. Semantics are Python's: ints are
 * exact (BigInt underneath), `//` and `%` round toward -inf, `/` always gives a float, bools count as
 * ints. Anything that would raise in Python (division by zero) or that we do not model is left
 * unfolded (undefined), and the caller reports it.
 */
import type { BinaryOp, CompareOp, UnaryOp } from '../../../formats/torch/torchscript/index.js';
import { bool, float, int, truthy, type Literal, type PyVal } from './py-values.js';

type Num = { int: bigint } | { float: number };

function num(v: Literal): Num | undefined {
  if (v.kind === 'int') return { int: BigInt(v.value) };
  if (v.kind === 'bool') return { int: v.value ? 1n : 0n };
  if (v.kind === 'float') return { float: v.value };
  return undefined;
}

function toFloat(n: Num): number {
  return 'int' in n ? Number(n.int) : n.float;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function floorMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r !== 0n && r < 0n !== b < 0n ? r + b : r;
}

const INT_OPS: Partial<Record<BinaryOp, (a: bigint, b: bigint) => bigint | undefined>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '//': (a, b) => (b === 0n ? undefined : floorDiv(a, b)),
  '%': (a, b) => (b === 0n ? undefined : floorMod(a, b)),
  // A negative exponent gives a float in Python; huge ones are not worth an import-time bignum.
  '**': (a, b) => (b < 0n || b > 1024n ? undefined : a ** b),
  '<<': (a, b) => (b < 0n || b > 1024n ? undefined : a << b),
  '>>': (a, b) => (b < 0n ? undefined : a >> b),
  '&': (a, b) => a & b,
  '|': (a, b) => a | b,
  '^': (a, b) => a ^ b,
};

const FLOAT_OPS: Partial<Record<BinaryOp, (a: number, b: number) => number | undefined>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => (b === 0 ? undefined : a / b),
  '//': (a, b) => (b === 0 ? undefined : Math.floor(a / b)),
  '%': (a, b) => (b === 0 ? undefined : a - b * Math.floor(a / b)),
  '**': (a, b) => a ** b,
};

export function foldBinary(op: BinaryOp, a: Literal, b: Literal): PyVal | undefined {
  if (op === '+' && a.kind === 'str' && b.kind === 'str') return { kind: 'str', value: a.value + b.value };
  const x = num(a);
  const y = num(b);
  if (x === undefined || y === undefined) return undefined;
  if ((op === '&' || op === '|' || op === '^') && a.kind === 'bool' && b.kind === 'bool') {
    return bool(op === '&' ? a.value && b.value : op === '|' ? a.value || b.value : a.value !== b.value);
  }
  if ('int' in x && 'int' in y && op !== '/') {
    const r = INT_OPS[op]?.(x.int, y.int);
    return r === undefined ? undefined : int(r);
  }
  const r = FLOAT_OPS[op]?.(toFloat(x), toFloat(y));
  return r === undefined ? undefined : float(r);
}

export function foldCompare(op: CompareOp, a: Literal, b: Literal): boolean | undefined {
  if (op === 'is' || op === 'is not') {
    // Only `x is None` has a meaning we can decide for literals.
    if (a.kind !== 'none' && b.kind !== 'none') return undefined;
    const same = a.kind === b.kind;
    return op === 'is' ? same : !same;
  }
  const c = order(a, b);
  if (c === undefined) {
    if (op === '==' || op === '!=') return (op === '==') === (a.kind === 'none' && b.kind === 'none');
    return undefined;
  }
  switch (op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    default:
      return undefined;
  }
}

/** -1, 0 or 1 for two comparable literals (numbers with numbers, strings with strings). */
function order(a: Literal, b: Literal): number | undefined {
  if (a.kind === 'str' && b.kind === 'str') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (a.kind === 'device' && b.kind === 'device') return a.value === b.value ? 0 : 1;
  const x = num(a);
  const y = num(b);
  if (x === undefined || y === undefined) return undefined;
  if ('int' in x && 'int' in y) return x.int < y.int ? -1 : x.int > y.int ? 1 : 0;
  const p = toFloat(x);
  const q = toFloat(y);
  return p < q ? -1 : p > q ? 1 : p === q ? 0 : undefined;
}

export function foldUnary(op: UnaryOp, a: Literal): PyVal | undefined {
  if (op === 'not') {
    const t = truthy(a);
    return t === undefined ? undefined : bool(!t);
  }
  const x = num(a);
  if (x === undefined) return undefined;
  if (op === '+') return 'int' in x ? int(x.int) : float(x.float);
  if (op === '-') return 'int' in x ? int(-x.int) : float(-x.float);
  return 'int' in x ? int(~x.int) : undefined;
}

/** `torch.<op>` spellings of Python scalar operators (aten::eq.int, aten::add.int, aten::__not__ ...). */
const ATEN_BINARY: Record<string, BinaryOp> = {
  add: '+', sub: '-', mul: '*', div: '/', floordiv: '//', remainder: '%',
  __and__: '&', __or__: '|', __xor__: '^', __lshift__: '<<', __rshift__: '>>',
};
const ATEN_COMPARE: Record<string, CompareOp> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=', __is__: 'is', __isnot__: 'is not' };

/**
 * Folds `torch.<op>(a, b)` when every argument is a literal: with literal operands TorchScript means
 * the int/float/bool overloads, which are plain Python arithmetic. `x is None` folds even for a graph
 * value `x`, which is never None.
 */
export function foldAtenScalar(op: string, args: readonly PyVal[]): PyVal | undefined {
  const cmp = ATEN_COMPARE[op];
  if ((op === '__is__' || op === '__isnot__') && args.length === 2 && args.some((a) => a.kind === 'none')) {
    const same = args[0]!.kind === 'none' && args[1]!.kind === 'none';
    return bool(op === '__is__' ? same : !same);
  }
  if (!args.every((a): a is Literal => a.kind !== 'value' && a.kind !== 'list' && a.kind !== 'tuple' && a.kind !== 'dict' && a.kind !== 'module' && a.kind !== 'uninitialized')) return undefined;
  if (args.length === 2) {
    const [a, b] = args as [Literal, Literal];
    if (cmp !== undefined) {
      const r = foldCompare(cmp, a, b);
      return r === undefined ? undefined : bool(r);
    }
    const bin = ATEN_BINARY[op];
    return bin === undefined ? undefined : foldBinary(bin, a, b);
  }
  if (args.length === 1) {
    const a = args[0] as Literal;
    if (op === 'neg') return foldUnary('-', a);
    if (op === '__not__') return foldUnary('not', a);
  }
  return undefined;
}
