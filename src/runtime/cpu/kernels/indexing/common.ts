/** Helpers shared by the indexing kernels: element access, odometers, reductions. */
import type { KernelContext } from '../../../kernel.js';
import type { Tensor } from '../../../tensor.js';
import { floatToHalf, halfToFloat } from '../../float16.js';

export type Elems = unknown[];
export const el = (t: Tensor): Elems => t.data as unknown as Elems;

export type Val = number | bigint;

/** Reads and writes elements as numbers (bigint for 64-bit integers), decoding float16. */
export interface Access {
  get(i: number): Val;
  set(i: number, v: Val): void;
}

export function access(t: Tensor): Access {
  const d = t.data as unknown as Val[];
  if (t.type === 'float16') {
    const h = t.data as Uint16Array;
    return { get: (i) => halfToFloat(h[i]!), set: (i, v) => (h[i] = floatToHalf(v as number)) };
  }
  return { get: (i) => d[i]!, set: (i, v) => (d[i] = v) };
}

/** Calls `visit(flat, coords)` over every index of `dims` in row-major order (coords is reused). */
export function forEachIndex(dims: readonly number[], visit: (k: number, c: readonly number[]) => void): void {
  let n = 1;
  for (const d of dims) n *= d;
  const r = dims.length;
  const c = new Array<number>(r).fill(0);
  for (let k = 0; k < n; k++) {
    visit(k, c);
    for (let d = r - 1; d >= 0; d--) {
      if (++c[d]! < dims[d]!) break;
      c[d] = 0;
    }
  }
}

/** A bounds-checked index along a dim of size `d` (negative counts from the end). */
export function wrapIndex(ctx: KernelContext, raw: number, d: number): number {
  const j = raw < 0 ? raw + d : raw;
  if (j < 0 || j >= d) throw ctx.error(`index ${raw} is out of range for dim ${d}`);
  return j;
}

type Combine = (a: Val, b: Val) => Val;
const REDUCTIONS: Record<string, Combine | undefined> = {
  none: (_a, b) => b,
  add: (a, b) => (a as number) + (b as number),
  mul: (a, b) => (a as number) * (b as number),
  max: (a, b) => (a > b ? a : b),
  min: (a, b) => (a < b ? a : b),
};

/** The combine function of a Scatter* `reduction` attribute. */
export function reductionOf(ctx: KernelContext): Combine {
  const name = ctx.attrs.string('reduction', 'none');
  const f = REDUCTIONS[name];
  if (!f) throw ctx.error(`unknown reduction ${JSON.stringify(name)}`);
  return f;
}

/** Copies `x` into a fresh output 0 of the same dims and type. */
export function copyToOutput(ctx: KernelContext, x: Tensor): Tensor {
  const out = ctx.output(0, x.dims, x.type);
  const oi = el(out);
  const xi = el(x);
  for (let i = 0; i < xi.length; i++) oi[i] = xi[i];
  return out;
}
