/**
 * Data propagation for integer math: when every input of an elementwise op is a small integer constant,
 * compute the result so that shape arithmetic (Shape -> Gather -> Mul -> Concat -> Reshape) resolves.
 *
 * Note [exact integer propagation]: values are evaluated as bigints with ONNX's integer semantics (Div
 * truncates toward zero, Mod follows the divisor's sign unless fmod=1). A result that overflows its dtype,
 * or a division by zero, is not recorded: the runtime's answer there is not something to rely on. Float
 * arithmetic is never propagated, since float32 rounding would have to be reproduced exactly.
 */
import { DataType } from '../../dtype.js';
import type { InferContext } from '../infer-context.js';
import { intConstant, intValues, mapBroadcast } from './util.js';

/** An elementwise integer function; undefined declines the whole evaluation. */
export type IntOp = (xs: readonly bigint[]) => bigint | undefined;

/**
 * Evaluates `fn` over the constants of `inputs` (numpy broadcasting) and records output 0. `dtype` is
 * the output's dtype; by default that of the first listed input.
 */
export function propagateInts(ctx: InferContext, inputs: readonly number[], fn: IntOp, dtype?: DataType): void {
  if (!ctx.hasOutput(0) || inputs.length === 0) return;
  const args: { dims: readonly number[]; values: readonly bigint[] }[] = [];
  let outDtype = dtype;
  for (const i of inputs) {
    const c = ctx.inputConstant(i);
    const values = intValues(c);
    if (c === undefined || values === undefined) return;
    if (values.length !== c.dims.reduce((p, d) => p * d, 1)) return;
    outDtype ??= c.dtype;
    args.push({ dims: c.dims, values });
  }
  if (outDtype === undefined) return;
  const r = mapBroadcast(args, fn);
  if (r === undefined) return;
  const data = intConstant(outDtype, r.dims, r.values);
  if (data !== undefined) ctx.setOutputConstant(0, data);
}

const b = (c: boolean): bigint => (c ? 1n : 0n);

function floorMod(a: bigint, m: bigint): bigint | undefined {
  if (m === 0n) return undefined;
  const r = a % m;
  return r !== 0n && r < 0n !== m < 0n ? r + m : r;
}

/** Two-input integer ops whose result has the inputs' dtype. */
export const INT_ARITH = {
  Add: ([x, y]) => x! + y!,
  Sub: ([x, y]) => x! - y!,
  Mul: ([x, y]) => x! * y!,
  // bigint division truncates toward zero, as ONNX integer Div does.
  Div: ([x, y]) => (y === 0n ? undefined : x! / y!),
} satisfies Record<string, IntOp>;

/** Mod's result depends on the fmod attribute: C's `%` (sign of the dividend) or Python's (sign of the divisor). */
export function modOp(fmod: boolean): IntOp {
  return ([x, y]) => (y === 0n ? undefined : fmod ? x! % y! : floorMod(x!, y!));
}

/** Comparisons and logic ops: results are BOOL (0/1). */
export const INT_BOOL = {
  Equal: ([x, y]) => b(x === y),
  Greater: ([x, y]) => b(x! > y!),
  GreaterOrEqual: ([x, y]) => b(x! >= y!),
  Less: ([x, y]) => b(x! < y!),
  LessOrEqual: ([x, y]) => b(x! <= y!),
  And: ([x, y]) => b(x !== 0n && y !== 0n),
  Or: ([x, y]) => b(x !== 0n || y !== 0n),
  Xor: ([x, y]) => b((x !== 0n) !== (y !== 0n)),
} satisfies Record<string, IntOp>;

/** Variadic integer ops (Max/Min/Sum). */
export const INT_VARIADIC = {
  Max: (xs) => xs.reduce((m, x) => (x > m ? x : m)),
  Min: (xs) => xs.reduce((m, x) => (x < m ? x : m)),
  Sum: (xs) => xs.reduce((s, x) => s + x),
} satisfies Record<string, IntOp>;

/** One-input integer ops with the input's dtype. */
export const INT_UNARY = {
  Neg: ([x]) => -x!,
  Abs: ([x]) => (x! < 0n ? -x! : x!),
  Not: ([x]) => b(x === 0n),
} satisfies Record<string, IntOp>;

/** Where(cond, X, Y) elementwise. */
export const whereOp: IntOp = ([c, x, y]) => (c !== 0n ? x : y);
